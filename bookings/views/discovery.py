"""Public pages: search, a shop's page, and the booking page with its day calendar and free
slots (the htmx fragment too). Anyone may see them; nothing here is private."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from providers import caching
from providers.models import Provider, Service, TimeOff, WorkingHours

from .. import selectors, services
from ..forms import DayForm, SearchForm

PAGE_SIZE = 12
# Result pages kept in the cache: the first few, which nearly every visitor sees.
SEARCH_CACHED_PAGES = {str(n) for n in range(1, 6)}


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Approved providers, filtered and sorted.

    Result pages for the everyday filters (no free text, the first pages) are a
    ``{% cache %}`` fragment for ``caching.SEARCH_RESULTS_TTL`` seconds, so their cards (and
    each shop's next free time) may trail a booking by that long; anything else is worked out
    on each request. The page is only computed when the template needs it (a cache miss)."""
    categories, cities = selectors.search_choices()
    form = SearchForm(request.GET or None, categories=categories, cities=cities)
    params = selectors.SearchParams()
    if form.is_bound and form.is_valid():
        params = selectors.SearchParams(**{k: v or "" for k, v in form.cleaned_data.items()})
    params.sort = params.sort or "name"
    page_number = request.GET.get("page") or "1"
    query = urlencode(
        {
            k: v
            for k, v in (
                ("q", params.q),
                ("category", params.category),
                ("city", params.city),
                ("sort", params.sort),
            )
            if v
        }
    )
    cacheable = not params.q and page_number in SEARCH_CACHED_PAGES
    return render(
        request,
        "bookings/search.html",
        {
            "form": form,
            "page": SimpleLazyObject(lambda: _search_page(params, page_number)),
            "page_number": page_number,
            "results_ttl": caching.SEARCH_RESULTS_TTL if cacheable else None,
            "query": query,
            "params": params,
            "today": timezone.localdate(),
        },
    )


def _search_page(params: selectors.SearchParams, page_number: str) -> Page:
    """One page of matching providers, each with its exact next free time."""
    # Sorted in SQL ("soonest" by the minutely next_free_at); each card shows its shop's exact
    # next free time, worked out for this page's shops only.
    page = Paginator(selectors.search_providers(params), PAGE_SIZE).get_page(page_number)
    page.object_list = selectors.with_next_free(list(page.object_list))
    return page


def _opening_hours(provider: Provider) -> list[dict]:
    by_day = defaultdict(list)
    for h in provider.working_hours.order_by("weekday", "start_time"):
        by_day[h.weekday].append(h)
    return [
        {"label": label, "intervals": by_day.get(value, [])}
        for value, label in WorkingHours.Weekday.choices
    ]


@require_GET
def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A shop's public page. Its services, hours, time off and booking rules are a
    ``{% cache %}`` fragment that ``providers.services`` deletes after a change commits; the
    shop itself and its next free slot are read on each request, so a booking, a suspension or
    a blocked owner shows at once (and an unknown slug is a 404 before anything is cached)."""
    provider = get_object_or_404(selectors.public_providers().select_related("category"), slug=slug)
    today = timezone.localdate()
    return render(
        request,
        "bookings/provider_detail.html",
        {
            "provider": provider,
            "page_ttl": caching.PROVIDER_PAGE_TTL,
            # Callables: the template calls them only when its fragment is not cached.
            "services": lambda: list(selectors.provider_services(provider)),
            "hours": lambda: _opening_hours(provider),
            "time_off": lambda: list(
                TimeOff.objects.filter(
                    provider=provider,
                    end_date__gte=today,
                    start_date__lte=today + timedelta(days=30),
                )
            ),
            "today": today,
            "today_weekday": today.weekday(),
            "next_free": selectors.next_free_slots([provider]).get(provider.pk),
        },
    )


# --- the booking page (shared with rescheduling) -------------------------------------------


def bookable_service(slug: str, service_id: int) -> Service:
    """An active service of an approved provider, or 404 (unknown or tampered ids)."""
    return get_object_or_404(
        Service.objects.select_related("provider", "provider__category"),
        pk=service_id,
        provider__slug=slug,
        provider__status=Provider.Status.APPROVED,
        is_active=True,
    )


def day_from(request: HttpRequest) -> tuple[date | None, DayForm | None]:
    if "date" not in request.GET:
        return None, None
    form = DayForm(request.GET)
    return (form.cleaned_data["date"] if form.is_valid() else None), form


def calendar_days(days: dict[date, str]) -> list[dict]:
    return [{"date": d, "state": s} for d, s in sorted(days.items())]


def slot_context(service: Service, day: date | None, *, exclude_id: int | None = None) -> dict:
    """The free slots of ``day`` and, when there are none, why (``slots.unbookable_reason``,
    the rule the booking service applies too, in its words)."""
    if day is None:
        return {"day": None, "slots": []}
    free, message = services.day_slots_explained(service, day, exclude_id=exclude_id)
    return {"day": day, "slots": free, "no_slots_reason": message}


@require_GET
def book(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """Step 1 and 2: pick a day (closed days shown closed), then one of its free slots.

    Not cached: the day calendar and the free slots come from a few indexed queries of this
    shop's hours, time off and bookings, so a booking shows on the very next request."""
    service = bookable_service(slug, service_id)
    day, day_form = day_from(request)
    days = selectors.month_availability(service, selectors.booking_days(service.provider))
    context = {
        "service": service,
        "provider": service.provider,
        "calendar": calendar_days(days),
        "day_form": day_form,
        "slots_url": reverse("bookings:slots", args=[slug, service.pk]),
        "confirm_url": reverse("bookings:confirm", args=[slug, service.pk]),
        **slot_context(service, day),
    }
    return render(request, "bookings/book.html", context)


@require_GET
def slots_fragment(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """The free slots of one day, as an htmx fragment (not cached, as the booking page)."""
    service = bookable_service(slug, service_id)
    form = DayForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "bookings/_slots.html",
            {"errors": form.errors.get("date"), "service": service},
            status=400,
        )
    return render(
        request,
        "bookings/_slots.html",
        {
            "service": service,
            "confirm_url": reverse("bookings:confirm", args=[slug, service.pk]),
            **slot_context(service, form.cleaned_data["date"]),
        },
    )
