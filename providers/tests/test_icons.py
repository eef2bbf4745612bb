"""Icons are inline SVGs from the vendored Bootstrap Icons, hidden from screen readers, never
emoji (which show as empty boxes where no emoji font is installed)."""

import importlib
import re

import pytest
from django.urls import reverse

from providers.icons import CATEGORY_ICONS, icon_dir, icon_svg
from providers.models import Category
from providers.tests.factories import CategoryFactory, ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


def test_every_category_icon_is_vendored_with_its_licence():
    assert (icon_dir() / "LICENSE").is_file()
    for name, _label in CATEGORY_ICONS:
        assert (icon_dir() / "icons" / f"{name}.svg").is_file(), name


def test_an_icon_is_a_decorative_inline_svg_and_an_unknown_name_falls_back():
    svg = icon_svg("scissors")
    assert svg.startswith("<svg") and 'aria-hidden="true"' in svg and 'focusable="false"' in svg
    assert "bi-scissors" in svg
    assert "bi-shop" in icon_svg("no-such-icon")
    assert "bi-shop" in icon_svg("../../settings")


def test_home_search_and_shop_pages_show_category_svgs_not_emoji(client):
    category = CategoryFactory(name="Salon & Spa", slug="salon-spa", icon="scissors")
    shop = ProviderFactory(category=category, shop_name="Glow Salon")
    ServiceFactory(provider=shop)
    for url in (
        reverse("home"),
        reverse("bookings:search"),
        reverse("bookings:provider", args=[shop.slug]),
    ):
        html = client.get(url).content.decode()
        assert 'class="bi bi-scissors"' in html, url
        assert not EMOJI.search(html), url


def test_the_migration_turns_emoji_into_icon_names():
    migration = importlib.import_module("providers.migrations.0006_category_icon_names")
    Category.objects.bulk_create(
        [
            Category(name="Dental", slug="dental", icon="🦷"),
            Category(name="Legal", slug="legal", icon="⚖️"),
            Category(name="Other", slug="other", icon="🎈"),
        ]
    )

    class Apps:
        @staticmethod
        def get_model(app, name):
            return Category

    migration.emoji_to_icon_names(Apps, None)
    icons = dict(Category.objects.values_list("slug", "icon"))
    assert icons == {"dental": "emoji-smile", "legal": "briefcase", "other": "shop"}
