"""Display helpers for the staff pages."""

from django import forms, template
from django.core.exceptions import FieldDoesNotExist
from django.forms import BoundField

register = template.Library()

_NONE = (None, "None", "")


@register.filter
def evidence_items(evidence) -> list[tuple[str, str]]:
    """A flag's evidence dict as (label, text) pairs, lists joined, for a definition list."""
    if not isinstance(evidence, dict):
        return []
    items = []
    for key, value in evidence.items():
        if isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            text = ", ".join(f"{k}: {v}" for k, v in value.items())
        else:
            text = str(value)
        items.append((key.replace("_", " ").capitalize(), text))
    return items


@register.filter
def audit_changes(entry) -> list[tuple[str, list]]:
    """``[(field label, [old, new])]`` for a LogEntry, without a query per foreign key
    (auditlog's ``changes_display_dict`` looks each one up)."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, values in (entry.changes_dict or {}).items():
        old, new = (list(values) + [None, None])[:2] if isinstance(values, list) else (None, values)
        label = name
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None:
                label = str(getattr(field, "verbose_name", name))
                choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
                if choices:
                    old, new = choices.get(old, old), choices.get(new, new)
                elif field.is_relation and field.many_to_one:
                    old = f"#{old}" if old not in _NONE else old
                    new = f"#{new}" if new not in _NONE else new
        rows.append((label.capitalize(), [None if old in _NONE else old, new]))
    return rows


@register.filter
def add_class(field: BoundField, css: str) -> str:
    """Render a form field's widget with Bootstrap classes (form-select for selects)."""
    if isinstance(field.field.widget, forms.Select):
        css = css.replace("form-control", "form-select")
    return field.as_widget(attrs={"class": css})
