"""The provider's portal pages about bookings: the dashboard (/portal/: status, set-up
checklist, today, wallet — served by bookings because it combines providers, bookings and
wallet data, DESIGN §3), a day's bookings with their actions, walk-ins and the queue controls."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from django_ratelimit.decorators import ratelimit

from providers.mixins import ProviderRequiredMixin, provider_required
from providers.models import Provider
from providers.selectors import (
    provider_services,
    provider_setup_checklist,
    upcoming_time_off,
    working_hours_by_weekday,
)
from wallet import selectors as wallet_selectors

from .. import selectors, services
from ..forms import ActionForm, ProviderBookingsFilterForm, WalkInForm
from ..models import Appointment
from .customer import cancel, safe_next


class ProviderDashboardView(ProviderRequiredMixin, TemplateView):
    template_name = "bookings/provider_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        provider = self.provider
        today = timezone.localdate()
        checklist = provider_setup_checklist(provider)
        week = working_hours_by_weekday(provider)
        context.update(
            today=today,
            checklist=checklist,
            checklist_done=sum(item.done for item in checklist),
            setup_complete=all(item.done for item in checklist),
            active_services=provider_services(provider, active_only=True),
            open_days=[(day, intervals) for day, intervals in week.items()],
            today_hours=week[today.weekday()],
            time_off=upcoming_time_off(provider, today=today)[:3],
        )
        # Today's bookings in serving order (slot time, then token) and the queue controls.
        context.update(
            appointments=selectors.provider_appointments(provider)
            .filter(booking_date=today)
            .order_by("slot_time", "token_number"),
            queue=selectors.queue_status(provider, today),
            now=timezone.now(),
        )
        # Wallet: balance and the low-balance warning (wallet.selectors).
        context.update(
            wallet_low=wallet_selectors.is_low_balance(provider),
            wallet_low_threshold=settings.WALLET_LOW_BALANCE,
            awaiting_fee=selectors.awaiting_wallet_money(provider),
        )
        return context


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


@provider_required
@require_GET
def provider_bookings(request: HttpRequest, provider: Provider) -> HttpResponse:
    """The provider's bookings of one day (today by default), with filters."""
    form = ProviderBookingsFilterForm(request.GET or None, provider=provider)
    today = timezone.localdate()
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: form.cleaned_data[k] for k in ("status", "service", "q")}
        day = form.cleaned_data["date"] or today
    else:
        day = today
    rows = selectors.provider_day_bookings(provider, day=day, **filters)  # serving order
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


@provider_required
@require_POST
def provider_action(request: HttpRequest, pk: int, action: str, provider: Provider):
    if action not in services.PROVIDER_ACTIONS:
        raise Http404
    appointment = get_object_or_404(Appointment, pk=pk, provider=provider)
    function, done = services.PROVIDER_ACTIONS[action]
    form = ActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(safe_next(request, reverse("bookings:provider_bookings")))
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
    return redirect(safe_next(request, reverse("bookings:provider_bookings")))


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
    return redirect(safe_next(request, reverse("bookings:provider_bookings")))


@provider_required
@require_POST
def queue_reset(request: HttpRequest, provider: Provider) -> HttpResponse:
    services.queue_reset(provider=provider, actor=request.user)
    messages.info(request, _("Today's queue starts again from the first token."))
    return redirect(safe_next(request, reverse("bookings:provider_bookings")))
