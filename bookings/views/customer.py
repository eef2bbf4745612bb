"""A customer's side of a booking: confirming it, their list, the booking page with its live
queue box, the calendar file, the invoice, cancelling and rescheduling. The booking pages are
also open to the shop and to staff with their second factor (``accounts.access``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from accounts.access import private_data_view
from config.pwa import OFFLINE_CACHE_HEADER
from providers.models import Provider
from wallet.invoices import pdf_response

from .. import selectors, services
from ..forms import BookForm, CancelForm, SlotForm
from ..ics import appointment_ics
from ..models import Appointment
from .discovery import bookable_service, calendar_days, day_from, slot_context


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@ratelimit(key="user", rate="30/m", method="POST", block=True)
def confirm(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """Step 3: check the summary, then book. The booking service has the final word."""
    if request.method == "POST":
        # The service as the booking checks it (with its owner's flags: one read for the view
        # and the booking); it must exist, be on offer and belong to ``slug`` (404 otherwise).
        service = get_object_or_404(
            services.services_with_owner(),
            pk=service_id,
            provider__slug=slug,
            provider__status=Provider.Status.APPROVED,
            is_active=True,
        )
    else:
        service = bookable_service(slug, service_id)
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


@login_required
@require_GET
def my_bookings(request: HttpRequest) -> HttpResponse:
    upcoming = selectors.customer_upcoming(request.user)
    page = Paginator(selectors.customer_past(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "bookings/my_bookings.html", {"upcoming": upcoming, "past_page": page})


def _queue_context(appointment: Appointment) -> dict:
    queue = selectors.appointment_queue(appointment)
    if not queue.show:
        return {"show_queue": False}
    return {"show_queue": True, "now_serving": queue.now_serving, "place": queue.place}


@login_required
@private_data_view
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.appointment_for_viewer(user=request.user, pk=pk)
    is_customer, is_provider = selectors.viewer_roles(appointment, request.user)
    response = render(
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
    if is_customer and appointment.is_active and appointment.ends_at > timezone.now():
        # The service worker keeps the customer's own upcoming booking readable offline.
        response[OFFLINE_CACHE_HEADER] = "booking"
    return response


@login_required
@private_data_view
@require_GET
def detail_queue(request: HttpRequest, pk: int) -> HttpResponse:
    """The "now serving N, your token M" box, polled by htmx."""
    appointment = selectors.appointment_for_viewer(user=request.user, pk=pk)
    return render(
        request,
        "bookings/_my_queue.html",
        {"appointment": appointment, **_queue_context(appointment)},
    )


@login_required
@private_data_view
@require_GET
def ics(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.appointment_for_viewer(user=request.user, pk=pk)
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
    """The booking's invoice as PDF (issued at confirmation; 404 before)."""
    appointment = selectors.appointment_for_viewer(user=request.user, pk=pk)
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
    appointment = selectors.appointment_for_viewer(user=request.user, pk=pk)
    is_customer, is_provider = selectors.viewer_roles(appointment, request.user)
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
            return redirect(safe_next(request, default))
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
    appointment = selectors.appointment_for_viewer(user=request.user, pk=pk)
    is_customer, is_provider = selectors.viewer_roles(appointment, request.user)
    if not (is_customer or is_provider):
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
    day, day_form = day_from(request)
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
            "calendar": calendar_days(days, day),
            "day_form": day_form,
            "can_change": appointment.is_active
            and (not is_customer or services.customer_can_change(appointment)),
            **slot_context(service, day, exclude_id=appointment.pk),
        },
    )
