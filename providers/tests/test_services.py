from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from accounts.tests.factories import CustomerFactory, ProviderUserFactory
from providers import services
from providers.models import Provider, Service, TimeOff, WorkingHours
from providers.selectors import (
    provider_setup_checklist,
    public_provider_by_slug,
    public_providers,
    time_off_between,
    working_hours_by_weekday,
)
from providers.services import (
    AlreadyOnboarded,
    DurationNotOnStep,
    InvalidStatusChange,
    NotAProvider,
    OverlappingHours,
    OverlappingTimeOff,
    ProviderError,
    provider_approve,
    provider_onboard,
    provider_reject,
    provider_suspend,
    provider_update_booking_settings,
    provider_update_profile,
    service_create,
    service_delete,
    service_reactivate,
    service_update,
    time_off_create,
    working_hours_set_week,
)
from providers.tests.factories import (
    CategoryFactory,
    ProviderFactory,
    ServiceFactory,
    WorkingHoursFactory,
)

pytestmark = pytest.mark.django_db


def onboard(user, category, name="Sharma Dental Care", **extra):
    fields = {
        "shop_name": name,
        "category": category,
        "address": "4 Residency Road",
        "area": "Shanthala Nagar",
        "city": "Bengaluru",
        "pincode": "560025",
        "phone": "+918041234567",
        **extra,
    }
    return provider_onboard(user=user, **fields)


# --- Onboarding -------------------------------------------------------------------------------


def test_onboarding_creates_a_pending_shop_with_a_slug_from_its_name(category):
    provider = onboard(ProviderUserFactory(), category)
    provider.refresh_from_db()
    assert provider.status == Provider.Status.PENDING
    assert provider.is_approved is False
    assert provider.slug == "sharma-dental-care"


def test_same_shop_name_gets_a_suffixed_slug(category):
    first = onboard(ProviderUserFactory(), category)
    second = onboard(ProviderUserFactory(), category)
    third = onboard(ProviderUserFactory(), category)
    assert [first.slug, second.slug, third.slug] == [
        "sharma-dental-care",
        "sharma-dental-care-2",
        "sharma-dental-care-3",
    ]


def test_slug_taken_between_check_and_insert_retries_with_a_suffix(category, monkeypatch):
    """Another request reserves the same slug after our check: the unique index catches it."""
    ProviderFactory(category=category, slug="sharma-dental-care")
    monkeypatch.setattr(services, "_slug_is_free", lambda slug: True)
    provider = onboard(ProviderUserFactory(), category)
    assert provider.slug == "sharma-dental-care-2"
    assert Provider.objects.filter(slug__startswith="sharma-dental-care").count() == 2


def test_name_without_latin_letters_still_gets_a_slug(category):
    provider = onboard(ProviderUserFactory(), category, name="शर्मा क्लिनिक")
    assert provider.slug == "shop"


def test_a_user_can_onboard_only_once(category):
    user = ProviderUserFactory()
    onboard(user, category)
    with pytest.raises(AlreadyOnboarded):
        onboard(user, category, name="Second shop")
    assert Provider.objects.filter(user=user).count() == 1


def test_a_customer_cannot_onboard(category):
    with pytest.raises(NotAProvider):
        onboard(CustomerFactory(), category)
    assert not Provider.objects.exists()


def test_inactive_category_is_refused(category):
    closed = CategoryFactory(is_active=False)
    with pytest.raises(ProviderError):
        onboard(ProviderUserFactory(), closed)
    assert not Provider.objects.exists()


def test_rejected_shop_that_edits_its_profile_goes_back_to_review(category, staff):
    provider = ProviderFactory(category=category, status=Provider.Status.PENDING)
    provider_reject(provider=provider, actor=staff, reason="Add a shop phone number")
    provider_update_profile(provider=provider, data={"phone": "+919845012345"})
    provider.refresh_from_db()
    assert provider.status == Provider.Status.PENDING
    assert str(provider.phone) == "+919845012345"


