"""Shop names cannot hide invisible characters, and a listed shop's rename is reviewed."""

import pytest
from django.urls import reverse

from accounts.tests.factories import login_verified_staff
from providers.models import Provider
from providers.services import shop_name_normalise

from .test_views import onboarding_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Priya\u200b's Hair & Beauty Studio", "Priya's Hair & Beauty Studio"),
        ("\u202ePriya's\u202c Studio", "Priya's Studio"),
        ("Pri\u00adya\u2060's  Studio\ufeff", "Priya's Studio"),
        ("\uff30\uff52\uff49\uff59\uff41 Studio", "Priya Studio"),  # full-width letters
        ("\uff23\uff41\uff46\uff45 One", "Cafe One"),
    ],
)
def test_names_are_nfkc_without_format_characters(typed, stored):
    assert shop_name_normalise(typed) == stored
    assert not any(ch in shop_name_normalise(typed) for ch in "\u200b\u202e\u00ad\u2060\ufeff")


def test_onboarding_stores_the_clean_name(client, new_provider_user, category):
    client.force_login(new_provider_user)
    data = onboarding_data(category, shop_name="Sharma\u200b Dental\u202e Care")
    assert client.post(reverse("providers:onboarding"), data).status_code == 302
    assert Provider.objects.get(user=new_provider_user).shop_name == "Sharma Dental Care"


def _profile_post(client, provider, name):
    data = onboarding_data(provider.category, shop_name=name)
    data.update(
        address=provider.address, area=provider.area, city=provider.city, pincode=provider.pincode
    )
    return client.post(reverse("providers:profile"), data)


def test_an_approved_shop_rename_waits_for_staff_and_the_public_page_keeps_the_name(
    client, provider
):
    from django.test import Client

    client.force_login(provider.user)
    response = _profile_post(client, provider, "Priya\u200b's Hair & Beauty Studio")
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.shop_name == "Priya's Studio"
    assert provider.pending_shop_name == "Priya's Hair & Beauty Studio"
    public = Client().get(reverse("bookings:provider", args=[provider.slug])).content.decode()
    assert "Priya&#x27;s Studio" in public or "Priya's Studio" in public
    assert "Hair &amp; Beauty" not in public
    assert "waiting for our team" in client.get(reverse("providers:profile")).content.decode()

    staff = Client()
    login_verified_staff(staff)
    assert "Hair &amp; Beauty" in staff.get(reverse("adminpanel:dashboard")).content.decode()
    staff.post(reverse("adminpanel:rename_approve", args=[provider.pk]))
    provider.refresh_from_db()
    assert provider.shop_name == "Priya's Hair & Beauty Studio"
    assert provider.pending_shop_name == ""
    public = Client().get(reverse("bookings:provider", args=[provider.slug])).content.decode()
    assert "Hair &amp; Beauty" in public


def test_staff_may_keep_the_current_name(client, provider):
    from django.test import Client

    client.force_login(provider.user)
    _profile_post(client, provider, "Another Shop Name")
    staff = Client()
    login_verified_staff(staff)
    staff.post(reverse("adminpanel:rename_reject", args=[provider.pk]))
    provider.refresh_from_db()
    assert (provider.shop_name, provider.pending_shop_name) == ("Priya's Studio", "")


def test_a_pending_shop_renames_itself_freely(client, pending_provider):
    client.force_login(pending_provider.user)
    _profile_post(client, pending_provider, "Fresh\u200b Name")
    pending_provider.refresh_from_db()
    assert pending_provider.shop_name == "Fresh Name"
    assert pending_provider.pending_shop_name == ""
