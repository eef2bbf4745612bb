from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from providers.models import WorkingHours
from providers.tests.factories import ProviderFactory, ServiceFactory

IST = ZoneInfo("Asia/Kolkata")
# Monday 7 December 2026, 07:00 in Bengaluru.
NOW = datetime(2026, 12, 7, 7, 0, tzinfo=IST)
MONDAY = NOW.date()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def provider(db):
    """Open Monday to Saturday 09:00–13:00 and 14:00–18:00 (lunch break); closed Sunday."""
    p = ProviderFactory(slot_step_minutes=30, capacity=1, min_notice_minutes=0, max_days_ahead=14)
    WorkingHours.objects.bulk_create(
        WorkingHours(provider=p, weekday=d, start_time=s, end_time=e)
        for d in range(6)
        for s, e in ((time(9), time(13)), (time(14), time(18)))
    )
    return p


@pytest.fixture
def service(provider):
    return ServiceFactory(provider=provider, duration_minutes=30)


from accounts.tests.push_service import push_service  # noqa: E402, F401 - loopback push service