def test_renaming_keeps_the_public_slug(provider):
    provider_update_profile(provider=provider, data={"shop_name": "Priya Beauty Lounge"})
    provider.refresh_from_db()
    assert (provider.shop_name, provider.slug) == ("Priya Beauty Lounge", "priyas-studio")


# --- Approval decisions -----------------------------------------------------------------------


def test_approve_records_who_and_when_and_emails_after_commit(
    pending_provider, staff, django_capture_on_commit_callbacks, deliver_mail
):
    with django_capture_on_commit_callbacks(execute=True):
        provider_approve(provider=pending_provider, actor=staff)
    pending_provider.refresh_from_db()
    assert pending_provider.status == Provider.Status.APPROVED
    assert pending_provider.is_approved is True
    assert pending_provider.status_changed_by == staff
    assert pending_provider.status_changed_at is not None
    assert len(deliver_mail()) == 1
    email = deliver_mail()[0]
    assert email.to == [pending_provider.user.email]
    assert "is live" in email.subject
    assert "approved" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert pending_provider.shop_name.replace("'", "&#x27;") in html


def test_no_email_when_the_transaction_rolls_back(pending_provider, staff, deliver_mail):
    with pytest.raises(RuntimeError), transaction.atomic():
        provider_approve(provider=pending_provider, actor=staff)
        raise RuntimeError("a later step of the same transaction failed")
    assert deliver_mail() == []


def test_reject_keeps_the_reason_and_emails_it(
    pending_provider, staff, django_capture_on_commit_callbacks, deliver_mail
):
    with django_capture_on_commit_callbacks(execute=True):
        provider_reject(
            provider=pending_provider, actor=staff, reason="  Photo does not show the shop. "
        )
    pending_provider.refresh_from_db()
    assert pending_provider.status == Provider.Status.REJECTED
    assert pending_provider.rejection_reason == "Photo does not show the shop."
    assert pending_provider.status_changed_by == staff
    assert "Photo does not show the shop." in deliver_mail()[0].body
    assert "Photo does not show the shop." in deliver_mail()[0].alternatives[0][0]
    assert "not approved" in deliver_mail()[0].subject


def test_suspend_hides_an_approved_shop_with_a_reason(
    provider, staff, django_capture_on_commit_callbacks, deliver_mail
):
    with django_capture_on_commit_callbacks(execute=True):
        provider_suspend(provider=provider, actor=staff, reason="Customer complaints")
    provider.refresh_from_db()
    assert provider.status == Provider.Status.SUSPENDED
    assert provider.rejection_reason == "Customer complaints"
    assert provider not in public_providers()
    assert "suspended" in deliver_mail()[0].subject
    assert "Customer complaints" in deliver_mail()[0].body


def test_approving_again_clears_the_old_reason(provider, staff):
    provider_suspend(provider=provider, actor=staff, reason="Unpaid fees")
    provider_approve(provider=provider, actor=staff)
    provider.refresh_from_db()
    assert (provider.status, provider.rejection_reason) == ("approved", "")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_reject_and_suspend_need_a_reason(pending_provider, staff, reason, deliver_mail):
    with pytest.raises(ProviderError):
        provider_reject(provider=pending_provider, actor=staff, reason=reason)
    with pytest.raises(ProviderError):
        provider_suspend(provider=pending_provider, actor=staff, reason=reason)
    pending_provider.refresh_from_db()
    assert pending_provider.status == Provider.Status.PENDING
    assert deliver_mail() == []


def test_impossible_changes_are_refused(provider, staff):
    with pytest.raises(InvalidStatusChange):
        provider_approve(provider=provider, actor=staff)
    with pytest.raises(InvalidStatusChange):
        provider_reject(provider=provider, actor=staff, reason="late")
    provider.refresh_from_db()
    assert provider.status == Provider.Status.APPROVED
    assert provider.status_changed_by is None


