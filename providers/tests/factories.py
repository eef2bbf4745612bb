from datetime import time
from decimal import Decimal

import factory

from accounts.tests.factories import ProviderUserFactory
from providers.models import Category, Provider, Service, TimeOff, WorkingHours


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProviderFactory(factory.django.DjangoModelFactory):
    """An approved provider by default; pass status=Provider.Status.PENDING for a new one."""

    class Meta:
        model = Provider

    user = factory.SubFactory(ProviderUserFactory)
    shop_name = factory.Sequence(lambda n: f"Shop {n}")
    slug = factory.Sequence(lambda n: f"shop-{n}")
    category = factory.SubFactory(CategoryFactory)
    address = "12 MG Road"
    area = "Indiranagar"
    city = "Bengaluru"
    pincode = "560038"
    status = Provider.Status.APPROVED
    slot_step_minutes = 15
    capacity = 1
    min_notice_minutes = 0
    max_days_ahead = 30


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    provider = factory.SubFactory(ProviderFactory)
    service_name = factory.Sequence(lambda n: f"Service {n}")
    category = factory.SelfAttribute("provider.category")
    rate = Decimal("300.00")
    duration_minutes = 30


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    provider = factory.SubFactory(ProviderFactory)
    weekday = 0
    start_time = time(9)
    end_time = time(17)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    provider = factory.SubFactory(ProviderFactory)
    start_date = factory.Faker("date_this_year")
    end_date = factory.SelfAttribute("start_date")


def open_all_week(provider: Provider, start: time = time(9), end: time = time(17)) -> None:
    """Give ``provider`` the same hours every day of the week."""
    WorkingHours.objects.bulk_create(
        WorkingHours(provider=provider, weekday=d, start_time=start, end_time=end) for d in range(7)
    )


def image_upload(name: str = "shop.png", size=(64, 48), fmt: str = "PNG"):
    """A small valid image file as a browser would upload it."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (79, 70, 229)).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
