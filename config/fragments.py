"""``{% include_shared %}``: markup that is the same for every visitor, rendered once per
process.

The site's chrome (the brand, the visitor's sign-in links, the language buttons, the stylesheet
and script tags) is the same on every page for everyone who speaks the same language, yet the
template engine would reverse its URLs, look up its static files and translate its words on
every request. ``{% include_shared "includes/navbar_brand.html" %}`` renders the template once
per (template, language, script prefix and URLconf, the tag's keyword arguments) and then reuses the
result.

The template is rendered with a context holding only the tag's keyword arguments (no request,
no user, no CSRF token), so nothing personal can end up in markup shared between visitors;
whatever differs per visitor stays in the including template. With ``DEBUG`` on nothing is
kept, so an edited template shows at once.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString

register = template.Library()


@lru_cache(maxsize=256)
def _rendered(name: str, language: str | None, prefix: str, urlconf, values: tuple) -> SafeString:
    return get_template(name).render(dict(values))


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _rendered.cache_clear()


@register.simple_tag
def include_shared(name: str, **values) -> SafeString:
    """The template ``name`` rendered with ``values`` alone (hashable: strings, numbers,
    booleans), in the active language."""
    if settings.DEBUG:
        return get_template(name).render(values)
    items = tuple(sorted(values.items()))
    language = translation.get_language()
    return _rendered(name, language, get_script_prefix(), get_urlconf(), items)
