"""Hindi and English: choosing a language (browser, switcher, saved on the account), pages,
emails and PDFs in the chosen language, Indian digit grouping in both."""

import re
import shutil
import subprocess
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.tests.factories import CustomerFactory
from bookings import services as booking_services
from providers.models import Provider, WorkingHours
from providers.templatetags.money import format_inr
from providers.tests.factories import ProviderFactory, ServiceFactory
from wallet.tests.factories import PaymentFactory
from wallet.tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")
COOKIE = settings.LANGUAGE_COOKIE_NAME
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "languages"


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


# --- choosing the language --------------------------------------------------------------


def test_a_visitor_gets_the_browsers_language_when_it_is_hindi_or_english(client):
    hindi = client.get("/", HTTP_ACCEPT_LANGUAGE="hi-IN,hi;q=0.9,en;q=0.8")
    assert lang_of(hindi) == "hi"
    assert "सेवाएँ खोजें" in hindi.content.decode()  # "Find services" in the navbar
    assert "Find services" not in hindi.content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert lang_of(english) == "en-in"
    assert "Find services" in english.content.decode()
    # Neither Hindi nor English asked for: the site's language.
    assert lang_of(client.get("/", HTTP_ACCEPT_LANGUAGE="ta-IN,ta;q=0.9")) == "en-in"


def test_the_language_cookie_wins_over_the_browser(client):
    client.cookies[COOKIE] = "hi"
    response = client.get(reverse("bookings:search"), HTTP_ACCEPT_LANGUAGE="en")
    assert lang_of(response) == "hi"
    assert "खोजें" in response.content.decode()


def test_the_switcher_is_a_plain_form_in_navbar_and_footer(client):
    html = client.get(reverse("bookings:search") + "?city=Pune").content.decode()
    forms = re.findall(r'<form class="language-switcher.*?</form>', html, re.S)
    assert len(forms) == 2  # navbar and footer
    for form in forms:
        assert f'action="{reverse("set_language")}"' in form and 'method="post"' in form
        assert "csrfmiddlewaretoken" in form
        assert 'name="next" value="/providers/?city=Pune"' in form
        assert 'value="hi"' in form and "हिंदी" in form and 'value="en-in"' in form


def test_switching_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "hi", "next": "/providers/"})
    assert response.status_code == 302 and response["Location"] == "/providers/"
    assert response.cookies[COOKIE].value == "hi"
    assert lang_of(client.get("/providers/")) == "hi"
    # Not a GET, and never off to another site.
    assert client.get(reverse("set_language")).status_code == 405
    away = client.post(reverse("set_language"), {"language": "hi", "next": "https://evil.example"})
    assert away["Location"] == "/"


