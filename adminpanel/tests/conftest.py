import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.tests.factories import CustomerFactory, StaffFactory


@pytest.fixture
def staff(db):
    return StaffFactory(name="Asha Admin", email="asha@staff.example.in")


@pytest.fixture
def staff_client(client, staff):
    """A staff member signed in who passed two-factor this session (as /admin/ requires)."""
    device = StaticDevice.objects.create(user=staff, name="backup")
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def customer_client(client, db):
    client.force_login(CustomerFactory())
    return client
