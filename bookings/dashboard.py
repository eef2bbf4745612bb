"""The provider's home in the portal (/portal/): status, set-up checklist, today, wallet.

Served by bookings because it combines providers, bookings and wallet data (DESIGN §3).
"""

from django.conf import settings
from django.utils import timezone
from django.views.generic import TemplateView

from providers.mixins import ProviderRequiredMixin
from providers.selectors import (
    provider_services,
    provider_setup_checklist,
    upcoming_time_off,
    working_hours_by_weekday,
)
from wallet import selectors as wallet_selectors

from . import selectors as booking_selectors


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
            appointments=booking_selectors.provider_appointments(provider)
            .filter(booking_date=today)
            .order_by("slot_time", "token_number"),
            queue=booking_selectors.queue_status(provider, today),
            now=timezone.now(),
        )
        # Wallet: balance and the low-balance warning (wallet.selectors).
        context.update(
            wallet_low=wallet_selectors.is_low_balance(provider),
            wallet_low_threshold=settings.WALLET_LOW_BALANCE,
            awaiting_fee=booking_selectors.awaiting_wallet_money(provider),
        )
        return context
