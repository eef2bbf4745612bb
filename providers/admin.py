from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import ChangedFieldsOnlyAdminMixin

from . import caching
from .forms import ProviderAdminForm, ReasonForm
from .models import Category, Provider, Service, TimeOff, WorkingHours
from .services import ProviderError, provider_approve, provider_reject, provider_suspend


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "icon", "slug", "is_active", "sort_order", "provider_count"]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    # The home page and the search form show categories from the cache (providers.caching).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        caching.categories_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        caching.categories_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        caching.categories_changed()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _providers=Count("providers", filter=Q(providers__status=Provider.Status.APPROVED))
            )
        )

    @admin.display(description=_("approved providers"), ordering="_providers")
    def provider_count(self, obj: Category) -> int:
        return obj._providers


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["service_name", "category", "rate", "duration_minutes", "is_active"]
    show_change_link = True


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


@admin.register(Provider)
class ProviderAdmin(ChangedFieldsOnlyAdminMixin, admin.ModelAdmin):
    form = ProviderAdminForm  # re-encodes an uploaded photo, as the portal does
    list_display = [
        "shop_name",
        "category",
        "area",
        "city",
        "status",
        "user",
        "created_at",
        "status_changed_at",
    ]
    # No date_hierarchy on created_at: it needs MySQL's time zone tables; this filter does not.
    list_filter = ["status", "category", "city", "created_at"]
    search_fields = ["shop_name", "slug", "user__email", "user__name", "city", "area", "pincode"]
    list_select_related = ["category", "user"]
    ordering = ["-created_at"]
    raw_id_fields = ["user"]
    actions = ["approve_selected", "reject_selected", "suspend_selected"]
    inlines = [ServiceInline, WorkingHoursInline]
    # Decisions go through the actions, so who/when and the email are never skipped; the
    # balance changes only through the wallet ledger, and a save writes only the columns the
    # form changed (ChangedFieldsOnlyAdminMixin), so it never puts back a balance it loaded.
    readonly_fields = [
        "pending_shop_name",  # decided on the staff dashboard (approve / keep the name)
        "status",
        "rejection_reason",
        "status_changed_at",
        "status_changed_by",
        "wallet_balance",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "user",
                    "shop_name",
                    "pending_shop_name",
                    "slug",
                    "category",
                    "description",
                    "photo",
                ]
            },
        ),
        (_("Location and contact"), {"fields": ["address", "area", "city", "pincode", "phone"]}),
        (_("Tax"), {"fields": ["gstin"]}),
        (
            _("Approval"),
            {
                "fields": [
                    "status",
                    "rejection_reason",
                    "status_changed_at",
                    "status_changed_by",
                ]
            },
        ),
        (
            _("Booking settings"),
            {
                "fields": [
                    "slot_step_minutes",
                    "capacity",
                    "min_notice_minutes",
                    "max_days_ahead",
                    "auto_confirm",
                    "cancellation_cutoff_hours",
                ]
            },
        ),
        (_("Wallet"), {"fields": ["wallet_balance"]}),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("providers.review_provider")

    def _apply(self, request: HttpRequest, queryset, decide, verb: str, **kwargs) -> None:
        done, refused = 0, []
        for provider in queryset:
            try:
                decide(provider=provider, actor=request.user, **kwargs)
            except ProviderError as exc:
                refused.append(exc.message)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(n)d shop %(verb)s.", "%(n)d shops %(verb)s.", done)
                % {"n": done, "verb": verb},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Approve selected shops"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._apply(request, queryset, provider_approve, _("approved"))

    def _with_reason(self, request, queryset, decide, verb: str, title: str):
        """Ask for the reason on an intermediate page, then decide every selected shop."""
        if "reason_submitted" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                self._apply(request, queryset, decide, verb, reason=form.cleaned_data["reason"])
                return HttpResponseRedirect(request.get_full_path())
        else:
            form = ReasonForm()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "providers": queryset,
            "action": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
            "verb": verb,
        }
        return TemplateResponse(request, "providers/admin/reason_form.html", context)

    @admin.action(
        description=_("Reject selected shops (asks for a reason)"), permissions=["review"]
    )
    def reject_selected(self, request, queryset):
        return self._with_reason(
            request, queryset, provider_reject, _("rejected"), _("Reject shops")
        )

    @admin.action(
        description=_("Suspend selected shops (asks for a reason)"), permissions=["review"]
    )
    def suspend_selected(self, request, queryset):
        return self._with_reason(
            request, queryset, provider_suspend, _("suspended"), _("Suspend shops")
        )


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["service_name", "provider", "category", "rate", "duration_minutes", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["service_name", "provider__shop_name"]
    list_select_related = ["provider", "category"]
    raw_id_fields = ["provider"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["provider", "weekday", "start_time", "end_time"]
    list_filter = ["weekday"]
    search_fields = ["provider__shop_name"]
    list_select_related = ["provider"]
    raw_id_fields = ["provider"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["provider", "start_date", "end_date", "open_time", "close_time", "reason"]
    list_filter = ["start_date"]
    search_fields = ["provider__shop_name", "reason"]
    list_select_related = ["provider"]
    raw_id_fields = ["provider"]
    date_hierarchy = "start_date"
