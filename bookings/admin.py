from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin

from .models import Appointment, Notification, QueueDay


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Bookings change only through bookings.services, so the admin reads and searches them."""

    list_display = (
        "token_number",
        "booking_date",
        "slot_time",
        "provider",
        "service",
        "customer_display",
        "status",
        "locked_price",
        "fee_charged",
        "created_at",
    )
    list_filter = ("status", "cancelled_by_role", "booking_date", "provider__city", "created_at")
    search_fields = (
        "provider__shop_name",
        "service__service_name",
        "customer__email",
        "customer__name",
        "walk_in_name",
        "=token_number",
    )
    date_hierarchy = "booking_date"
    list_select_related = ("provider", "service", "customer")
    raw_id_fields = ("customer", "provider", "service", "created_by", "confirmed_by")
    ordering = ("-booking_date", "-slot_time")

    @admin.display(description="Customer", ordering="customer__name")
    def customer_display(self, obj: Appointment) -> str:
        return obj.customer_name if obj.customer_id else f"{obj.walk_in_name} (walk-in)"


@admin.register(QueueDay)
class QueueDayAdmin(admin.ModelAdmin):
    list_display = ("provider", "date", "now_serving", "updated_at")
    list_filter = ("date",)
    search_fields = ("provider__shop_name",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Booking events waiting for the mail worker (``queued_at`` empty) or already turned into
    emails; the emails themselves are under Post Office."""

    list_display = ("appointment_id", "event", "actor_id", "language", "created_at", "queued_at")
    list_filter = ("event", ("queued_at", admin.EmptyFieldListFilter))
    raw_id_fields = ("appointment", "actor")
