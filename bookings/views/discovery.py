"""Public pages: search, a shop's page, and the booking page with its day calendar and free
slots (the htmx fragment too). Anyone may see them; nothing here is private."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET

from providers import caching
from providers.models import Provider, Service, TimeOff, WorkingHours

from .. import selectors, services, slots
from ..forms import DayForm, SearchForm

PAGE_SIZE = 12
# The time off a shop's page lists (and the schedule it reads): the next month.
PAGE_DAYS_AHEAD = 30
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
    data, unknown_city = _known_city(request.GET, cities)
    form = SearchForm(data or None, categories=categories, cities=cities)
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
            "unknown_city": unknown_city,
            "cities": cities,
            "page": SimpleLazyObject(lambda: _search_page(params, page_number)),
            "page_number": page_number,
            "results_ttl": caching.SEARCH_RESULTS_TTL if cacheable else None,
            "query": query,
            "params": params,
            "today": timezone.localdate(),
        },
    )


def _known_city(query, cities: list[str]):
    """A ``city=`` the list knows, matched without regard to case ("pune" is Pune); one it
    does not know is taken out of the query and returned, for "No businesses in …" (instead
    of silently showing every city)."""
    city = query.get("city", "").strip()
    if not city or city in cities:
        return query, ""
    data = query.copy()
    match = next((c for c in cities if c.casefold() == city.casefold()), None)
    if match is not None:
        data["city"] = match
        return data, ""
    data.pop("city")
    return data, city[:100]


def _search_page(params: selectors.SearchParams, page_number: str) -> Page:
    """One page of matching providers, each with its exact next free time."""
    # Sorted in SQL ("soonest" by the minutely next_free_at); each card shows its shop's exact
    # next free time, worked out for this page's shops only.
    results = selectors.search_providers(params)
    paginator = Paginator(results, PAGE_SIZE)
    if page_number == "1":
        # Most searches (a city and a category) fit on one page: reading one row more than a
        # page tells whether they do, and then the count needs no query of its own.
        first = list(results[: PAGE_SIZE + 1])
        if len(first) <= PAGE_SIZE:
            paginator.count = len(first)  # a cached_property: set, it is not queried
        page = Page(first[:PAGE_SIZE], 1, paginator)
    else:
        page = paginator.get_page(page_number)
    page.object_list = selectors.with_next_free(list(page.object_list))
    return page


def _opening_hours(weekly: tuple[slots.WeeklyHours, ...]) -> list[dict]:
    by_day = defaultdict(list)
    for h in sorted(weekly, key=lambda h: (h.weekday, h.start)):
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
    a blocked owner shows at once (and an unknown slug is a 404 before anything is cached).

    One read of the schedule serves the next free slot and the opening hours, and the list of
    services gives the shortest one the next free slot is for: four queries with the fragment
    cached, five without."""
    provider = get_object_or_404(selectors.public_providers().select_related("category"), slug=slug)
    today = timezone.localdate()
    services = list(selectors.provider_services(provider))
    schedule = selectors.schedule_for(provider, today, today + timedelta(days=PAGE_DAYS_AHEAD))
    next_free = None
    if services:
        next_free = selectors.next_free_slots(
            [provider],
            shortest={provider.pk: min(s.duration_minutes for s in services)},
            schedules={provider.pk: schedule},
        )[provider.pk]
    return render(
        request,
        "bookings/provider_detail.html",
        {
            "provider": provider,
            "page_ttl": caching.PROVIDER_PAGE_TTL,
            "services": services,
            # Callables: the template calls them only when its fragment is not cached.
            "hours": lambda: _opening_hours(schedule.weekly),
            "time_off": lambda: list(
                TimeOff.objects.filter(
                    provider=provider,
                    end_date__gte=today,
                    start_date__lte=today + timedelta(days=PAGE_DAYS_AHEAD),
                )
            ),
            "today": today,
            "today_weekday": today.weekday(),
            "next_free": next_free,
        },
    )


