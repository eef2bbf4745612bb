"""Load demo data: categories, demo accounts, shops, wallet top-ups and a week of bookings.

Safe to run again (idempotent). Money and bookings go through the same services users trigger
(test-gateway top-ups, appointment_book and the status transitions), so the demo data keeps
every invariant; only the bookings' created_at is spread over the last two weeks afterwards so
the staff dashboard's charts have some shape.
"""

import random
import secrets
from datetime import time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from bookings import next_free
from bookings import selectors as booking_selectors
from bookings import services as booking_services
from bookings.models import Appointment
from providers.models import Category, Provider, Service, WorkingHours
from wallet import services as wallet_services


def demo_allowed() -> bool:
    """Demo data only on a developer's machine (local settings with DEBUG) or in tests."""
    return settings.ENVIRONMENT == "test" or (settings.ENVIRONMENT == "local" and settings.DEBUG)


CATEGORIES = [
    ("Salon & Spa", "salon-spa", "scissors", "Haircuts, grooming, beauty and massage"),
    ("Clinic", "clinic", "heart-pulse", "General physicians and specialists"),
    ("Dental", "dental", "emoji-smile", "Check-ups, cleaning and treatment"),
    ("Physiotherapy", "physiotherapy", "person-walking", "Rehab, pain relief and sports injuries"),
    ("Tutoring", "tutoring", "mortarboard", "School subjects, languages and exam prep"),
    ("Fitness", "fitness", "activity", "Personal training, yoga and classes"),
    ("Repairs", "repairs", "wrench", "Phones, appliances, bikes and cars"),
    ("Pet care", "pet-care", "heart", "Vets, grooming and boarding"),
    ("Legal & Tax", "legal-tax", "briefcase", "Lawyers, CAs and tax filing"),
    ("Eye care", "eye-care", "eyeglasses", "Eye tests and opticians"),
]

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for local demo use only

ACCOUNTS = [
    ("admin@demo.bookmytoken.in", "Asha Admin", User.Role.ADMIN, "+919800000001"),
    ("provider@demo.bookmytoken.in", "Priya Sharma", User.Role.PROVIDER, "+919800000002"),
    ("customer@demo.bookmytoken.in", "Rahul Verma", User.Role.CUSTOMER, "+919800000003"),
]

# More customers, whose bookings fill the demo week (they can log in with the same password).
CUSTOMERS = [
    ("ananya@demo.bookmytoken.in", "Ananya Iyer"),
    ("vikram@demo.bookmytoken.in", "Vikram Singh"),
    ("fatima@demo.bookmytoken.in", "Fatima Khan"),
    ("arjun@demo.bookmytoken.in", "Arjun Nair"),
    ("meera@demo.bookmytoken.in", "Meera Joshi"),
]

# Further shops: (owner email, owner, shop, slug, category, area, city, pincode, status,
# services [(name, rate, minutes)], hours [(start, end)] Monday to Saturday).
SHOPS = [
    (
        "clinic@demo.bookmytoken.in",
        "Dr. Kavita Mehta",
        "Mehta Family Clinic",
        "mehta-family-clinic",
        "clinic",
        "Kothrud",
        "Pune",
        "411038",
        Provider.Status.APPROVED,
        [("General consultation", "500.00", 15), ("Health check-up", "1500.00", 45)],
        [(time(9), time(13)), (time(17), time(20))],
    ),
    (
        "tutor@demo.bookmytoken.in",
        "Sanjay Rao",
        "Bright Minds Tutorials",
        "bright-minds-tutorials",
        "tutoring",
        "Andheri West",
        "Mumbai",
        "400053",
        Provider.Status.APPROVED,
        [("Maths class 10 (1 hour)", "700.00", 60), ("Spoken English (1 hour)", "600.00", 60)],
        [(time(15), time(20))],
    ),
    (
        "repairs@demo.bookmytoken.in",
        "Imran Shaikh",
        "QuickFix Mobile Repairs",
        "quickfix-mobile-repairs",
        "repairs",
        "BTM Layout",
        "Bengaluru",
        "560076",
        Provider.Status.PENDING,
        [("Screen replacement", "2500.00", 60), ("Battery replacement", "1200.00", 30)],
        [(time(10), time(19))],
    ),
]


