"""Staff roles as Django groups. Each staff page and admin action checks a permission, never
``is_staff`` alone; superusers have every permission.

| role      | may                                                                   |
|-----------|-----------------------------------------------------------------------|
| approvals | see the dashboard, approve/reject/suspend shops, read shops/services  |
| support   | read users and login logs, block/unblock, unlock, review fraud flags  |
| finance   | see the dashboard and download its CSVs, read wallet and payment rows |
| auditor   | read everything (dashboard, CSVs, fraud flags, audit trail), change nothing |

The groups are (re)created after every ``migrate`` with exactly these permissions; add a
person to a group in /admin/ (Users → groups). A staff account in no group reaches no staff page.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

VIEW_REPORTS = "adminpanel.view_reports"
EXPORT_REPORTS = "adminpanel.export_reports"
REVIEW_PROVIDER = "providers.review_provider"
VIEW_FRAUD = "adminpanel.view_fraudflag"
REVIEW_FRAUD = "adminpanel.review_fraudflag"
VIEW_AUDIT = "auditlog.view_logentry"
BLOCK_USER = "accounts.block_user"
UNLOCK_USER = "accounts.unlock_user"

_READ_ACCOUNTS = ["accounts.view_user", "accounts.view_loginlog", "accounts.view_device"]
_READ_SHOPS = [
    "providers.view_provider",
    "providers.view_service",
    "providers.view_category",
    "providers.view_workinghours",
    "providers.view_timeoff",
]
_READ_MONEY = [
    "wallet.view_wallettransaction",
    "wallet.view_payment",
    "wallet.view_webhookevent",
    "wallet.view_invoice",
]
_READ_FRAUD = [VIEW_FRAUD, "adminpanel.view_fraudevent"]

ROLES: dict[str, list[str]] = {
    "approvals": [VIEW_REPORTS, REVIEW_PROVIDER, *_READ_SHOPS],
    "support": [BLOCK_USER, UNLOCK_USER, REVIEW_FRAUD, *_READ_FRAUD, *_READ_ACCOUNTS],
    "finance": [VIEW_REPORTS, EXPORT_REPORTS, *_READ_MONEY, "providers.view_provider"],
    "auditor": [
        VIEW_REPORTS,
        EXPORT_REPORTS,
        VIEW_AUDIT,
        *_READ_FRAUD,
        *_READ_ACCOUNTS,
        *_READ_SHOPS,
        *_READ_MONEY,
        "bookings.view_appointment",
    ],
}


def _permissions(names: list[str]) -> list[Permission]:
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query))
    if len(found) != len(set(names)):
        missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        raise LookupError(f"Unknown permissions for staff roles: {sorted(missing)}")
    return found


def staff_roles_sync() -> None:
    """Create the role groups and set their permissions to exactly ROLES."""
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(perms))


def on_post_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate of the last app whose permissions the roles use (after Django created
    them); skipped while those apps are not migrated yet."""
    try:
        staff_roles_sync()
    except LookupError:
        return
