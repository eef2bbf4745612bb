"""Staff pages: who may see them, what they show, and the decisions taken from them."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CustomerFactory, ProviderUserFactory
from adminpanel.models import FraudFlag
from providers.models import Provider
from providers.tests.factories import CategoryFactory, ProviderFactory, ServiceFactory

from .factories import AppointmentFactory, FraudFlagFactory

pytestmark = pytest.mark.django_db


def staff_urls():
    """Every URL of the app, with the method that uses it (ids made up: access comes first)."""
    return [
        ("get", reverse("adminpanel:dashboard")),
        ("get", reverse("adminpanel:export", args=["summary"])),
        ("get", reverse("adminpanel:fraud")),
        ("post", reverse("adminpanel:fraud_review", args=[1])),
        ("get", reverse("adminpanel:audit")),
        ("post", reverse("adminpanel:approve", args=[1])),
        ("get", reverse("adminpanel:reject", args=[1])),
        ("post", reverse("adminpanel:reject", args=[1])),
    ]


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), staff_urls())
def test_visitors_are_sent_to_log_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("method", "url"), staff_urls())
@pytest.mark.parametrize("user_factory", [CustomerFactory, ProviderUserFactory])
def test_customers_and_providers_get_403(client, method, url, user_factory):
    client.force_login(user_factory())
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("method", "url"), staff_urls())
def test_staff_without_two_factor_this_session_are_asked_for_it(client, staff, method, url):
    client.force_login(staff)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")


def test_staff_pages_load(staff_client):
    for url in [
        reverse("adminpanel:dashboard"),
        reverse("adminpanel:fraud"),
        reverse("adminpanel:audit"),
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200
        assert b"<script>" not in response.content  # CSP: no inline scripts


def test_staff_navbar_links(staff_client):
    content = staff_client.get(reverse("adminpanel:audit")).content.decode()
    for name in ["dashboard", "fraud", "audit"]:
        assert f'href="{reverse(f"adminpanel:{name}")}"' in content


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_defaults_to_the_last_30_days(staff_client):
    response = staff_client.get(reverse("adminpanel:dashboard"))
    rng = response.context["report"].range
    assert rng.end == timezone.localdate()
    assert rng.start == timezone.localdate() - timedelta(days=29)
    assert len(response.context["chart_data"]["labels"]) == 30
    assert b'id="dashboard-chart-data"' in response.content
    assert b"js/adminpanel.js" in response.content


def test_dashboard_shows_the_numbers_of_the_chosen_period(staff_client):
    service = ServiceFactory(provider=ProviderFactory(shop_name="Glow Salon"))
    today = timezone.localdate()
    AppointmentFactory(provider=service.provider, service=service, locked_price=Decimal("1250"))
    AppointmentFactory(
        provider=service.provider,
        service=service,
        created_at=timezone.now() - timedelta(days=40),
    )
    response = staff_client.get(
        reverse("adminpanel:dashboard"),
        {"date_from": (today - timedelta(days=6)).isoformat(), "date_to": today.isoformat()},
    )
    report = response.context["report"]
    assert report.bookings["total"] == 1
    assert len(report.daily) == 7
    content = response.content.decode()
    assert "Glow Salon" in content
    assert "₹1,250.00" in content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-11-30", "date_to": "2026-11-01"}, "on or before the end date"),
        ({"date_from": "2025-01-01", "date_to": "2026-11-01"}, "at most 366 days"),
        ({"date_from": "yesterday", "date_to": "2026-11-01"}, "Enter a valid date"),
    ],
)
def test_bad_dates_give_a_form_error_and_the_default_period(staff_client, params, message):
    response = staff_client.get(reverse("adminpanel:dashboard"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["report"].range.end == timezone.localdate()


# --- CSV exports ------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_summary_csv(staff_client):
    customer = CustomerFactory(created_at=timezone.now())
    AppointmentFactory(customer=customer, locked_price=Decimal("300.00"))
    AppointmentFactory(status="cancelled", customer=customer)
    today = timezone.localdate().isoformat()
    response = staff_client.get(
        reverse("adminpanel:export", args=["summary"]), {"date_from": today, "date_to": today}
    )
    assert f'filename="bookmytoken-summary-{today}-{today}.csv"' in response["Content-Disposition"]
    rows = dict(read_csv(response)[1:])
    assert rows["Bookings"] == "2"
    assert rows["Bookings: Cancelled"] == "1"
    assert rows["Cancellation rate (%)"] == "50.0"
    assert rows["New customers"] == "1"
    assert rows["Platform fees (₹)"] == "0.00"


def test_daily_csv_has_every_day(staff_client):
    AppointmentFactory()
    today = timezone.localdate()
    response = staff_client.get(
        reverse("adminpanel:export", args=["daily"]),
        {"date_from": (today - timedelta(days=2)).isoformat(), "date_to": today.isoformat()},
    )
    rows = read_csv(response)
    assert rows[0][:2] == ["Date", "Bookings"]
    assert [r[0] for r in rows[1:]] == [(today - timedelta(days=n)).isoformat() for n in (2, 1, 0)]
    assert [r[1] for r in rows[1:]] == ["0", "0", "1"]


def test_providers_and_categories_csv(staff_client):
    category = CategoryFactory(name="Dental", slug="dental")
    provider = ProviderFactory(shop_name="=HYPERLINK(evil)", category=category, city="Pune")
    service = ServiceFactory(provider=provider, category=category, rate=Decimal("800.00"))
    AppointmentFactory(provider=provider, service=service)
    AppointmentFactory(provider=provider, service=service, status="completed")

    providers = read_csv(staff_client.get(reverse("adminpanel:export", args=["providers"])))
    assert providers[1] == ["'=HYPERLINK(evil)", "Pune", "Dental", "2", "1", "0", "1600.00", "0.00"]

    categories = read_csv(staff_client.get(reverse("adminpanel:export", args=["categories"])))
    assert categories[1] == ["Dental", "2", "1", "0", "1600.00"]


def test_pending_csv_lists_the_approval_queue(staff_client):
    pending = ProviderFactory(status=Provider.Status.PENDING, shop_name="New Shop")
    ProviderFactory(shop_name="Approved Shop")
    rows = read_csv(staff_client.get(reverse("adminpanel:export", args=["pending"])))
    assert len(rows) == 2
    assert rows[1][:3] == ["New Shop", pending.user.name, pending.user.email]


def test_unknown_export_is_404_and_bad_dates_400(staff_client):
    assert staff_client.get(reverse("adminpanel:export", args=["secrets"])).status_code == 404
    response = staff_client.get(
        reverse("adminpanel:export", args=["summary"]),
        {"date_from": "2026-12-01", "date_to": "2026-11-01"},
    )
    assert response.status_code == 400


# --- Approval queue ---------------------------------------------------------------------------


def test_dashboard_lists_pending_providers_oldest_first(staff_client):
    ProviderFactory(status=Provider.Status.PENDING, shop_name="Later Shop")
    ProviderFactory(
        status=Provider.Status.PENDING,
        shop_name="Early Shop",
        created_at=timezone.now() - timedelta(days=3),
    )
    ProviderFactory(shop_name="Live Shop")
    response = staff_client.get(reverse("adminpanel:dashboard"))
    assert [p.shop_name for p in response.context["pending"]] == ["Early Shop", "Later Shop"]


def test_approve_from_the_queue_emails_and_is_audited(
    staff_client, staff, django_capture_on_commit_callbacks, deliver_mail
):
    provider = ProviderFactory(status=Provider.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("adminpanel:approve", args=[provider.pk]), REMOTE_ADDR="198.51.100.7"
        )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.status == Provider.Status.APPROVED
    assert provider.status_changed_by == staff
    assert [m.to for m in deliver_mail()] == [[provider.user.email]]
    entry = LogEntry.objects.get_for_object(provider).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == staff
    assert entry.remote_addr == "198.51.100.7"
    assert entry.changes_dict["status"] == ["pending", "approved"]


def test_approving_twice_is_a_message_not_an_error(staff_client):
    provider = ProviderFactory(status=Provider.Status.APPROVED)
    response = staff_client.post(reverse("adminpanel:approve", args=[provider.pk]), follow=True)
    assert response.status_code == 200
    assert "cannot be changed" in response.content.decode()


def test_reject_with_reason_emails_the_provider(
    staff_client, django_capture_on_commit_callbacks, deliver_mail
):
    provider = ProviderFactory(status=Provider.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("adminpanel:reject", args=[provider.pk]),
            {"reason": "Add a photo of the shop front."},
        )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.status == Provider.Status.REJECTED
    assert provider.rejection_reason == "Add a photo of the shop front."
    assert len(deliver_mail()) == 1
    assert "Add a photo of the shop front." in deliver_mail()[0].body


@pytest.mark.parametrize("reason", ["", "   ", "no", "x" * 501])
def test_reject_without_a_proper_reason_changes_nothing(staff_client, reason, deliver_mail):
    provider = ProviderFactory(status=Provider.Status.PENDING)
    response = staff_client.post(
        reverse("adminpanel:reject", args=[provider.pk]), {"reason": reason}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    provider.refresh_from_db()
    assert provider.status == Provider.Status.PENDING
    assert not deliver_mail()


def test_reject_page_and_unknown_provider(staff_client):
    provider = ProviderFactory(status=Provider.Status.PENDING, shop_name="Reject Me")
    assert (
        "Reject Me"
        in staff_client.get(reverse("adminpanel:reject", args=[provider.pk])).content.decode()
    )
    assert staff_client.post(reverse("adminpanel:approve", args=[999999])).status_code == 404


# --- Fraud review page ------------------------------------------------------------------------


def test_fraud_page_lists_open_flags_by_default(staff_client):
    open_flag = FraudFlagFactory()
    FraudFlagFactory(status=FraudFlag.Status.DISMISSED)
    response = staff_client.get(reverse("adminpanel:fraud"))
    assert list(response.context["page"]) == [open_flag]
    assert response.context["counts"] == {"open": 1, "dismissed": 1, "actioned": 0}
    assert open_flag.user.email in response.content.decode()

    everything = staff_client.get(reverse("adminpanel:fraud"), {"status": ""})
    assert len(everything.context["page"]) == 2


def test_dismiss_from_the_page(staff_client, staff):
    flag = FraudFlagFactory()
    response = staff_client.post(
        reverse("adminpanel:fraud_review", args=[flag.pk]),
        {"action": "dismiss", "note": "Regular customer"},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FraudFlag.Status.DISMISSED
    assert flag.reviewer == staff
    assert flag.reviewed_at is not None
    assert flag.note == "Regular customer"
    assert flag.open_key is None


def test_mark_actioned_from_the_page(staff_client):
    flag = FraudFlagFactory()
    staff_client.post(reverse("adminpanel:fraud_review", args=[flag.pk]), {"action": "actioned"})
    flag.refresh_from_db()
    assert flag.status == FraudFlag.Status.ACTIONED


def test_block_user_from_the_page_ends_their_session(staff_client):
    flag = FraudFlagFactory()
    victim_client = Client()
    victim_client.force_login(flag.user)
    staff_client.post(
        reverse("adminpanel:fraud_review", args=[flag.pk]),
        {"action": "block", "note": "Cancels every booking"},
    )
    flag.refresh_from_db()
    flag.user.refresh_from_db()
    assert flag.status == FraudFlag.Status.ACTIONED
    assert flag.user.is_blocked
    assert flag.user.blocked_reason == "Cancels every booking"
    response = victim_client.get(reverse("home"))
    assert response.status_code == 302 or not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    "data", [{"action": "block", "note": ""}, {"action": "explode"}, {}], ids=str
)
def test_bad_review_input_changes_nothing(staff_client, data):
    flag = FraudFlagFactory()
    response = staff_client.post(reverse("adminpanel:fraud_review", args=[flag.pk]), data)
    assert response.status_code == 302
    flag.refresh_from_db()
    flag.user.refresh_from_db()
    assert flag.status == FraudFlag.Status.OPEN
    assert not flag.user.is_blocked


def test_blocking_needs_a_user_and_a_flag_is_reviewed_once(staff_client):
    ip_flag = FraudFlagFactory(
        rule=FraudFlag.Rule.FAILED_LOGINS_IP, user=None, subject_key="ip:1.2.3.4"
    )
    response = staff_client.post(
        reverse("adminpanel:fraud_review", args=[ip_flag.pk]),
        {"action": "block", "note": "bot"},
        follow=True,
    )
    assert "not about one account" in response.content.decode()
    ip_flag.refresh_from_db()
    assert ip_flag.is_open

    staff_client.post(reverse("adminpanel:fraud_review", args=[ip_flag.pk]), {"action": "dismiss"})
    response = staff_client.post(
        reverse("adminpanel:fraud_review", args=[ip_flag.pk]), {"action": "actioned"}, follow=True
    )
    assert "already reviewed" in response.content.decode()
    ip_flag.refresh_from_db()
    assert ip_flag.status == FraudFlag.Status.DISMISSED


# --- Audit page -------------------------------------------------------------------------------


def test_audit_page_shows_who_what_when_and_ip(staff_client, staff):
    provider = ProviderFactory(status=Provider.Status.PENDING, shop_name="Audited Shop")
    staff_client.post(reverse("adminpanel:approve", args=[provider.pk]), REMOTE_ADDR="192.0.2.44")
    response = staff_client.get(reverse("adminpanel:audit"), {"actor": staff.email})
    content = response.content.decode()
    entries = list(response.context["page"])
    assert entries and all(e.actor == staff for e in entries)
    assert "Audited Shop" in content
    assert "192.0.2.44" in content
    assert "Pending approval" in content and "Approved" in content  # choice labels


def test_audit_filters_by_model_action_and_date(staff_client):
    category = CategoryFactory(name="Yoga", slug="yoga")
    ProviderFactory(category=category)
    ct = ContentType.objects.get_for_model(type(category))
    response = staff_client.get(
        reverse("adminpanel:audit"), {"model": ct.pk, "action": LogEntry.Action.CREATE}
    )
    entries = list(response.context["page"])
    assert [e.object_repr for e in entries] == ["Yoga"]

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = staff_client.get(reverse("adminpanel:audit"), {"date_from": tomorrow})
    assert list(response.context["page"]) == []

    today = timezone.localdate().isoformat()
    response = staff_client.get(reverse("adminpanel:audit"), {"date_to": today, "model": ct.pk})
    assert len(response.context["page"]) == 1


def test_audit_bad_filters_show_errors_not_500(staff_client):
    response = staff_client.get(
        reverse("adminpanel:audit"),
        {"model": "99999", "date_from": "2026-12-01", "date_to": "2026-01-01", "action": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_audit_is_paginated(staff_client):
    for n in range(55):
        CategoryFactory(name=f"Cat {n}", slug=f"cat-{n}")
    first = staff_client.get(reverse("adminpanel:audit"))
    assert len(first.context["page"]) == 50
    second = staff_client.get(reverse("adminpanel:audit"), {"page": 2})
    assert len(second.context["page"]) >= 5
    assert staff_client.get(reverse("adminpanel:audit"), {"page": "zzz"}).status_code == 200


def test_empty_dates_mean_the_default_period(staff_client):
    response = staff_client.get(reverse("adminpanel:dashboard"), {"date_from": "", "date_to": ""})
    rng = response.context["report"].range
    assert (rng.start, rng.end) == (
        timezone.localdate() - timedelta(days=29),
        timezone.localdate(),
    )
    assert not response.context["form"].errors


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_fraud_and_audit_pages_query_count_does_not_grow(staff_client):
    FraudFlagFactory(provider=ProviderFactory())
    pages = [reverse("adminpanel:fraud"), reverse("adminpanel:audit")]
    for url in pages:
        staff_client.get(url)  # warm per-process caches (content types)
    few = [_queries(staff_client, url) for url in pages]
    for _ in range(20):
        FraudFlagFactory(provider=ProviderFactory())
    assert [_queries(staff_client, url) for url in pages] == few
