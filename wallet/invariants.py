"""DESIGN invariant 3, checkable at any time (the test suite checks it after every test)."""

from decimal import Decimal

from django.db.models import Sum

from providers.models import Provider

from .models import WalletTransaction


def ledger_mismatches() -> list[str]:
    """Providers whose wallet_balance is negative or differs from Σ credits − Σ debits."""
    totals: dict[int, Decimal] = {}
    sums = WalletTransaction.objects.values("user_id", "type").annotate(total=Sum("amount"))
    for row in sums:
        sign = 1 if row["type"] == WalletTransaction.Type.CREDIT else -1
        totals[row["user_id"]] = totals.get(row["user_id"], Decimal("0")) + sign * row["total"]
    problems = []
    for provider_id, user_id, balance in Provider.objects.values_list(
        "pk", "user_id", "wallet_balance"
    ):
        expected = totals.pop(user_id, Decimal("0.00"))
        if balance < 0 or balance != expected:
            problems.append(f"provider {provider_id}: balance {balance}, ledger says {expected}")
    for user_id, total in totals.items():
        problems.append(f"user {user_id} has ledger rows ({total}) but no provider")
    return problems