# --- Public visibility --------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_only_approved_shops_are_public(category, status):
    shown = ProviderFactory(category=category)
    hidden = ProviderFactory(category=category, status=status)
    assert list(public_providers()) == [shown]
    with pytest.raises(Provider.DoesNotExist):
        public_provider_by_slug(hidden.slug)
    assert public_provider_by_slug(shown.slug) == shown


def test_pending_provider_is_not_in_public_providers(pending_provider):
    assert pending_provider not in public_providers()


def test_a_blocked_owner_hides_the_shop(provider):
    provider.user.is_blocked = True
    provider.user.save()
    assert provider not in public_providers()


def test_public_providers_loads_categories_in_one_query(category, django_assert_num_queries):
    ProviderFactory.create_batch(3, category=category)
    with django_assert_num_queries(1):
        names = [p.category.name for p in public_providers()]
    assert names == ["Salon & Spa"] * 3


# --- Services -----------------------------------------------------------------------------------


def test_create_and_update_a_service(provider, category):
    service = service_create(
        provider=provider,
        service_name=" Haircut  (men) ",
        category=category,
        rate=Decimal("250.00"),
        duration_minutes=30,
    )
    assert service.service_name == "Haircut  (men)".strip()
    service_update(service=service, data={"rate": Decimal("300.00"), "duration_minutes": 45})
    service.refresh_from_db()
    assert (service.rate, service.duration_minutes) == (Decimal("300.00"), 45)


def test_duration_must_fit_the_slot_step(provider, category):
    with pytest.raises(DurationNotOnStep):
        service_create(
            provider=provider,
            service_name="Beard trim",
            category=category,
            rate=Decimal("100"),
            duration_minutes=20,
        )
    assert not Service.objects.exists()


def test_unbooked_service_is_deleted(provider):
    service = ServiceFactory(provider=provider)
    assert service_delete(service=service) is True
    assert not Service.objects.filter(pk=service.pk).exists()


def test_booked_service_is_deactivated_not_deleted(provider, monkeypatch):
    """A booking references the service with on_delete=PROTECT, so delete() raises."""
    service = ServiceFactory(provider=provider)

    def protected_delete(self, *args, **kwargs):
        raise ProtectedError("referenced by an appointment", {object()})

    monkeypatch.setattr(Service, "delete", protected_delete)
    assert service_delete(service=service) is False
    service.refresh_from_db()
    assert service.is_active is False


def test_reactivating_a_service_that_no_longer_fits_the_step_is_refused(provider):
    service = ServiceFactory(provider=provider, duration_minutes=45, is_active=False)
    provider.slot_step_minutes = 30
    provider.save()
    with pytest.raises(DurationNotOnStep):
        service_reactivate(service=service)
    service.refresh_from_db()
    assert service.is_active is False


def test_slot_step_change_that_strands_a_service_is_refused(provider):
    ServiceFactory(provider=provider, service_name="Head massage", duration_minutes=45)
    with pytest.raises(DurationNotOnStep, match="Head massage"):
        provider_update_booking_settings(
            provider=provider,
            slot_step_minutes=30,
            capacity=2,
            min_notice_minutes=60,
            max_days_ahead=30,
            auto_confirm=True,
            cancellation_cutoff_hours=2,
        )
    provider.refresh_from_db()
    assert (provider.slot_step_minutes, provider.capacity) == (15, 1)


def test_booking_settings_are_saved(provider):
    provider_update_booking_settings(
        provider=provider,
        slot_step_minutes=30,
        capacity=3,
        min_notice_minutes=120,
        max_days_ahead=60,
        auto_confirm=True,
        cancellation_cutoff_hours=4,
    )
    provider.refresh_from_db()
    assert (provider.slot_step_minutes, provider.capacity, provider.auto_confirm) == (30, 3, True)


# --- Availability -----------------------------------------------------------------------------