def test_a_signed_in_users_choice_is_saved_on_the_account(client):
    user = CustomerFactory()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "hi", "next": "/"})
    user.refresh_from_db()
    assert user.language == "hi"
    client.post(reverse("set_language"), {"language": "en-in", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en-in"
    # An unknown code changes nothing.
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en-in"


def test_a_visitors_choice_writes_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.post(reverse("set_language"), {"language": "hi", "next": "/"})


def test_a_signed_in_user_gets_their_saved_language_on_a_browser_without_the_cookie(client):
    user = CustomerFactory(language="hi")
    client.force_login(user)
    response = client.get(reverse("bookings:mine"), HTTP_ACCEPT_LANGUAGE="en")
    assert lang_of(response) == "hi"
    assert "मेरी बुकिंग" in response.content.decode()
    # ... and the browser keeps it from then on, without looking at the account again.
    assert response.cookies[COOKIE].value == "hi"


def test_signing_in_switches_the_browser_to_the_saved_language(client):
    from accounts.tests.factories import PASSWORD

    user = CustomerFactory(language="hi")
    client.cookies[COOKIE] = "en-in"
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "hi"


def test_signing_up_in_hindi_saves_hindi_for_the_new_account(client):
    client.cookies[COOKIE] = "hi"
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Sunita Devi",
            "email": "sunita@example.in",
            "role": "customer",
            "password1": "a-long-Secret-2026",
            "password2": "a-long-Secret-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="sunita@example.in").language == "hi"


def test_the_security_page_offers_the_language_choice(client):
    client.force_login(CustomerFactory())
    html = client.get(reverse("accounts:security"), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "पेज, ईमेल, रिमाइंडर और इनवॉइस आपकी चुनी हुई भाषा में होंगे।" in html
    assert html.count('class="language-switcher') == 3


def test_shop_entered_content_stays_as_written(client):
    provider = ProviderFactory(
        shop_name="Priya's Hair Studio", slug="priya", description="Best cuts"
    )
    ServiceFactory(provider=provider, service_name="Haircut (men)")
    html = client.get(reverse("bookings:provider", args=["priya"]), HTTP_ACCEPT_LANGUAGE="hi")
    text = html.content.decode()
    assert "Priya&#x27;s Hair Studio" in text and "Best cuts" in text and "Haircut (men)" in text
    assert "सेवाएँ" in text


def test_the_javascript_catalogue_speaks_hindi(client):
    client.cookies[COOKIE] = "hi"
    script = client.get(reverse("javascript-catalog")).content.decode()
    assert "\\u092d\\u0941\\u0917\\u0924\\u093e\\u0928" in script or "भुगतान" in script
    assert "The payment did not go through. You can try again." in script


# --- numbers, money and dates -------------------------------------------------------------


@pytest.mark.parametrize("language", ["en-in", "hi"])
def test_money_and_numbers_use_indian_grouping_in_both_languages(language):
    with translation.override(language):
        assert format_inr(Decimal("100000")) == "₹1,00,000.00"
        assert format_inr("12345678.5") == "₹1,23,45,678.50"
        assert format_inr("-2500") == "-₹2,500.00"
        assert format_inr("999.99") == "₹999.99"
        rendered = Template("{% load humanize money %}{{ n|intcomma }} {{ m|inr }}").render(
            Context({"n": 2500000, "m": Decimal("100000")})
        )
        assert rendered == "25,00,000 ₹1,00,000.00"


def test_dates_in_ist_with_hindi_month_and_day_names():
    moment = datetime(2026, 12, 1, 4, 30, tzinfo=ZoneInfo("UTC"))  # 10:00 in India
    template = Template('{{ t|date:"l, j F Y, g:i A" }}')
    with translation.override("hi"):
        hindi = template.render(Context({"t": moment}))
    with translation.override("en-in"):
        english = template.render(Context({"t": moment}))
    assert english == "Tuesday, 1 December 2026, 10:00 AM"
    assert hindi.startswith("मंगलवार, 1 दिसंबर 2026, 10:00")


# --- emails ---------------------------------------------------------------------------------


@pytest.fixture
def shop(db):
    provider = ProviderFactory(shop_name="Glow Salon", min_notice_minutes=0, max_days_ahead=30)
    WorkingHours.objects.bulk_create(
        WorkingHours(provider=provider, weekday=d, start_time=time(9), end_time=time(18))
        for d in range(7)
    )
    return ServiceFactory(provider=provider, service_name="Haircut", duration_minutes=30)


def test_booking_emails_are_in_each_recipients_language(shop, deliver_mail):
    shop.provider.user.language = "en-in"
    shop.provider.user.save(update_fields=["language"])
    customer = CustomerFactory(language="hi")
    with time_machine.travel(datetime(2026, 12, 7, 7, 0, tzinfo=IST), tick=False):
        # Booked from an English page: the customer's saved Hindi still wins for them.
        with translation.override("en-in"):
            booking_services.appointment_book(
                customer=customer, service=shop, booking_date=date(2026, 12, 8), slot_time=time(10)
            )
        outbox = deliver_mail()
    to_customer = next(m for m in outbox if m.to == [customer.email])
    to_provider = next(m for m in outbox if m.to == [shop.provider.user.email])
    assert to_customer.subject == "बुकिंग मिली: Glow Salon पर टोकन 1"
    assert "आपकी बुकिंग मिल गई है।" in to_customer.body
    assert "दिसंबर" in to_customer.body and "Haircut" in to_customer.body
    html = to_customer.alternatives[0].content
    assert "आपकी बुकिंग मिल गई है।" in html and "अपनी बुकिंग देखें" in html
    assert "Booking received" not in to_customer.subject + to_customer.body
    assert to_provider.subject.startswith("New booking: token 1")
    assert "You have a new booking." in to_provider.body
    assert "बुकिंग" not in to_provider.subject + to_provider.body


def test_reminders_go_out_in_the_customers_language(shop, deliver_mail):
    customer = CustomerFactory(language="hi")
    with time_machine.travel(datetime(2026, 12, 7, 7, 0, tzinfo=IST), tick=False):
        booking_services.appointment_book(
            customer=customer, service=shop, booking_date=date(2026, 12, 7), slot_time=time(10)
        )
        deliver_mail().clear()
    with time_machine.travel(datetime(2026, 12, 7, 9, 10, tzinfo=IST), tick=False):
        from bookings import tasks

        tasks.send_reminders()
        reminders = [m for m in deliver_mail() if m.to == [customer.email]]
    assert reminders and reminders[0].subject.startswith("रिमाइंडर: Glow Salon पर")


def test_shop_status_email_is_in_the_owners_language():
    from django.core import mail

    from providers.emails import queue_provider_status_email
    from providers.tests.factories import CategoryFactory

    owner = User.objects.create_user(
        email="owner@example.in", name="Ramesh", password="x", role=User.Role.PROVIDER
    )
    owner.language = "hi"
    owner.save(update_fields=["language"])
    provider = ProviderFactory(user=owner, shop_name="Ramesh Repairs", category=CategoryFactory())
    Provider.objects.filter(pk=provider.pk).update(status=Provider.Status.APPROVED)
    mail.outbox = []
    queue_provider_status_email(provider.pk)
    from post_office.mail import send_queued

    send_queued()
    (message,) = mail.outbox
    assert message.subject == "Ramesh Repairs अब BookMyToken पर लाइव है"
    assert "खुशखबरी" in message.body


# --- PDFs -------------------------------------------------------------------------------------


def render_png(pdf: bytes, stem: Path) -> Path:
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".pdf").write_bytes(pdf)
    subprocess.run(  # noqa: S603 - fixed command on our own file
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", stem.with_suffix(".pdf"), stem],  # noqa: S607
        check=True,
    )
    return next(stem.parent.glob(stem.name + "*.png"))


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (bin/system-deps)")
def test_an_invoice_pdf_in_hindi(client, settings):
    """The labels are Hindi and drawn with a Devanagari font (a missing font still extracts
    as text but shows as boxes: the PNG in artifacts/languages/ is for looking at)."""
    from wallet import services as wallet_services
    from wallet.models import WalletTransaction

    settings.PLATFORM_GSTIN = ""
    provider = ProviderFactory(shop_name="Sharma Hair Studio", city="Pune")
    provider.user.language = "hi"
    provider.user.save(update_fields=["language"])
    payment = PaymentFactory(provider=provider, amount=Decimal("125000.50"))
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=IST)):
        wallet_services.payment_capture(
            order_id=payment.order_id, payment_id="pay_HI1", source="callback"
        )
    row = WalletTransaction.objects.get(reference_id=payment.order_id)
    client.force_login(provider.user)  # the saved language reaches the browser's cookie
    response = client.get(reverse("wallet:transaction_invoice", args=[row.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    png = render_png(response.content, ARTIFACTS / "invoice-hi")
    # pdftotext reorders some Devanagari vowel signs; these come out whole.
    for expected in (
        "वॉलेट टॉप-अप इनवॉइस",
        "तारीख: 25 नव॰ 2026",
        "इसके बाद वॉलेट बैलेंस",
        "₹1,25,000.50",
        "Sharma Hair Studio",
        "पृष्ठ 1 / 1",
    ):
        assert expected in text, expected
    assert png.stat().st_size > 10_000
    fonts = subprocess.run(  # noqa: S603
        ["pdffonts", ARTIFACTS / "invoice-hi.pdf"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Devanagari" in fonts, fonts
