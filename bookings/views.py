"""Pages of discovery, booking, customers' and providers' bookings, and the live queue."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.access import private_data_view
from providers import caching
from providers.mixins import provider_required
from providers.models import Provider, Service, TimeOff, WorkingHours
from wallet.invoices import pdf_response

from . import selectors, services
from .forms import (
    ActionForm,
    BookForm,
    CancelForm,
    DayForm,
    ProviderBookingsFilterForm,
    SearchForm,
    SlotForm,
    WalkInForm,
)
from .ics import appointment_ics
from .models import Appointment

PAGE_SIZE = 12


# --- helpers ---------------------------------------------------------------------------------


def _bookable_service(slug: str, service_id: int) -> Service:
    """An active service of an approved provider, or 404 (unknown or tampered ids)."""
    return get_object_or_404(
        Service.objects.select_related("provider", "provider__category"),
        pk=service_id,
        provider__slug=slug,
        provider__status=Provider.Status.APPROVED,
        is_active=True,
    )


def _visible_appointment(request: HttpRequest, pk: int) -> Appointment:
    return selectors.appointment_for_viewer(user=request.user, pk=pk)


def _is_customer_of(appointment: Appointment, user) -> bool:
    return appointment.customer_id is not None and appointment.customer_id == user.pk


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _error_message(request: HttpRequest, exc: services.BookingError) -> None:
    if isinstance(exc, services.FeeNotPaid):
        messages.error(
            request,
            format_html(
                '{} <a class="alert-link" href="{}">{}</a>',
                exc.message,
                exc.topup_url,
                _("Add money to your wallet"),
            ),
        )
    else:
        messages.error(request, exc.message)


def _calendar(days: dict[date, str]) -> list[dict]:
    return [{"date": d, "state": s} for d, s in sorted(days.items())]


# --- discovery -------------------------------------------------------------------------------


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Approved providers, filtered and sorted.

    Result pages for the everyday filters (no free text, the first pages) are a
    ``{% cache %}`` fragment for ``caching.SEARCH_RESULTS_TTL`` seconds, so their cards (and
    each shop's next free time) may trail a booking by that long; anything else is worked out
    on each request. The page is only computed when the template needs it (a cache miss)."""
    categories, cities = _search_choices()
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


# Result pages kept in the cache: the first few, which nearly every visitor sees.
SEARCH_CACHED_PAGES = {str(n) for n in range(1, 6)}


def _search_choices() -> tuple[list[tuple[str, str]], list[str]]:
    """The search form's category and city choices (caching.SEARCH_CHOICES_KEY)."""
    choices = cache.get(caching.SEARCH_CHOICES_KEY)
    if choices is None:
        choices = (selectors.category_choices(), selectors.cities())
        cache.set(caching.SEARCH_CHOICES_KEY, choices, caching.SEARCH_CHOICES_TTL)
    return choices


def _search_page(params: selectors.SearchParams, page_number: str) -> Page:
    """One page of matching providers, each with its exact next free time."""
    # Sorted in SQL ("soonest" by the minutely next_free_at); each card shows its shop's exact
    # next free time, worked out for this page's shops only.
    page = Paginator(selectors.search_providers(params), PAGE_SIZE).get_page(page_number)
    next_free = selectors.next_free_slots(list(page.object_list))
    for provider in page.object_list:
        provider.next_free = next_free.get(provider.pk)
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


# --- booking flow ----------------------------------------------------------------------------


def _day_from(request: HttpRequest) -> tuple[date | None, DayForm | None]:
    if "date" not in request.GET:
        return None, None
    form = DayForm(request.GET)
    return (form.cleaned_data["date"] if form.is_valid() else None), form


def _slot_context(service: Service, day: date | None, *, exclude_id: int | None = None) -> dict:
    """The free slots of ``day`` and, when there are none, why (``slots.unbookable_reason``,
    the rule the booking service applies too, in its words)."""
    if day is None:
        return {"day": None, "slots": []}
    free, reason = selectors.day_slots_or_reason(service, day, exclude_id=exclude_id)
    if reason is not None:
        message = services.slot_refusal(reason, service.provider).message
        return {"day": day, "slots": [], "no_slots_reason": message}
    return {"day": day, "slots": free, "no_slots_reason": ""}


