from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from providers.models import Provider, Service, TimeOff, WorkingHours
from providers.tests.factories import (
    CategoryFactory,
    ProviderFactory,
    ServiceFactory,
    TimeOffFactory,
    WorkingHoursFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db

VALID_GSTIN = "29AAGCB7383J1Z4"


def onboarding_data(category, /, **overrides):
    data = {
        "shop_name": "Sharma Dental Care",
        "category": category.pk,
        "description": "Family dentist since 2005. Hindi, English, Kannada.",
        "address": "4 Residency Road",
        "area": "Shanthala Nagar",
        "city": "Bengaluru",
        "pincode": "560025",
        "phone": "080 4123 4567",
        "gstin": "",
    }
    data.update(overrides)
    return data


# --- Onboarding -------------------------------------------------------------------------------


def test_onboarding_happy_path(client, new_provider_user, category):
    client.force_login(new_provider_user)
    page = client.get(reverse("providers:onboarding"))
    assert page.status_code == 200
    assert "Tell customers about your business" in page.content.decode()

    data = onboarding_data(category, photo=image_upload(), gstin=VALID_GSTIN.lower())
    response = client.post(reverse("providers:onboarding"), data)
    assert response.status_code == 302
    assert response.url == reverse("bookings:dashboard")

    provider = Provider.objects.get(user=new_provider_user)
    assert provider.status == Provider.Status.PENDING
    assert provider.slug == "sharma-dental-care"
    assert provider.gstin == VALID_GSTIN
    assert str(provider.phone) == "+918041234567"
    assert provider.photo.name.startswith("providers/")

    dashboard = client.get(response.url)
    body = dashboard.content.decode()
    assert "Your shop is waiting for approval." in body
    assert "Get ready for bookings" in body


def test_onboarding_for_a_customer_is_forbidden(client, customer, category):
    client.force_login(customer)
    assert client.get(reverse("providers:onboarding")).status_code == 403
    assert (
        client.post(reverse("providers:onboarding"), onboarding_data(category)).status_code == 403
    )
    assert not Provider.objects.exists()


def test_onboarding_when_already_onboarded_redirects_to_the_dashboard(provider_client, category):
    response = provider_client.post(reverse("providers:onboarding"), onboarding_data(category))
    assert response.status_code == 302
    assert response.url == reverse("bookings:dashboard")
    assert Provider.objects.count() == 1


def test_onboarding_needs_login(client):
    response = client.get(reverse("providers:onboarding"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def oversized_png():
    upload = image_upload()
    # Valid PNG header followed by padding past the 2 MB limit.
    return SimpleUploadedFile(
        "big.png", upload.read() + b"\0" * (2 * 1024 * 1024 + 1), content_type="image/png"
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pincode": "abc"}, "pincode"),
        ({"pincode": "56002"}, "pincode"),
        ({"pincode": "060025"}, "pincode"),
        ({"shop_name": ""}, "shop_name"),
        ({"address": ""}, "address"),
        ({"phone": "12345"}, "phone"),
        ({"phone": ""}, "phone"),  # required for a new shop
        ({"gstin": "29ABCDE1234F1Z"}, "gstin"),
        ({"gstin": "ABCDE1234F1Z529"}, "gstin"),
        ({"gstin": "29AAGCB7383J1Z5"}, "gstin"),  # wrong check digit
        ({"photo": "oversized"}, "photo"),
        ({"photo": "text"}, "photo"),
        ({"photo": "fake-jpeg"}, "photo"),
        ({"photo": "gif"}, "photo"),
        ({"category": "999999"}, "category"),
        ({"shop_name": "x" * 121}, "shop_name"),
    ],
)
def test_onboarding_bad_input_shows_errors_and_saves_nothing(
    client, new_provider_user, category, overrides, field
):
    if overrides.get("photo") == "oversized":
        overrides["photo"] = oversized_png()
    elif overrides.get("photo") == "text":
        overrides["photo"] = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    elif overrides.get("photo") == "fake-jpeg":
        overrides["photo"] = SimpleUploadedFile(
            "shop.jpg", b"<?php echo 1; ?>", content_type="image/jpeg"
        )
    elif overrides.get("photo") == "gif":
        overrides["photo"] = image_upload("anim.gif", fmt="PNG")
        from io import BytesIO

        from PIL import Image

        buffer = BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format="GIF")
        overrides["photo"] = SimpleUploadedFile("anim.gif", buffer.getvalue(), "image/gif")
    client.force_login(new_provider_user)
    response = client.post(reverse("providers:onboarding"), onboarding_data(category, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Provider.objects.exists()


def test_inactive_category_is_not_offered(client, new_provider_user, category):
    hidden = CategoryFactory(name="Old kind", is_active=False)
    client.force_login(new_provider_user)
    response = client.post(reverse("providers:onboarding"), onboarding_data(hidden))
    assert "category" in response.context["form"].errors
    assert "Old kind" not in response.content.decode()


# --- Dashboard and status banner ----------------------------------------------------------------


def test_dashboard_requires_a_shop_profile(client, new_provider_user):
    client.force_login(new_provider_user)
    response = client.get(reverse("bookings:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("providers:onboarding")


def test_dashboard_shows_rejection_reason_on_every_portal_page(client, category):
    provider = ProviderFactory(
        category=category, status="rejected", rejection_reason="Blurry shop photo"
    )
    client.force_login(provider.user)
    for name in [
        "bookings:dashboard",
        "providers:services",
        "providers:hours",
        "providers:profile",
    ]:
        body = client.get(reverse(name)).content.decode()
        assert "Your shop was not approved." in body, name
        assert "Blurry shop photo" in body, name


def test_suspended_banner(client, category):
    provider = ProviderFactory(category=category, status="suspended", rejection_reason="Fraud")
    client.force_login(provider.user)
    body = client.get(reverse("providers:time_off")).content.decode()
    assert "Your shop is suspended." in body and "Fraud" in body


def test_approved_shop_has_no_banner_and_a_done_checklist(provider_client, provider):
    provider.description = "Hair and beauty"
    provider.phone = "+918041234567"
    provider.save()
    ServiceFactory(provider=provider, service_name="Threading", rate="80.00")
    WorkingHoursFactory(provider=provider, weekday=timezone.localdate().weekday())
    body = provider_client.get(reverse("bookings:dashboard")).content.decode()
    assert "provider-status-banner" not in body
    assert "Get ready for bookings" not in body
    assert "Threading" in body and "₹80.00" in body
    assert "Today's bookings" in body
    assert "Wallet balance" in body and "₹0.00" in body
    assert "09:00–17:00" in body


def test_rejected_provider_resubmits_from_the_profile_page(client, category):
    provider = ProviderFactory(category=category, status="rejected", rejection_reason="No phone")
    client.force_login(provider.user)
    data = onboarding_data(category, shop_name=provider.shop_name, phone="98450 12345")
    response = client.post(reverse("providers:profile"), data)
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.status == Provider.Status.PENDING
    assert provider.description.startswith("Family dentist")


def test_profile_bad_input_changes_nothing(provider_client, provider, category):
    data = onboarding_data(category, pincode="abc", shop_name="New name")
    response = provider_client.post(reverse("providers:profile"), data)
    assert response.status_code == 200
    assert "pincode" in response.context["form"].errors
    body = response.content.decode()
    assert "Priya&#x27;s Studio" in body  # the page header still shows the saved name
    provider.refresh_from_db()
    assert provider.shop_name == "Priya's Studio"


def test_profile_photo_can_be_replaced_and_removed(provider_client, provider, category):
    data = onboarding_data(category, photo=image_upload("front.jpg", fmt="JPEG"))
    provider_client.post(reverse("providers:profile"), data)
    provider.refresh_from_db()
    assert provider.photo
    provider_client.post(
        reverse("providers:profile"), {**onboarding_data(category), "photo-clear": "on"}
    )
    provider.refresh_from_db()
    assert not provider.photo


# --- Services -----------------------------------------------------------------------------------


def service_data(category, /, **overrides):
    data = {
        "service_name": "Haircut (men)",
        "category": category.pk,
        "rate": "250.00",
        "duration_minutes": "30",
        "description": "Wash, cut and style.",
    }
    data.update(overrides)
    return data


def test_service_crud(provider_client, provider, category):
    assert "No services yet" in provider_client.get(reverse("providers:services")).content.decode()
    response = provider_client.post(reverse("providers:service_create"), service_data(category))
    assert response.status_code == 302
    service = Service.objects.get(provider=provider)
    assert str(service.rate) == "250.00"

    edit = reverse("providers:service_edit", args=[service.pk])
    assert provider_client.get(edit).status_code == 200
    provider_client.post(edit, service_data(category, rate="300", duration_minutes="45"))
    service.refresh_from_db()
    assert (str(service.rate), service.duration_minutes) == ("300.00", 45)

    provider_client.post(reverse("providers:service_deactivate", args=[service.pk]))
    service.refresh_from_db()
    assert service.is_active is False
    body = provider_client.get(reverse("providers:services")).content.decode()
    assert "Deactivated (hidden from customers)" in body

    provider_client.post(reverse("providers:service_reactivate", args=[service.pk]))
    service.refresh_from_db()
    assert service.is_active is True

    provider_client.post(reverse("providers:service_deactivate", args=[service.pk]))
    provider_client.post(reverse("providers:service_delete", args=[service.pk]))
    assert not Service.objects.exists()


def test_deleting_a_booked_service_deactivates_it(provider_client, provider, monkeypatch):
    from django.db.models import ProtectedError

    service = ServiceFactory(provider=provider)

    def protected_delete(self, *args, **kwargs):
        raise ProtectedError("booked", {object()})

    monkeypatch.setattr(Service, "delete", protected_delete)
    response = provider_client.post(
        reverse("providers:service_delete", args=[service.pk]), follow=True
    )
    assert "deactivated instead of deleted" in response.content.decode()
    service.refresh_from_db()
    assert service.is_active is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rate": "-100"}, "rate"),
        ({"rate": "0"}, "rate"),
        ({"rate": "0.50"}, "rate"),
        ({"rate": "500000.01"}, "rate"),
        ({"rate": "99999999999999"}, "rate"),
        ({"rate": "12.345"}, "rate"),
        ({"rate": "abc"}, "rate"),
        ({"rate": "NaN"}, "rate"),
        ({"duration_minutes": "0"}, "duration_minutes"),
        ({"duration_minutes": "-30"}, "duration_minutes"),
        ({"duration_minutes": "20"}, "duration_minutes"),  # not a multiple of 15
        ({"duration_minutes": "615"}, "duration_minutes"),
        ({"duration_minutes": "99999999"}, "duration_minutes"),
        ({"service_name": ""}, "service_name"),
        ({"category": "0"}, "category"),
    ],
)
def test_service_bad_input_shows_errors_and_saves_nothing(
    provider_client, provider, category, overrides, field
):
    existing = ServiceFactory(provider=provider, rate="300.00", duration_minutes=30)
    for url in [
        reverse("providers:service_create"),
        reverse("providers:service_edit", args=[existing.pk]),
    ]:
        response = provider_client.post(url, service_data(category, **overrides))
        assert response.status_code == 200, url
        assert field in response.context["form"].errors, url
    assert Service.objects.count() == 1
    existing.refresh_from_db()
    assert (str(existing.rate), existing.duration_minutes) == ("300.00", 30)


# --- Working hours --------------------------------------------------------------------------------


def week_data(days):
    """POST data of the hours page: ``days`` maps weekday -> [("09:00", "13:00"), ...]."""
    data = {}
    for weekday in range(7):
        rows = days.get(weekday, [])
        data[f"d{weekday}-TOTAL_FORMS"] = str(len(rows))
        data[f"d{weekday}-INITIAL_FORMS"] = "0"
        for i, (start, end) in enumerate(rows):
            data[f"d{weekday}-{i}-start_time"] = start
            data[f"d{weekday}-{i}-end_time"] = end
    return data


def test_week_with_lunch_break_and_day_off(provider_client, provider):
    page = provider_client.get(reverse("providers:hours"))
    assert page.status_code == 200 and "Monday" in page.content.decode()
    days = {d: [("09:30", "13:00"), ("14:00", "19:30"), ("", "")] for d in range(6)}
    response = provider_client.post(reverse("providers:hours"), week_data(days))
    assert response.status_code == 302
    assert WorkingHours.objects.filter(provider=provider).count() == 12
    assert not WorkingHours.objects.filter(provider=provider, weekday=6).exists()
    body = provider_client.get(reverse("providers:hours")).content.decode()
    assert 'value="09:30"' in body and 'value="19:30"' in body


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("09:00", "13:00"), ("12:30", "18:00")], "overlap"),
        ([("18:00", "09:00")], "closing time must be after"),
        ([("09:00", "09:00")], "closing time must be after"),
        ([("09:00", "")], "Give both"),
        ([("9 am", "17:00")], "Enter a valid time"),
    ],
)
def test_bad_hours_are_rejected_and_nothing_changes(provider_client, provider, rows, message):
    WorkingHoursFactory(provider=provider, weekday=3)
    response = provider_client.post(reverse("providers:hours"), week_data({1: rows}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(WorkingHours.objects.values_list("weekday", flat=True)) == [3]


def test_too_many_rows_are_refused(provider_client, provider):
    rows = [(f"{h:02d}:00", f"{h:02d}:30") for h in range(8, 20)]
    response = provider_client.post(reverse("providers:hours"), week_data({0: rows}))
    assert response.status_code == 200
    assert "Up to 8 opening intervals a day" in response.content.decode()
    assert not WorkingHours.objects.exists()


def test_hours_post_without_management_data_changes_nothing(provider_client, provider):
    WorkingHoursFactory(provider=provider, weekday=3)
    response = provider_client.post(reverse("providers:hours"), {"d0-0-start_time": "09:00"})
    assert response.status_code == 200
    assert WorkingHours.objects.count() == 1


# --- Time off -----------------------------------------------------------------------------------


def test_add_and_remove_time_off(provider_client, provider):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = provider_client.post(
        reverse("providers:time_off"),
        {"start_date": tomorrow.isoformat(), "kind": "closed", "reason": "Diwali"},
    )
    assert response.status_code == 302
    entry = TimeOff.objects.get(provider=provider)
    assert (entry.start_date, entry.end_date, entry.is_closed) == (tomorrow, tomorrow, True)

    provider_client.post(
        reverse("providers:time_off"),
        {
            "start_date": (tomorrow + timedelta(days=3)).isoformat(),
            "end_date": (tomorrow + timedelta(days=4)).isoformat(),
            "kind": "special",
            "open_time": "10:00",
            "close_time": "14:00",
        },
    )
    special = TimeOff.objects.get(provider=provider, open_time=time(10))
    assert special.close_time == time(14)
    body = provider_client.get(reverse("providers:time_off")).content.decode()
    assert "Diwali" in body and "Open 10:00–14:00" in body

    provider_client.post(reverse("providers:time_off_delete", args=[entry.pk]))
    assert list(TimeOff.objects.all()) == [special]


def test_closed_time_off_ignores_stray_times(provider_client, provider):
    day = timezone.localdate() + timedelta(days=2)
    provider_client.post(
        reverse("providers:time_off"),
        {"start_date": day.isoformat(), "kind": "closed", "open_time": "10:00"},
    )
    assert TimeOff.objects.get().open_time is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start_date": "+5", "end_date": "+2"}, "end_date"),
        ({"start_date": "-1"}, "start_date"),
        ({"start_date": "+1", "end_date": "+400"}, "end_date"),
        ({"start_date": "not-a-date"}, "start_date"),
        ({"start_date": "+1", "kind": "special"}, "open_time"),
        (
            {"start_date": "+1", "kind": "special", "open_time": "14:00", "close_time": "10:00"},
            "close_time",
        ),
        ({"start_date": "+1", "kind": "sometimes"}, "kind"),
        ({"start_date": "+1", "reason": "x" * 121}, "reason"),
    ],
)
def test_time_off_bad_input_saves_nothing(provider_client, data, field):
    today = timezone.localdate()
    post = {"kind": "closed"}
    for key, value in data.items():
        if key.endswith("_date") and value[0] in "+-":
            value = (today + timedelta(days=int(value))).isoformat()
        post[key] = value
    response = provider_client.post(reverse("providers:time_off"), post)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not TimeOff.objects.exists()


