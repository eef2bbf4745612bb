"""``{% idempotency_key_input %}``: a fresh one-time key for a form written out by hand."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from wallet.forms import new_idempotency_key

register = template.Library()


@register.simple_tag
def idempotency_key_input() -> SafeString:
    """A hidden ``idempotency_key`` input with a key of its own for each form on the page.

    Never inside a cached fragment: each rendered form must carry its own key.
    """
    return format_html(
        '<input type="hidden" name="idempotency_key" value="{}">', new_idempotency_key()
    )
