"""``{% include_shared %}`` (config.fragments): the chrome every visitor shares is rendered
once per process and language, from the tag's own values alone."""

from unittest import mock

import pytest
from django.template.loader import get_template
from django.test import override_settings
from django.utils import translation

from accounts.tests.factories import CustomerFactory
from config import fragments


@pytest.fixture(autouse=True)
def _forget():
    fragments._rendered.cache_clear()
    yield
    fragments._rendered.cache_clear()


def test_rendered_once_per_language_and_reused():
    with mock.patch.object(fragments, "get_template", wraps=get_template) as loads:
        with translation.override("en"):
            english = fragments.include_shared("includes/navbar_visitor.html")
            again = fragments.include_shared("includes/navbar_visitor.html")
        with translation.override("hi"):
            hindi = fragments.include_shared("includes/navbar_visitor.html")
    assert english is again
    assert loads.call_count == 2  # English once, Hindi once
    assert "Log in" in english and "Log in" not in hindi
    assert 'href="/accounts/login/"' in hindi


def test_rendered_from_the_tags_values_only_never_the_request():
    template = mock.Mock()
    template.render.return_value = "<p>shared</p>"
    with mock.patch.object(fragments, "get_template", return_value=template):
        fragments.include_shared("includes/anything.html", active=True)
    (context,), _ = template.render.call_args
    assert context == {"active": True}  # no request, user or CSRF token to leak


def test_each_value_is_its_own_entry():
    with translation.override("en"):
        first = fragments.include_shared("includes/language_buttons.html", x=1)
        second = fragments.include_shared("includes/language_buttons.html", x=2)
    assert fragments._rendered.cache_info().currsize == 2
    assert first == second


@override_settings(DEBUG=True)
def test_nothing_is_kept_with_debug_on():
    with mock.patch.object(fragments, "get_template", wraps=get_template) as loads:
        fragments.include_shared("includes/navbar_visitor.html")
        fragments.include_shared("includes/navbar_visitor.html")
    assert loads.call_count == 2


@pytest.mark.django_db
def test_pages_keep_each_visitors_own_parts(client):
    """The shared chrome leaves the visitor's own parts live: a signed-in user still sees their
    name and sign-out form, and each form gets the visitor's CSRF token."""
    html = client.get("/").text
    assert "Log in" in html
    user = CustomerFactory(name="Asha Verma")
    client.force_login(user)
    html = client.get("/").text
    assert "Asha" in html
    assert "Log in" not in html
    token = client.cookies["csrftoken"].value
    assert html.count('name="csrfmiddlewaretoken"') >= 3  # sign-out and both language forms
    assert token