def test_overlapping_time_off_shows_a_message(provider_client, provider):
    day = timezone.localdate() + timedelta(days=3)
    TimeOffFactory(provider=provider, start_date=day, end_date=day)
    response = provider_client.post(
        reverse("providers:time_off"), {"start_date": day.isoformat(), "kind": "closed"}
    )
    assert response.status_code == 200
    assert "You already have time off" in response.content.decode()
    assert TimeOff.objects.count() == 1


# --- Booking settings ---------------------------------------------------------------------------


def settings_data(**overrides):
    data = {
        "slot_step_minutes": "30",
        "capacity": "3",
        "min_notice_minutes": "120",
        "max_days_ahead": "45",
        "auto_confirm": "on",
        "cancellation_cutoff_hours": "6",
    }
    data.update(overrides)
    return data


def test_booking_settings_save(provider_client, provider):
    assert provider_client.get(reverse("providers:settings")).status_code == 200
    response = provider_client.post(reverse("providers:settings"), settings_data())
    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.slot_step_minutes, provider.capacity, provider.auto_confirm) == (30, 3, True)
    assert (provider.max_days_ahead, provider.cancellation_cutoff_hours) == (45, 6)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slot_step_minutes": "7"}, "slot_step_minutes"),
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "51"}, "capacity"),
        ({"min_notice_minutes": "-5"}, "min_notice_minutes"),
        ({"min_notice_minutes": "20000"}, "min_notice_minutes"),
        ({"max_days_ahead": "0"}, "max_days_ahead"),
        ({"max_days_ahead": "181"}, "max_days_ahead"),
        ({"cancellation_cutoff_hours": "169"}, "cancellation_cutoff_hours"),
        ({"cancellation_cutoff_hours": "abc"}, "cancellation_cutoff_hours"),
    ],
)
def test_booking_settings_bad_input(provider_client, provider, overrides, field):
    response = provider_client.post(reverse("providers:settings"), settings_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    provider.refresh_from_db()
    assert (provider.slot_step_minutes, provider.capacity) == (15, 1)


def test_slot_step_that_strands_a_service_is_explained(provider_client, provider):
    ServiceFactory(provider=provider, service_name="Head massage", duration_minutes=45)
    response = provider_client.post(reverse("providers:settings"), settings_data())
    assert response.status_code == 200
    assert "Head massage" in response.content.decode()
    provider.refresh_from_db()
    assert provider.slot_step_minutes == 15


def test_navbar_has_portal_links_for_providers_only(client, provider, customer):
    client.force_login(provider.user)
    body = client.get(reverse("providers:services")).content.decode()
    for name in [
        "providers:hours",
        "providers:time_off",
        "providers:profile",
        "providers:settings",
    ]:
        assert f'href="{reverse(name)}"' in body, name
    client.force_login(customer)
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("providers:hours")}"' not in body