def test_a_week_with_a_lunch_break_and_a_day_off(provider):
    week = {d: [(time(14), time(19)), (time(9), time(13))] for d in range(6)}
    week[6] = []
    working_hours_set_week(provider=provider, week=week)
    by_day = working_hours_by_weekday(provider)
    assert [(i.start_time, i.end_time) for i in by_day[0]] == [
        (time(9), time(13)),
        (time(14), time(19)),
    ]
    assert by_day[6] == []
    assert WorkingHours.objects.filter(provider=provider).count() == 12


def test_saving_a_week_replaces_the_old_one(provider):
    WorkingHoursFactory(provider=provider, weekday=2)
    working_hours_set_week(provider=provider, week={0: [(time(10), time(18))]})
    assert list(WorkingHours.objects.values_list("weekday", flat=True)) == [0]


@pytest.mark.parametrize(
    "intervals",
    [
        [(time(9), time(13)), (time(12), time(17))],
        [(time(9), time(17)), (time(10), time(11))],
        [(time(9), time(13)), (time(9), time(13))],
        [(time(13), time(9))],
    ],
)
def test_overlapping_or_backwards_hours_are_rejected_and_nothing_changes(provider, intervals):
    WorkingHoursFactory(provider=provider, weekday=4)
    with pytest.raises(OverlappingHours, match="Monday"):
        working_hours_set_week(provider=provider, week={0: intervals})
    assert list(WorkingHours.objects.values_list("weekday", flat=True)) == [4]


def test_touching_intervals_are_allowed(provider):
    working_hours_set_week(provider=provider, week={0: [(time(9), time(13)), (time(13), time(17))]})
    assert WorkingHours.objects.count() == 2


def test_time_off_single_day_and_special_hours(provider):
    day = date(2026, 12, 25)
    closed = time_off_create(provider=provider, start_date=day, reason="Christmas")
    special = time_off_create(
        provider=provider,
        start_date=day + timedelta(days=5),
        end_date=day + timedelta(days=6),
        open_time=time(10),
        close_time=time(14),
    )
    assert closed.end_date == day and closed.is_closed
    assert not special.is_closed
    assert list(time_off_between(provider, day, day + timedelta(days=30))) == [closed, special]


def test_overlapping_time_off_is_refused(provider):
    time_off_create(provider=provider, start_date=date(2026, 12, 24), end_date=date(2026, 12, 26))
    with pytest.raises(OverlappingTimeOff):
        time_off_create(provider=provider, start_date=date(2026, 12, 26))
    assert TimeOff.objects.count() == 1


def test_time_off_of_another_provider_does_not_clash(provider, other_provider):
    time_off_create(provider=other_provider, start_date=date(2026, 12, 25))
    time_off_create(provider=provider, start_date=date(2026, 12, 25))
    assert TimeOff.objects.count() == 2


# --- Checklist ----------------------------------------------------------------------------------


def test_checklist_follows_the_set_up(pending_provider):
    assert [i.done for i in provider_setup_checklist(pending_provider)] == [
        False,
        False,
        False,
        False,
    ]
    pending_provider.description = "Family salon"
    pending_provider.phone = "+918041234567"
    pending_provider.save()
    ServiceFactory(provider=pending_provider)
    WorkingHoursFactory(provider=pending_provider)
    assert [i.done for i in provider_setup_checklist(pending_provider)] == [
        True,
        True,
        True,
        False,
    ]


def test_staff_hear_about_a_shop_waiting_for_review(
    category, settings, django_capture_on_commit_callbacks, deliver_mail
):
    settings.ADMINS = [("Ops", "ops@example.in")]
    with django_capture_on_commit_callbacks(execute=True):
        provider = onboard(ProviderUserFactory(), category)
    assert len(deliver_mail()) == 1
    assert deliver_mail()[0].to == ["ops@example.in"]
    assert provider.shop_name in deliver_mail()[0].subject
    assert f"/admin/providers/provider/{provider.pk}/change/" in deliver_mail()[0].body
