"""Access-matrix entries of the bookings API: public search and availability, the customer's
bookings, the provider's bookings (tests/test_api_access_matrix.py)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from bookings import services
from bookings.models import Appointment
from bookings.tests.factories import AppointmentFactory
from providers.tests.factories import ProviderFactory, ServiceFactory, open_all_week
from tests.api import Endpoint, Setup
from wallet.tests.factories import fund

BOOK_AT = time(10)


def book_day():
    """A day comfortably inside the test shops' horizon, whatever the real clock says."""
    return timezone.localdate() + timedelta(days=3)


def open_shop(owner=None, **kwargs):
    """An approved shop open 08:00–20:00 every day, with one 30-minute service and money for
    fees; ``owner`` (a provider user) gets it."""
    extra = {"user": owner} if owner is not None else {}
    shop = ProviderFactory(
        slot_step_minutes=15, min_notice_minutes=0, max_days_ahead=60, **extra, **kwargs
    )
    open_all_week(shop, start=time(8), end=time(20))
    service = ServiceFactory(provider=shop, duration_minutes=30)
    fund(shop, "500.00")
    return shop, service


def booking_of(customer, **kwargs):
    _shop, service = open_shop()
    return services.appointment_book(
        customer=customer, service=service, booking_date=book_day(), slot_time=BOOK_AT, **kwargs
    )


def _listed_shop(_user) -> Setup:
    open_shop()
    return Setup(query={"sort": "price"})


def _public_shop(_user) -> Setup:
    shop, _service = open_shop()
    return Setup(kwargs={"provider_id": shop.pk})


def _public_service(query):
    def arrange(_user) -> Setup:
        shop, service = open_shop()
        return Setup(kwargs={"provider_id": shop.pk, "service_id": service.pk}, query=query())

    return arrange


def _new_booking(_user) -> Setup:
    _shop, service = open_shop()
    return Setup(
        data={"service": service.pk, "date": book_day().isoformat(), "slot": "10:00"},
        headers={"Idempotency-Key": "matrix-key-1"},
    )


def _own_booking(data=None):
    def arrange(user) -> Setup:
        return Setup(kwargs={"pk": booking_of(user).pk}, data=data() if data else None)

    return arrange


def _shop_of(user) -> Setup:
    open_shop(owner=user)
    return Setup()


def _shop_booking(status=Appointment.Status.PENDING, past=False, data=None):
    def arrange(user) -> Setup:
        shop, service = open_shop(owner=user)
        day = timezone.localdate() - timedelta(days=1) if past else book_day()
        appointment = AppointmentFactory(
            service=service, booking_date=day, slot_time=BOOK_AT, status=status
        )
        return Setup(kwargs={"pk": appointment.pk}, data=data)

    return arrange


def walk_in_slot(shop) -> str:
    """The slot in progress now on the shop's grid (a walk-in's time)."""
    now = timezone.localtime()
    minutes = now.hour * 60 + now.minute
    minutes -= minutes % shop.slot_step_minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def counter_shop(owner):
    """A shop open all day long with 5-minute services, for walk-ins at any real time."""
    shop = ProviderFactory(user=owner, slot_step_minutes=5, min_notice_minutes=0)
    open_all_week(shop, start=time(0), end=time(23, 59))
    service = ServiceFactory(provider=shop, duration_minutes=5)
    fund(shop, "500.00")
    return shop, service


def _walk_in(user) -> Setup:
    shop, service = counter_shop(user)
    return Setup(data={"service": service.pk, "name": "Ravi", "slot": walk_in_slot(shop)})


def _queue_waiting(user) -> Setup:
    shop, service = counter_shop(user)
    services.walk_in_book(
        provider=shop, service=service, name="Ravi", slot_time=_time(walk_in_slot(shop)), actor=user
    )
    return Setup()


def _time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


ENDPOINTS = [
    # Public: search and a shop's pages (no token needed).
    Endpoint("providers-list", "GET", role=None, anonymous=None, arrange=_listed_shop),
    Endpoint("providers-detail", "GET", role=None, anonymous=None, arrange=_public_shop),
    Endpoint("providers-services", "GET", role=None, anonymous=None, arrange=_public_shop),
    Endpoint(
        "providers-availability",
        "GET",
        role=None,
        anonymous=None,
        arrange=_public_service(lambda: {"month": f"{book_day():%Y-%m}"}),
    ),
    Endpoint(
        "providers-slots",
        "GET",
        role=None,
        anonymous=None,
        arrange=_public_service(lambda: {"date": book_day().isoformat()}),
    ),
    # The customer's side: any signed-in account books and sees its own bookings.
    Endpoint("bookings-list", "GET", role="any"),
    Endpoint("bookings-list", "POST", role="any", arrange=_new_booking, success=201),
    Endpoint("bookings-detail", "GET", role="any", arrange=_own_booking()),
    Endpoint("bookings-cancel", "POST", role="any", arrange=_own_booking(lambda: {"reason": ""})),
    Endpoint(
        "bookings-reschedule",
        "POST",
        role="any",
        arrange=_own_booking(lambda: {"date": book_day().isoformat(), "slot": "11:00"}),
    ),
    Endpoint("bookings-ics", "GET", role="any", arrange=_own_booking()),
    Endpoint("bookings-queue", "GET", role="any", arrange=_own_booking()),
    # The provider's side.
    Endpoint(
        "provider-bookings-list", "GET", role="provider", wrong_role="customer", arrange=_shop_of
    ),  # fmt: skip
    Endpoint(
        "provider-bookings-confirm",
        "POST",
        role="provider",
        wrong_role="customer",
        arrange=_shop_booking(),
    ),  # fmt: skip
    Endpoint(
        "provider-bookings-complete",
        "POST",
        role="provider",
        wrong_role="customer",
        arrange=_shop_booking(Appointment.Status.CONFIRMED, past=True),
    ),  # fmt: skip
    Endpoint(
        "provider-bookings-no-show",
        "POST",
        role="provider",
        wrong_role="customer",
        arrange=_shop_booking(Appointment.Status.CONFIRMED, past=True),
    ),  # fmt: skip
    Endpoint(
        "provider-bookings-cancel",
        "POST",
        role="provider",
        wrong_role="customer",
        arrange=_shop_booking(data={"reason": "Closed for repairs"}),
    ),  # fmt: skip
    Endpoint(
        "provider-walk-ins",
        "POST",
        role="provider",
        wrong_role="customer",
        arrange=_walk_in,
        success=201,
    ),  # fmt: skip
    Endpoint(
        "provider-queue-call-next",
        "POST",
        role="provider",
        wrong_role="customer",
        arrange=_queue_waiting,
    ),  # fmt: skip
]
