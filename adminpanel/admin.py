import json

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdminMixin

from .models import FraudEvent, FraudFlag
from .services import FlagError, flag_block_user, flag_dismiss, flag_mark_actioned


@admin.register(FraudFlag)
class FraudFlagAdmin(admin.ModelAdmin):
    """The fraud review queue: flags are raised by the rules, staff only decide on them."""

    list_display = ["created_at", "rule", "subject", "status", "updated_at", "reviewer"]
    list_filter = ["status", "rule", "created_at"]
    search_fields = ["subject_key", "user__email", "user__name", "provider__shop_name", "note"]
    # No date_hierarchy on a datetime: it needs MySQL's time zone tables; the filter does not.
    list_select_related = ["user", "provider", "reviewer"]
    ordering = ["-created_at"]
    actions = ["dismiss", "mark_actioned", "block_user"]
    fields = [
        "rule",
        "status",
        "subject_key",
        "user",
        "provider",
        "evidence_pretty",
        "created_at",
        "updated_at",
        "reviewer",
        "reviewed_at",
        "note",
    ]
    readonly_fields = [f for f in fields if f != "note"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("subject"))
    def subject(self, obj: FraudFlag) -> str:
        return obj.subject_label

    @admin.display(description=_("evidence"))
    def evidence_pretty(self, obj: FraudFlag) -> str:
        text = json.dumps(obj.evidence, indent=2, ensure_ascii=False, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("adminpanel.review_fraudflag")

    def has_block_permission(self, request) -> bool:
        return request.user.has_perm("accounts.block_user")

    def _review(self, request, queryset, decide, done: str) -> None:
        changed, errors = 0, []
        for flag in queryset.select_related("user"):
            try:
                decide(flag)
            except FlagError as exc:
                errors.append(f"{flag}: {exc.message}")
            else:
                changed += 1
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description=_("Dismiss selected flags (false alarm)"), permissions=["review"])
    def dismiss(self, request, queryset) -> None:
        self._review(
            request,
            queryset,
            lambda flag: flag_dismiss(flag=flag, reviewer=request.user),
            _("Dismissed %(count)s flag(s)."),
        )

    @admin.action(description=_("Mark selected flags as actioned"), permissions=["review"])
    def mark_actioned(self, request, queryset) -> None:
        self._review(
            request,
            queryset,
            lambda flag: flag_mark_actioned(flag=flag, reviewer=request.user),
            _("Marked %(count)s flag(s) as actioned."),
        )

    @admin.action(
        description=_("Block the flagged users (ends their sessions)"),
        permissions=["review", "block"],
    )
    def block_user(self, request, queryset) -> None:
        def decide(flag: FraudFlag) -> None:
            reason = gettext("Suspicious activity: %(rule)s") % {"rule": flag.get_rule_display()}
            flag_block_user(flag=flag, reviewer=request.user, reason=reason)

        self._review(request, queryset, decide, _("Blocked the users of %(count)s flag(s)."))


@admin.register(FraudEvent)
class FraudEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Recorded payment signature mismatches: evidence, never edited."""

    list_display = ["created_at", "kind", "provider", "ip_address", "source"]
    list_filter = ["kind", "source", "created_at"]
    search_fields = ["provider__shop_name", "ip_address"]
    list_select_related = ["provider"]
