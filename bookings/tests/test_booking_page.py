"""The booking page for phones and screen readers: each day is a link named by its date and
free count (closed and full days announced as such, not links), choosing a day leads to its
times (#times), and the times are buttons named by their time."""

import re
from datetime import date, time

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from bookings import services
from providers.models import Provider

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def one_booking_on_tuesday(service) -> None:
    """One seat a slot, and Tuesday 8 December's 10:00 taken."""
    Provider.objects.filter(pk=service.provider_id).update(capacity=1)
    services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=date(2026, 12, 8),
        slot_time=time(10),
    )  # fmt: skip


def test_each_free_day_is_a_link_named_by_its_date_and_free_times(client, service):
    one_booking_on_tuesday(service)
    response = client.get(reverse("bookings:book", args=[service.provider.slug, service.pk]))
    html = response.text
    # Tuesday 8 December: open 9-13 and 14-18 in 30-minute steps = 16 starts, one taken.
    link = re.search(
        r'<a class="btn day-cell[^"]*" href="\?date=2026-12-08#times".*?</a>', html, re.S
    )
    assert link, "Tuesday is not a link to its times"
    assert '<span class="visually-hidden">Tuesday 8 December, 15 free</span>' in link.group(0)
    assert 'role="listitem"' not in html  # a link keeps its link role
    assert '<ul class="day-grid' in html


def test_closed_and_full_days_are_announced_and_are_not_links(client, service):
    Provider.objects.filter(pk=service.provider_id).update(capacity=1)
    for hour in (9, 10, 11, 12, 14, 15, 16, 17):
        for minute in (0, 30):
            services.appointment_book(
                customer=CustomerFactory(), service=service, booking_date=date(2026, 12, 9),
                slot_time=time(hour, minute),
            )  # fmt: skip
    html = client.get(reverse("bookings:book", args=[service.provider.slug, service.pk])).text
    assert "Sunday 13 December, closed" in html
    assert "Wednesday 9 December, fully booked" in html
    assert "?date=2026-12-13" not in html
    assert "?date=2026-12-09" not in html


def test_day_names_and_notes_are_in_the_visitors_language(client, service):
    one_booking_on_tuesday(service)
    url = reverse("bookings:book", args=[service.provider.slug, service.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="hi").text
    link = re.search(
        r'<a class="btn day-cell[^"]*" href="\?date=2026-12-08#times".*?</a>', html, re.S
    )
    assert link, "Tuesday is not a link to its times"
    assert "15 खाली" in visible(link.group(0))
    assert ", 15 खाली</span>" in link.group(0)
    assert ", बंद</span>" in html  # Sunday 13 December, closed
    assert "15 free" not in html


def test_a_chosen_day_shows_its_times_as_buttons_under_a_focusable_heading(client, service):
    url = reverse("bookings:book", args=[service.provider.slug, service.pk])
    html = client.get(url, {"date": "2026-12-08"}).text
    assert (
        '<h3 class="h6 mb-3" id="times" tabindex="-1">Free times on Tuesday, 8 December</h3>'
        in html
    )
    confirm = reverse("bookings:confirm", args=[service.provider.slug, service.pk])
    assert f'<form method="get" action="{confirm}" class="slot-grid">' in html
    assert '<input type="hidden" name="date" value="2026-12-08">' in html
    assert re.search(
        r'<button class="btn btn-outline-primary" type="submit" name="time" value="10:00">'
        r"10:00 AM</button>",
        html,
    )


def test_the_htmx_fragment_carries_the_same_heading_and_buttons(client, service):
    url = reverse("bookings:slots", args=[service.provider.slug, service.pk])
    html = client.get(url, {"date": "2026-12-08"}, headers={"HX-Request": "true"}).text
    assert 'id="times" tabindex="-1"' in html
    assert 'name="time" value="10:00">10:00 AM</button>' in html


def test_the_page_uses_data_hx_attributes_only(client, service):
    html = client.get(reverse("bookings:book", args=[service.provider.slug, service.pk])).text
    assert "data-hx-get=" in html and 'data-hx-target="#slots"' in html
    assert not re.search(r"[\s\"']hx-[a-z-]+=", html)


def test_no_template_uses_bare_hx_attributes():
    """hx-* is not valid HTML; htmx reads data-hx-* as well, so every template uses that."""
    from pathlib import Path

    from django.conf import settings

    bare = re.compile(r"(?<![\w-])hx-[a-z-]+=")
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        if bare.search(path.read_text())
    ]
    assert offenders == []
    assert Path(settings.BASE_DIR / "static" / "js").is_dir()
    for script in (settings.BASE_DIR / "static" / "js").glob("*.js"):
        assert "[hx-" not in script.read_text(), script