@require_GET
def book(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """Step 1 and 2: pick a day (closed days shown closed), then one of its free slots.

    Not cached: the day calendar and the free slots come from a few indexed queries of this
    shop's hours, time off and bookings, so a booking shows on the very next request."""
    service = _bookable_service(slug, service_id)
    day, day_form = _day_from(request)
    days = selectors.month_availability(service, selectors.booking_days(service.provider))
    context = {
        "service": service,
        "provider": service.provider,
        "calendar": _calendar(days),
        "day_form": day_form,
        "slots_url": reverse("bookings:slots", args=[slug, service.pk]),
        "confirm_url": reverse("bookings:confirm", args=[slug, service.pk]),
        **_slot_context(service, day),
    }
    return render(request, "bookings/book.html", context)


@require_GET
def slots_fragment(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """The free slots of one day, as an htmx fragment (not cached, as the booking page)."""
    service = _bookable_service(slug, service_id)
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
            **_slot_context(service, form.cleaned_data["date"]),
        },
    )


@login_required
@ratelimit(key="user", rate="30/m", method="POST", block=True)
def confirm(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """Step 3: check the summary, then book. The booking service has the final word."""
    if request.method == "POST":
        # The booking service reads the service again in its transaction: here it only has to
        # exist, be on offer and belong to ``slug`` (404 otherwise), so no columns beyond ids.
        service = get_object_or_404(
            Service.objects.only("pk", "provider_id"),
            pk=service_id,
            provider__slug=slug,
            provider__status=Provider.Status.APPROVED,
            is_active=True,
        )
    else:
        service = _bookable_service(slug, service_id)
    back = reverse("bookings:book", args=[slug, service.pk])
    form = BookForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    if request.method == "POST":
        try:
            appointment = services.appointment_book(
                customer=request.user,
                service=service,
                booking_date=form.cleaned_data["date"],
                slot_time=form.cleaned_data["time"],
                customer_note=form.cleaned_data["note"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except services.BookingError as exc:
            messages.error(request, exc.message)
            return redirect(f"{back}?date={form.cleaned_data['date']:%Y-%m-%d}")
        messages.success(
            request,
            _("Booked! Your token number is %(token)s.") % {"token": appointment.token_number},
        )
        return redirect("bookings:detail", pk=appointment.pk)
    return render(
        request,
        "bookings/confirm.html",
        {
            "service": service,
            "provider": service.provider,
            "form": form,
            "day": form.cleaned_data["date"],
            "time": form.cleaned_data["time"],
            "back": f"{back}?date={form.cleaned_data['date']:%Y-%m-%d}",
        },
    )


# --- customer pages --------------------------------------------------------------------------


@login_required
@require_GET
def my_bookings(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mine = selectors.customer_appointments(request.user)
    upcoming = mine.filter(
        booking_date__gte=today, status__in=Appointment.ACTIVE_STATUSES
    ).order_by("booking_date", "slot_time")
    past = mine.exclude(pk__in=upcoming.values("pk")).order_by("-booking_date", "-slot_time")
    page = Paginator(past, 20).get_page(request.GET.get("page"))
    return render(request, "bookings/my_bookings.html", {"upcoming": upcoming, "past_page": page})


def _queue_context(appointment: Appointment) -> dict:
    if appointment.booking_date != timezone.localdate() or not appointment.is_active:
        return {"show_queue": False}
    status = selectors.queue_status(appointment.provider)
    return {
        "show_queue": True,
        "now_serving": status.now_serving,
        "place": selectors.queue_place(appointment, status),
    }


@login_required
@private_data_view
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _visible_appointment(request, pk)
    is_customer = _is_customer_of(appointment, request.user)
    is_provider = appointment.provider.user_id == request.user.pk
    return render(
        request,
        "bookings/appointment_detail.html",
        {
            "appointment": appointment,
            "provider": appointment.provider,
            "is_customer": is_customer,
            "is_provider": is_provider,
            "can_change": is_customer and services.customer_can_change(appointment),
            "documents": selectors.booking_documents(
                appointment, for_shop=is_provider or request.user.is_staff
            ),
            **_queue_context(appointment),
        },
    )


@login_required
@private_data_view
@require_GET
def detail_queue(request: HttpRequest, pk: int) -> HttpResponse:
    """The "now serving N, your token M" box, polled by htmx."""
    appointment = _visible_appointment(request, pk)
    return render(
        request,
        "bookings/_my_queue.html",
        {"appointment": appointment, **_queue_context(appointment)},
    )


@login_required
@private_data_view
@require_GET
def ics(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _visible_appointment(request, pk)
    body = appointment_ics(
        appointment, detail_url=request.build_absolute_uri(reverse("bookings:detail", args=[pk]))
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{pk}.ics"'
    return response


@login_required
@private_data_view
@never_cache
@require_GET
def invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking's invoice as PDF (issued at confirmation; 404 before). Writes nothing."""
    appointment = _visible_appointment(request, pk)
    issued = [
        document
        for document in selectors.booking_documents(appointment, for_shop=False)
        if not document.is_credit_note
    ]
    if not issued:
        raise Http404(_("An invoice is issued once the booking is confirmed."))
    return pdf_response(issued[0])


@login_required
@private_data_view
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel, by the customer (before the cut-off) or the business (with a reason)."""
    appointment = _visible_appointment(request, pk)
    is_customer = _is_customer_of(appointment, request.user)
    is_provider = appointment.provider.user_id == request.user.pk
    if not (is_customer or is_provider):
        raise Http404
    form = CancelForm(request.POST or None, reason_required=not is_customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_cancel(
                appointment=appointment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except services.BookingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Token %(token)s is cancelled.") % {"token": appointment.token_number},
            )
            default = (
                reverse("bookings:provider_bookings") if is_provider else reverse("bookings:mine")
            )
            return redirect(_safe_next(request, default))
        return redirect("bookings:detail", pk=pk)
    return render(
        request,
        "bookings/appointment_cancel.html",
        {
            "appointment": appointment,
            "form": form,
            "is_customer": is_customer,
            "can_change": not is_customer or services.customer_can_change(appointment),
        },
    )


@login_required
@private_data_view
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a booking to another free slot (the customer, before the cut-off; or the business)."""
    appointment = _visible_appointment(request, pk)
    is_customer = _is_customer_of(appointment, request.user)
    if not (is_customer or appointment.provider.user_id == request.user.pk):
        raise Http404
    if request.method == "POST":
        form = SlotForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("bookings:reschedule", pk=pk)
        try:
            services.appointment_reschedule(
                appointment=appointment,
                actor=request.user,
                booking_date=form.cleaned_data["date"],
                slot_time=form.cleaned_data["time"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except services.BookingError as exc:
            messages.error(request, exc.message)
            return redirect(
                f"{reverse('bookings:reschedule', args=[pk])}?date={form.cleaned_data['date']}"
            )
        appointment.refresh_from_db()
        messages.success(
            request,
            _("Moved to %(date)s at %(time)s. Your token is %(token)s.")
            % {
                "date": appointment.booking_date.strftime("%d %b %Y"),
                "time": appointment.slot_time.strftime("%H:%M"),
                "token": appointment.token_number,
            },
        )
        return redirect("bookings:detail", pk=pk)
    service = appointment.service
    day, day_form = _day_from(request)
    days = selectors.month_availability(
        service, selectors.booking_days(appointment.provider), exclude_id=appointment.pk
    )
    return render(
        request,
        "bookings/appointment_reschedule.html",
        {
            "appointment": appointment,
            "service": service,
            "provider": appointment.provider,
            "calendar": _calendar(days),
            "day_form": day_form,
            "can_change": appointment.is_active
            and (not is_customer or services.customer_can_change(appointment)),
            **_slot_context(service, day, exclude_id=appointment.pk),
        },
    )


# --- provider pages --------------------------------------------------------------------------


@provider_required
@require_GET
def provider_bookings(request: HttpRequest, provider: Provider) -> HttpResponse:
    """The provider's bookings of one day (today by default), with filters."""
    form = ProviderBookingsFilterForm(request.GET or None, provider=provider)
    today = timezone.localdate()
    day = today
    rows = selectors.provider_appointments(provider)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        day = data["date"] or today
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["service"]:
            rows = rows.filter(service=data["service"])
        if data["q"]:
            term = data["q"].strip()
            match = (
                Q(customer__name__icontains=term)
                | Q(customer__email__icontains=term)
                | Q(walk_in_name__icontains=term)
            )
            if term.isdigit():
                match |= Q(token_number=int(term))
            rows = rows.filter(match)
    rows = rows.filter(booking_date=day).order_by("slot_time", "token_number")  # serving order
    return render(
        request,
        "bookings/provider_bookings.html",
        {
            "provider": provider,
            "form": form,
            "day": day,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "appointments": rows,
            "now": timezone.now(),
            "queue": selectors.queue_status(provider, day) if day == today else None,
        },
    )


ACTIONS = {
    "confirm": (services.appointment_confirm, _("Token %(token)s is confirmed.")),
    "complete": (services.appointment_complete, _("Token %(token)s is marked completed.")),
    "no_show": (services.appointment_no_show, _("Token %(token)s is marked as a no-show.")),
}


@provider_required
@require_POST
def provider_action(request: HttpRequest, pk: int, action: str, provider: Provider):
    if action not in ACTIONS:
        raise Http404
    appointment = get_object_or_404(Appointment, pk=pk, provider=provider)
    function, done = ACTIONS[action]
    form = ActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_safe_next(request, reverse("bookings:provider_bookings")))
    try:
        function(
            appointment=appointment,
            actor=request.user,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except services.BookingError as exc:
        _error_message(request, exc)
    else:
        messages.success(request, done % {"token": appointment.token_number})
    return redirect(_safe_next(request, reverse("bookings:provider_bookings")))


@provider_required
def provider_cancel(request: HttpRequest, pk: int, provider: Provider) -> HttpResponse:
    get_object_or_404(Appointment, pk=pk, provider=provider)
    return cancel(request, pk)


@provider_required
@ratelimit(key="user", rate="60/m", method="POST", block=True)
def walk_in(request: HttpRequest, provider: Provider) -> HttpResponse:
    """A booking made at the counter for someone without an account: next token, today."""
    now = timezone.localtime()
    step = provider.slot_step_minutes
    minutes = now.hour * 60 + now.minute
    initial_time = f"{(minutes - minutes % step) // 60:02d}:{(minutes - minutes % step) % 60:02d}"
    form = WalkInForm(request.POST or None, provider=provider, initial={"time": initial_time})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.walk_in_book(
                provider=provider,
                service=data["service"],
                name=data["name"],
                mobile=str(data["mobile"] or ""),
                slot_time=data["time"],
                actor=request.user,
                idempotency_key=data["idempotency_key"],
            )
        except services.BookingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Walk-in booked for %(name)s: token %(token)s.")
                % {"name": appointment.walk_in_name, "token": appointment.token_number},
            )
            return redirect("bookings:provider_bookings")
    return render(request, "bookings/walk_in.html", {"form": form, "provider": provider})


@provider_required
@require_POST
def queue_advance(request: HttpRequest, provider: Provider) -> HttpResponse:
    try:
        state = services.queue_advance(provider=provider, actor=request.user)
    except services.BookingError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("Now serving token %(token)s.") % {"token": state.now_serving})
    return redirect(_safe_next(request, reverse("bookings:provider_bookings")))


@provider_required
@require_POST
def queue_reset(request: HttpRequest, provider: Provider) -> HttpResponse:
    services.queue_reset(provider=provider, actor=request.user)
    messages.info(request, _("Today's queue starts again from the first token."))
    return redirect(_safe_next(request, reverse("bookings:provider_bookings")))


# --- live queue ------------------------------------------------------------------------------


def _board_context(provider: Provider) -> dict:
    status = selectors.queue_status(provider)
    return {
        "provider": provider,
        "now_serving": status.now_serving,
        "next_tokens": status.upcoming[:6],
        "waiting": status.waiting,
        "updated": timezone.localtime(),
    }


@require_GET
def queue_board(request: HttpRequest, slug: str) -> HttpResponse:
    """The public token board of today, for a TV at the shop; htmx refreshes it."""
    provider = get_object_or_404(selectors.public_providers(), slug=slug)
    return render(request, "bookings/queue_board.html", _board_context(provider))


@require_GET
def queue_board_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_object_or_404(selectors.public_providers(), slug=slug)
    return render(request, "bookings/_queue_board.html", _board_context(provider))
