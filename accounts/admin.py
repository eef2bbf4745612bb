from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import BlockUserForm
from .models import Device, LoginLog, NotificationPreference, PushDelivery, PushSubscription, User


class ReadOnlyAdminMixin:
    """Records that change only through services (ledgers, logs, events): view, never edit."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ChangedFieldsOnlyAdminMixin:
    """Saving a change form writes only the columns the form changed.

    ``Model.save()`` writes every column as it was loaded with the form, so a full save would
    silently undo what a service changed meanwhile (a fee debited, a user blocked, sessions
    ended); read-only fields alone do not stop that. New objects are saved whole.
    """

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        columns = {f.name: f for f in obj._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in columns]
        if changed:
            stamped = [n for n, f in columns.items() if getattr(f, "auto_now", False)]
            obj.save(update_fields=[*changed, *stamped])


@admin.register(User)
class UserAdmin(ChangedFieldsOnlyAdminMixin, BaseUserAdmin):
    ordering = ["-created_at"]
    list_display = [
        "email",
        "name",
        "mobile",
        "role",
        "email_verified",
        "is_blocked",
        "is_staff",
        "created_at",
    ]
    list_filter = ["role", "email_verified", "is_blocked", "is_staff", "is_active"]
    search_fields = ["email", "name", "mobile"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at", "last_login", "device_id", "blocked_reason"]
    actions = ["block_users", "unblock_users", "unlock_accounts"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "mobile", "role", "email_verified"]}),
        (_("Blocking"), {"fields": ["is_blocked", "blocked_reason"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Activity"), {"fields": ["last_login", "device_id", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "name", "role", "password1", "password2"]},
        ),
    ]

    def has_block_permission(self, request) -> bool:
        return request.user.has_perm("accounts.block_user")

    def has_unlock_permission(self, request) -> bool:
        return request.user.has_perm("accounts.unlock_user")

    def get_readonly_fields(self, request, obj=None):
        # Blocking goes through the actions (reason, sessions ended), never a bare checkbox;
        # "email verified" follows allauth's confirmed address (accounts.signals).
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "is_blocked", "email_verified"]

    @admin.action(description=_("Block selected users (asks for a reason)"), permissions=["block"])
    def block_users(self, request, queryset):
        form = BlockUserForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            users = list(queryset.exclude(pk=request.user.pk))
            for user in users:
                services.user_block(
                    user=user, actor=request.user, reason=form.cleaned_data["reason"]
                )
            self.message_user(
                request,
                ngettext("Blocked %d user.", "Blocked %d users.", len(users)) % len(users),
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "accounts/admin_block_users.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Block users"),
                "form": form,
                "users": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Unblock selected users"), permissions=["block"])
    def unblock_users(self, request, queryset):
        count = 0
        for user in queryset.filter(is_blocked=True):
            services.user_unblock(user=user, actor=request.user)
            count += 1
        self.message_user(
            request, ngettext("Unblocked %d user.", "Unblocked %d users.", count) % count
        )

    @admin.action(
        description=_("Unlock selected accounts (failed-login lockout)"), permissions=["unlock"]
    )
    def unlock_accounts(self, request, queryset):
        for user in queryset:
            services.lockout_reset(user=user)
        self.message_user(request, _("The selected accounts can sign in again."))


@admin.register(LoginLog)
class LoginLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "identifier", "user", "status", "reason", "ip_address"]
    list_filter = ["status", "reason"]
    search_fields = ["identifier", "user__email", "ip_address", "device_id"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "user_agent", "ip_address", "first_seen_at", "last_seen_at"]
    search_fields = ["user__email", "device_id", "ip_address"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Device._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """View and remove (a removed device gets no more pushes); created only by the browser."""

    list_display = ["user", "device", "created_at", "last_sent_at"]
    search_fields = ["user__email", "device__device_id"]
    list_select_related = ["user", "device"]
    readonly_fields = ["user", "device", "endpoint", "created_at", "last_sent_at"]
    exclude = ["p256dh", "auth"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PushDelivery)
class PushDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "event_key", "subscription", "status", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["event_key", "subscription__user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["subscription__user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "email", "push"]
    list_filter = ["kind", "email", "push"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
