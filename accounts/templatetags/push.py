"""{% push_optin %}: the "Notify me on this device" control (static/js/pwa.js runs it)."""

from django import template
from django.conf import settings

from .. import push, selectors

register = template.Library()


@register.inclusion_tag("accounts/includes/push_optin.html", takes_context=True)
def push_optin(context, compact: bool = False) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not push.push_configured() or user is None or not user.is_authenticated:
        return {"enabled": False}
    return {
        "enabled": True,
        "compact": compact,
        "public_key": settings.VAPID_PUBLIC_KEY,
        "csrf_token": context.get("csrf_token"),
        "subscribed": selectors.device_push_subscribed(
            user=user, device_id=getattr(request, "device_id", "")
        ),
    }
