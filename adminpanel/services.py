"""Staff decisions on fraud flags. Each is one transaction; the flag row is locked while it
changes so two reviewers cannot settle the same flag twice."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import User

from .models import FraudFlag


class FlagError(Exception):
    """A review step the flag's state does not allow; ``message`` is safe to show."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _close(*, flag: FraudFlag, reviewer: User, status: str, note: str) -> FraudFlag:
    locked = FraudFlag.objects.select_for_update().get(pk=flag.pk)
    if not locked.is_open:
        raise FlagError(_("This flag was already reviewed."))
    locked.status = status
    locked.reviewer = reviewer
    locked.reviewed_at = timezone.now()
    locked.note = (note or "").strip()[:500]
    locked.open_key = None
    locked.save(update_fields=["status", "reviewer", "reviewed_at", "note", "open_key"])
    return locked


@transaction.atomic
def flag_dismiss(*, flag: FraudFlag, reviewer: User, note: str = "") -> FraudFlag:
    """Close a flag as a false alarm."""
    return _close(flag=flag, reviewer=reviewer, status=FraudFlag.Status.DISMISSED, note=note)


@transaction.atomic
def flag_mark_actioned(*, flag: FraudFlag, reviewer: User, note: str = "") -> FraudFlag:
    """Close a flag that staff dealt with (outside this page, e.g. suspended the provider)."""
    return _close(flag=flag, reviewer=reviewer, status=FraudFlag.Status.ACTIONED, note=note)


@transaction.atomic
def flag_block_user(*, flag: FraudFlag, reviewer: User, reason: str) -> FraudFlag:
    """Block the account a flag is about (ending its sessions) and close the flag as actioned."""
    reason = (reason or "").strip()
    if not reason:
        raise FlagError(_("Give a reason for blocking; the user is told it."))
    locked = FraudFlag.objects.select_for_update().select_related("user").get(pk=flag.pk)
    if not locked.is_open:
        raise FlagError(_("This flag was already reviewed."))
    if locked.user is None:
        raise FlagError(
            _("This flag is not about one account; block accounts from the users list.")
        )
    if locked.user.is_staff:
        raise FlagError(_("Staff accounts cannot be blocked from the fraud queue."))
    account_services.user_block(user=locked.user, actor=reviewer, reason=reason)
    note = _("Blocked the account: %(reason)s") % {"reason": reason}
    return _close(flag=locked, reviewer=reviewer, status=FraudFlag.Status.ACTIONED, note=note)
