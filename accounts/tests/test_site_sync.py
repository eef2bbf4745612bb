"""The site's name and domain follow SITE_URL, so allauth's emails name the site."""

import pytest
from django.contrib.sites.models import Site
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sync_site_sets_name_and_domain_from_site_url_and_can_run_again(settings):
    settings.SITE_URL = "https://bookmytoken.in"
    call_command("sync_site")
    call_command("sync_site")
    site = Site.objects.get_current()
    assert (site.pk, site.name, site.domain) == (settings.SITE_ID, "BookMyToken", "bookmytoken.in")
    assert Site.objects.count() == 1

    settings.SITE_URL = "https://book.example.in:8443/"
    call_command("sync_site")
    assert Site.objects.get_current().domain == "book.example.in:8443"


def test_sync_site_refuses_a_site_url_without_host(settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL has no host"):
        call_command("sync_site")


def test_signup_email_names_the_site_not_example_com(client, settings, deliver_mail):
    settings.SITE_URL = "https://bookmytoken.in"
    call_command("sync_site")
    response = client.post(
        reverse("account_signup"),
        {
            "role": "customer",
            "name": "Meera Iyer",
            "email": "meera@example.in",
            "mobile": "98450 12345",
            "password1": "a-long-secret-9",
            "password2": "a-long-secret-9",
        },
    )
    assert response.status_code == 302
    body = deliver_mail()[-1].body
    assert "Hello from BookMyToken!" in body
    assert "an account on bookmytoken.in" in body
    assert "example.com" not in body


def test_a_migrated_database_already_names_the_site():
    """No one has to remember sync_site: migrate (and the test database) set the row."""
    site = Site.objects.get_current()
    assert site.name == "BookMyToken"
    assert site.domain != "example.com"


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_names_the_site_again(settings):
    """Transactional tests (the browser journeys) flush the tables, and Django's sites app
    recreates example.com; the post-migrate hook renames it again."""
    Site.objects.clear_cache()
    site = Site.objects.get_current()
    assert (site.name, site.domain) == ("BookMyToken", settings.SITE_URL.split("//")[-1].strip("/"))
