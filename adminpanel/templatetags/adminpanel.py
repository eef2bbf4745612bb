"""Display helpers for the staff pages."""

from datetime import UTC, datetime

from django import forms, template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms import BoundField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

register = template.Library()

_NONE = (None, "None", "")


EVIDENCE_LABELS = {
    "ip": _("IP address"),
    "failures": _("Failures"),
    "accounts": _("Accounts"),
    "identifiers": _("Identifiers tried"),
    "emails": _("Accounts on the device"),
    "device_id": _("Device"),
    "distinct_ips": _("Different IPs"),
    "bookings": _("Bookings in the window"),
    "cancelled_by_provider": _("Cancelled by the provider"),
    "share": _("Share cancelled"),
    "cancelled": _("Cancelled"),
    "providers": _("Providers"),
    "threshold": _("Threshold"),
    "min_bookings": _("Minimum bookings"),
    "window_minutes": _("Window (minutes)"),
    "window_hours": _("Window (hours)"),
    "window_days": _("Window (days)"),
    "first_at": _("First seen"),
    "last_event_at": _("Last seen"),
}


def _moment_text(value) -> str | None:
    """An ISO date and time as the staff pages show moments (Indian time, "1 Dec 2026, 01:24"),
    or None when ``value`` is not one. A value without an offset is UTC: auditlog records a
    date-time field that way."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return date_format(timezone.localtime(moment), "j M Y, H:i")


def _evidence_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        return _moment_text(value) or value
    return str(value)


@register.filter
def evidence_items(evidence) -> list[tuple[str, str]]:
    """A flag's evidence dict as (label, text) pairs, for a definition list."""
    if not isinstance(evidence, dict):
        return []
    return [
        (str(EVIDENCE_LABELS.get(key, key.replace("_", " ").capitalize())), _evidence_text(value))
        for key, value in evidence.items()
    ]


@register.filter
def audit_changes(entry) -> list[tuple[str, list]]:
    """``[(field label, [old, new])]`` for a LogEntry, without a query per foreign key
    (auditlog's ``changes_display_dict`` looks each one up)."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, values in (entry.changes_dict or {}).items():
        old, new = (list(values) + [None, None])[:2] if isinstance(values, list) else (None, values)
        if name == "id" or (old in _NONE and new in _NONE):
            continue  # nothing a reader learns from (a new row's id, empty fields)
        label = name
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None and not field.concrete:
                continue  # a reverse relation: auditlog records no value for it
            if field is not None:
                label = str(getattr(field, "verbose_name", name))
                choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
                kind = getattr(field, "output_field", field)  # a generated column: what it yields
                if choices:
                    old, new = choices.get(old, old), choices.get(new, new)
                elif field.is_relation and (field.many_to_one or field.one_to_one):
                    old = f"#{old}" if old not in _NONE else old
                    new = f"#{new}" if new not in _NONE else new
                elif isinstance(kind, models.DateTimeField):
                    old, new = (_moment_text(v) or v for v in (old, new))
                elif isinstance(kind, models.BooleanField):
                    words = {"True": gettext("Yes"), "False": gettext("No")}
                    old, new = words.get(old, old), words.get(new, new)
        rows.append((label.capitalize(), [None if old in _NONE else old, new]))
    return rows


@register.filter
def add_class(field: BoundField, css: str) -> str:
    """Render a form field's widget with Bootstrap classes (form-select for selects)."""
    if isinstance(field.field.widget, forms.Select):
        css = css.replace("form-control", "form-select")
    return field.as_widget(attrs={"class": css})
