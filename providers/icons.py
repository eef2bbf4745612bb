"""Icons: inline SVGs from Bootstrap Icons, vendored (``bin/vendor-assets``) under
static/vendor/bootstrap-icons-<version>/. Inline SVG needs no icon font or emoji font, so an
icon never shows as an empty box, and it takes the text colour."""

from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _

BOOTSTRAP_ICONS_VERSION = "1.13.2"
FALLBACK = "shop"
# What a category may show (the admin offers these); each has its SVG in the vendored folder.
CATEGORY_ICONS = [
    ("shop", _("Shop")),
    ("scissors", _("Scissors")),
    ("heart-pulse", _("Heart beat")),
    ("emoji-smile", _("Smile")),
    ("person-walking", _("Person walking")),
    ("mortarboard", _("Graduation cap")),
    ("activity", _("Activity")),
    ("wrench", _("Wrench")),
    ("heart", _("Heart")),
    ("briefcase", _("Briefcase")),
    ("eyeglasses", _("Glasses")),
    ("camera", _("Camera")),
    ("rulers", _("Rulers")),
]


def icon_dir():
    return settings.BASE_DIR / "static" / "vendor" / f"bootstrap-icons-{BOOTSTRAP_ICONS_VERSION}"


@lru_cache(maxsize=64)
def icon_svg(name: str) -> str:
    """The SVG markup of icon ``name`` (the shop icon for a name not vendored), decorative:
    hidden from screen readers and never focusable; 1em square so it follows the font size."""
    path = icon_dir() / "icons" / f"{name}.svg"
    if not name or "/" in name or not path.is_file():
        path = icon_dir() / "icons" / f"{FALLBACK}.svg"
    svg = path.read_text()
    return svg.replace(
        'width="16" height="16"',
        'width="1em" height="1em" aria-hidden="true" focusable="false"',
        1,
    ).strip()