class Command(BaseCommand):
    help = "Create categories, demo accounts, shops, top-ups and a week of bookings (idempotent)."

    def handle(self, *args, **options) -> None:
        if not demo_allowed():
            raise CommandError(
                "seed_demo creates accounts with published passwords and credits wallets: it "
                "runs only with local settings and DEBUG on, or test settings "
                f"(these are {settings.ENVIRONMENT!r}, DEBUG={settings.DEBUG})."
            )
        with transaction.atomic():
            for order, (name, slug, icon, description) in enumerate(CATEGORIES):
                Category.objects.update_or_create(
                    slug=slug,
                    defaults={
                        "name": name,
                        "icon": icon,
                        "description": description,
                        "sort_order": order,
                    },
                )
            users = {
                role: self._user(email, name, role, mobile)
                for email, name, role, mobile in ACCOUNTS
            }
            shops = [self._demo_provider(users[User.Role.PROVIDER])]
            shops += [self._shop(*shop) for shop in SHOPS]
            customers = [users[User.Role.CUSTOMER]] + [
                self._user(email, name, User.Role.CUSTOMER, "") for email, name in CUSTOMERS
            ]
        # Each booking and payment is its own transaction, as when users make them. Demo
        # addresses get no booking emails.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._activity([p for p in shops if p.status == Provider.Status.APPROVED], customers)
        next_free.refresh()  # what the minutely task keeps up to date (the "soonest" sort)

        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/accounts/login/")
        )
        for email, _name, role, mobile in ACCOUNTS:
            self.stdout.write(f"  {role:<9} {email}  (or {mobile})  password: {DEMO_PASSWORD}")

    def _user(self, email: str, name: str, role: str, mobile: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email)
            user.set_password(DEMO_PASSWORD)
        user.name = name
        user.role = role
        user.mobile = mobile or None
        user.email_verified = True
        user.is_staff = user.is_superuser = role == User.Role.ADMIN
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _demo_provider(self, user: User) -> Provider:
        salon = Category.objects.get(slug="salon-spa")
        provider, created = Provider.objects.get_or_create(
            user=user,
            defaults={
                "shop_name": "Priya's Hair & Beauty Studio",
                "slug": "priyas-hair-beauty-studio",
                "category": salon,
                "description": "Haircuts, colour and bridal make-up in Koramangala since 2012.",
                "address": "12, 5th Cross, 1st Block",
                "area": "Koramangala",
                "city": "Bengaluru",
                "pincode": "560034",
                "phone": "+918041234567",
                "status": Provider.Status.APPROVED,
                "status_changed_at": timezone.now(),
                "capacity": 2,
            },
        )
        if created:
            for name, rate, minutes in [
                ("Haircut (men)", "250.00", 30),
                ("Haircut & styling (women)", "600.00", 45),
                ("Hair colour", "1800.00", 90),
            ]:
                Service.objects.create(
                    provider=provider,
                    service_name=name,
                    category=salon,
                    rate=rate,
                    duration_minutes=minutes,
                )
            for weekday in range(6):  # Monday to Saturday, lunch break 13:00-14:00
                WorkingHours.objects.create(
                    provider=provider, weekday=weekday, start_time=time(10), end_time=time(13)
                )
                WorkingHours.objects.create(
                    provider=provider, weekday=weekday, start_time=time(14), end_time=time(20)
                )
        return provider

    def _shop(
        self, email, owner, shop_name, slug, category, area, city, pincode, status, services, hours
    ) -> Provider:
        user = self._user(email, owner, User.Role.PROVIDER, "")
        category = Category.objects.get(slug=category)
        provider, created = Provider.objects.get_or_create(
            user=user,
            defaults={
                "shop_name": shop_name,
                "slug": slug,
                "category": category,
                "description": f"{shop_name}: walk in on your token, no waiting room.",
                "address": "1st Floor, Main Road",
                "area": area,
                "city": city,
                "pincode": pincode,
                "status": status,
                "status_changed_at": timezone.now(),
                "min_notice_minutes": 30,
            },
        )
        if created:
            for name, rate, minutes in services:
                Service.objects.create(
                    provider=provider,
                    service_name=name,
                    category=category,
                    rate=rate,
                    duration_minutes=minutes,
                )
            for weekday in range(6):
                for start, end in hours:
                    WorkingHours.objects.create(
                        provider=provider, weekday=weekday, start_time=start, end_time=end
                    )
        return provider

    def _activity(self, providers: list[Provider], customers: list[User]) -> None:
        """Top up each demo wallet and book a week of appointments, once."""
        if Appointment.objects.filter(provider__in=providers).exists():
            return
        if settings.TEST_GATEWAY_ENABLED:
            # The TEST MODE gateway: the same order/capture code a real top-up runs.
            for provider in providers:
                payment = wallet_services.topup_start(provider=provider, amount=Decimal("1000"))
                wallet_services.payment_capture(
                    order_id=payment.order_id,
                    payment_id=f"pay_demo{secrets.token_hex(7)}",
                    source="callback",
                )
        rng = random.Random(2026)  # the same demo week every time
        today = timezone.localdate()
        made: list[Appointment] = []
        for provider in providers:
            services = list(provider.services.filter(is_active=True).select_related("provider"))
            for offset in range(7):
                day = today + timedelta(days=offset)
                for service in services:
                    free = booking_selectors.day_slots(service, day)
                    for slot in rng.sample(free, min(2, len(free))):
                        try:
                            made.append(
                                booking_services.appointment_book(
                                    customer=rng.choice(customers),
                                    service=service,
                                    booking_date=day,
                                    slot_time=slot,
                                )
                            )
                        except booking_services.BookingError:
                            continue
        for appointment in made:
            roll = rng.random()
            try:
                if roll < 0.6:
                    booking_services.appointment_confirm(
                        appointment=appointment, actor=appointment.provider.user
                    )
                elif roll < 0.75:
                    booking_services.appointment_cancel(
                        appointment=appointment,
                        actor=appointment.customer,
                        reason="Plans changed",
                    )
            except booking_services.BookingError:
                continue
        now = timezone.now()
        for appointment in made:
            Appointment.objects.filter(pk=appointment.pk).update(
                created_at=now - timedelta(days=rng.randint(0, 13), minutes=rng.randint(0, 600))
            )
        self.stdout.write(f"  {len(made)} demo bookings across {len(providers)} shops.")
