"""The staff reports as tables: CSV downloads and the text of ``manage.py report``."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import IO

from django.utils.translation import gettext as _

from providers.templatetags.money import format_inr

from .reports import Report, pending_providers

Table = tuple[list[str], list[list]]
PAISE = Decimal("0.01")


def _summary(report: Report) -> Table:
    b, r, p = report.bookings, report.revenue, report.people
    rows = [
        [_("Bookings"), b["total"]],
        *[[_("Bookings: %(status)s") % {"status": s["label"]}, s["count"]] for s in b["by_status"]],
        [_("Cancellation rate (%)"), str(b["cancellation_rate"])],
        [_("Booked value (₹)"), b["value"]],
        [_("Platform fees (₹)"), r["fees"]],
        [_("Fees charged (₹)"), r["fees_charged"]],
        [_("Fees refunded (₹)"), r["fees_refunded"]],
        [_("Wallet top-ups (₹)"), r["topups"]],
        [_("Top-up payments"), r["topup_count"]],
        [_("New customers"), p["new_customers"]],
        [_("New providers"), p["new_providers"]],
        [_("Pending approvals"), p["pending_approvals"]],
        [_("Active providers"), p["active_providers"]],
    ]
    return [_("Metric"), _("Value")], rows


def _daily(report: Report) -> Table:
    header = [
        _("Date"),
        _("Bookings"),
        _("Pending"),
        _("Confirmed"),
        _("Completed"),
        _("Cancelled"),
        _("No-show"),
        _("Fees (₹)"),
        _("Top-ups (₹)"),
    ]
    rows = [
        [
            d["day"].isoformat(),
            d["total"],
            d["pending"],
            d["confirmed"],
            d["completed"],
            d["cancelled"],
            d["no_show"],
            d["fees"],
            d["topups"],
        ]
        for d in report.daily
    ]
    return header, rows


def _providers(report: Report) -> Table:
    header = [
        _("Provider"),
        _("City"),
        _("Category"),
        _("Bookings"),
        _("Completed"),
        _("Cancelled"),
        _("Booked value (₹)"),
        _("Fees (₹)"),
    ]
    rows = [
        [
            p["provider__shop_name"],
            p["provider__city"],
            p["provider__category__name"],
            p["bookings"],
            p["completed"],
            p["cancelled"],
            p["value"],
            p["fees"],
        ]
        for p in report.top_providers
    ]
    return header, rows


def _categories(report: Report) -> Table:
    header = [_("Category"), _("Bookings"), _("Providers"), _("Cancelled"), _("Booked value (₹)")]
    rows = [
        [
            c["service__category__name"],
            c["bookings"],
            c["providers"],
            c["cancelled"],
            c["value"],
        ]
        for c in report.top_categories
    ]
    return header, rows


def _pending(report: Report) -> Table:
    header = [_("Provider"), _("Owner"), _("Email"), _("Category"), _("City"), _("Signed up")]
    rows = [
        [
            p.shop_name,
            p.user.name,
            p.user.email,
            p.category.name,
            p.city,
            p.created_at.date().isoformat(),
        ]
        for p in pending_providers()
    ]
    return header, rows


TABLES: dict[str, tuple[Callable[[], str], Callable[[Report], Table]]] = {
    "summary": (lambda: _("Summary"), _summary),
    "daily": (lambda: _("Bookings and revenue per day"), _daily),
    "providers": (lambda: _("Top providers"), _providers),
    "categories": (lambda: _("Top categories"), _categories),
    "pending": (lambda: _("Pending approvals"), _pending),
}


def _cell(value) -> object:
    """Keep spreadsheet apps from running a user-typed name such as ``=HYPERLINK(…)``."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, Decimal):
        return str(value.quantize(PAISE))
    return value


def write_csv(report: Report, name: str, out: IO[str]) -> None:
    header, rows = TABLES[name][1](report)
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)


def write_all_csv(report: Report, out: IO[str]) -> None:
    """Every table, each headed by its title and separated by a blank line."""
    for index, (name, (title, _table)) in enumerate(TABLES.items()):
        if index:
            out.write("\r\n")
        csv.writer(out).writerow([title()])
        write_csv(report, name, out)


def _format(value) -> str:
    if isinstance(value, Decimal):
        return format_inr(value, symbol=False)
    return str(value)


def _text_table(header: list[str], rows: Iterable[list]) -> list[str]:
    cells = [header, *[[_format(v) for v in row] for row in rows]]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        parts = [
            str(v).ljust(w) if i == 0 else str(v).rjust(w)
            for i, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def render_text(report: Report) -> str:
    rng = report.range
    lines = [
        _("BookMyToken report %(start)s to %(end)s")
        % {"start": rng.start.isoformat(), "end": rng.end.isoformat()},
        "",
    ]
    for title, table in TABLES.values():
        header, rows = table(report)
        lines.append(title())
        if rows:
            lines.extend(_text_table(header, rows))
        else:
            lines.append(_("(nothing in this period)"))
        lines.append("")
    return "\n".join(lines)
