"""Access-matrix entries of the accounts API (tests/test_api_access_matrix.py)."""

from accounts.models import Device
from tests.api import Endpoint, Setup


def _own_device(user) -> Setup:
    device = Device.objects.create(user=user, device_id=f"{user.pk:032d}", user_agent="phone")
    return Setup(kwargs={"pk": device.pk})


ENDPOINTS = [
    Endpoint("auth-me", "GET", role="any"),
    Endpoint("devices-list", "GET", role="any"),
    Endpoint("devices-detail", "DELETE", role="any", arrange=_own_device, success=204),
]