# --- the booking page (shared with rescheduling) -------------------------------------------


def bookable_service(slug: str, service_id: int) -> Service:
    """An active service of an approved provider, or 404 (unknown or tampered ids). The
    booking pages show no category: it is not joined."""
    # Read by its primary key and checked here: the same answer as filtering on the joined
    # shop's slug and status in SQL, for less statement building on every slot request.
    try:
        service = Service.objects.select_related("provider").get(pk=service_id)
    except Service.DoesNotExist:
        raise Http404("No such service.") from None
    if (
        not service.is_active
        or service.provider.slug != slug
        or service.provider.status != Provider.Status.APPROVED
    ):
        raise Http404("No such service.")
    return service


def day_from(request: HttpRequest) -> tuple[date | None, DayForm | None]:
    if "date" not in request.GET:
        return None, None
    form = DayForm(request.GET)
    return (form.cleaned_data["date"] if form.is_valid() else None), form


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One cell of the day calendar with its strings worked out in Python: a month of cells
    costs the template a few attribute lookups each instead of several ``date`` filters and
    two ``blocktranslate`` tags."""

    date: date
    state: str  # "free", "closed", "full" or "unavailable" (slots.days_availability)
    free: int  # free start times
    current: bool  # the day whose slots are shown
    iso: str
    weekday: str  # "Tue" in the visitor's language, escaped
    day_month: str  # "1 Dec", escaped
    long: str  # "Tuesday 1 December", escaped
    name: str  # the accessible name: "Tuesday 1 December, 12 free" (or closed, full), escaped
    note: str  # the visible third line: "12 free", "Closed" or "Full", escaped


@lru_cache(maxsize=2048)
def _day_labels(day: date, language: str | None) -> tuple[str, str, str, str]:
    """A day's form value and labels in one language, as the ``date`` filter formats them:
    the same few dozen days are shown to every visitor, so each is formatted once."""
    with translation.override(language):
        return (
            day.isoformat(),
            conditional_escape(date_format(day, "D")),
            conditional_escape(date_format(day, "j M")),
            conditional_escape(date_format(day, "l j F")),
        )


@lru_cache(maxsize=1024)
def _day_state_words(state: str, free: int, language: str | None) -> tuple[str, str]:
    """A cell's accessible name (a format with ``%(long)s``) and visible note in one language:
    a month has a handful of distinct (state, count) pairs, so each is translated once."""
    with translation.override(language):
        if state == "free":
            name = ngettext("%(long)s, %(n)s free", "%(long)s, %(n)s free", free)
            return name, ngettext("%(n)s free", "%(n)s free", free) % {"n": free}
        if state == "closed":
            return gettext("%(long)s, closed"), gettext("Closed")
        if state == "full":
            return gettext("%(long)s, fully booked"), gettext("Full")
        return gettext("%(long)s, no times left"), gettext("Full")


def _day_state_labels(long: str, state: str, free: int, language: str | None) -> tuple[str, str]:
    """A cell's accessible name and visible note. ``long`` is escaped already and the
    catalogue's words are the site's own, so the result is safe, as ``blocktranslate`` output
    is."""
    name, note = _day_state_words(state, free, language)
    return mark_safe(name % {"long": long, "n": free}), mark_safe(note)  # noqa: S308


def calendar_days(
    days: dict[date, slots.DayAvailability], selected: date | None = None
) -> list[CalendarDay]:
    language = translation.get_language()
    cells = []
    for d, a in sorted(days.items()):
        iso, weekday, day_month, long = _day_labels(d, language)
        name, note = _day_state_labels(long, a.state, a.free, language)
        labels = (iso, weekday, day_month, long, name, note)
        cells.append(CalendarDay(d, a.state, a.free, d == selected, *labels))
    return cells


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
        "calendar": calendar_days(days, day),
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
