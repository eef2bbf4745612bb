"""Load demo data: real categories and demo accounts. Safe to run again (idempotent)."""

from datetime import time

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from providers.models import Category, Provider, Service, WorkingHours

CATEGORIES = [
    ("Salon & Spa", "salon-spa", "💇", "Haircuts, grooming, beauty and massage"),
    ("Clinic", "clinic", "🩺", "General physicians and specialists"),
    ("Dental", "dental", "🦷", "Check-ups, cleaning and treatment"),
    ("Physiotherapy", "physiotherapy", "🦴", "Rehab, pain relief and sports injuries"),
    ("Tutoring", "tutoring", "📚", "School subjects, languages and exam prep"),
    ("Fitness", "fitness", "🏋️", "Personal training, yoga and classes"),
    ("Repairs", "repairs", "🔧", "Phones, appliances, bikes and cars"),
    ("Pet care", "pet-care", "🐾", "Vets, grooming and boarding"),
    ("Legal & Tax", "legal-tax", "⚖️", "Lawyers, CAs and tax filing"),
    ("Eye care", "eye-care", "👓", "Eye tests and opticians"),
]

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for local demo use only

ACCOUNTS = [
    ("admin@demo.bookmytoken.in", "Asha Admin", User.Role.ADMIN, "+919800000001"),
    ("provider@demo.bookmytoken.in", "Priya Sharma", User.Role.PROVIDER, "+919800000002"),
    ("customer@demo.bookmytoken.in", "Rahul Verma", User.Role.CUSTOMER, "+919800000003"),
]


class Command(BaseCommand):
    help = "Create categories and demo admin/provider/customer accounts (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
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
            role: self._user(email, name, role, mobile) for email, name, role, mobile in ACCOUNTS
        }
        self._demo_provider(users[User.Role.PROVIDER])

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
        user.mobile = mobile
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
