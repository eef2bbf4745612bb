from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-created_at"]
    list_display = [
        "email",
        "name",
        "mobile",
        "role",
        "is_verified",
        "is_blocked",
        "is_staff",
        "created_at",
    ]
    list_filter = ["role", "is_verified", "is_blocked", "is_staff", "is_active"]
    search_fields = ["email", "name", "mobile"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at", "last_login", "device_id"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "mobile", "role", "is_verified"]}),
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
