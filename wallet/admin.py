"""Money records are read-only in the admin: they change only through wallet.services."""

from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin

from .models import Invoice, InvoiceSequence, Payment, WalletTransaction, WebhookEvent


@admin.register(WalletTransaction)
class WalletTransactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "user", "type", "kind", "amount", "balance_after", "reference_id")
    list_filter = ("type", "kind", "created_at")
    search_fields = ("reference_id", "user__email", "user__name", "notes")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "provider",
        "amount",
        "status",
        "order_id",
        "payment_id",
        "gateway",
    )
    list_filter = ("status", "gateway", "confirmed_via", "created_at")
    search_fields = ("order_id", "payment_id", "receipt", "provider__shop_name")
    list_select_related = ("provider",)
    date_hierarchy = "created_at"


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "event", "event_id", "order_id", "outcome")
    list_filter = ("event", "outcome")
    search_fields = ("event_id", "order_id", "payment_id")
    date_hierarchy = "received_at"


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "doc_type", "issued_at", "kind", "provider", "customer", "amount")
    list_filter = ("doc_type", "kind", "financial_year")
    search_fields = ("number", "reference_id", "provider__shop_name", "customer__email")
    list_select_related = ("provider", "customer")
    date_hierarchy = "issued_at"


@admin.register(InvoiceSequence)
class InvoiceSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("series", "financial_year", "last_number")
    list_filter = ("series",)
    search_fields = ("financial_year",)
