from django import template
from django.utils.safestring import mark_safe

from providers.icons import icon_svg

register = template.Library()


@register.simple_tag
def icon(name: str) -> str:
    """``{% icon "scissors" %}``: a decorative inline SVG (aria-hidden) from Bootstrap Icons."""
    return mark_safe(icon_svg(str(name)))  # noqa: S308 - our own vendored files
