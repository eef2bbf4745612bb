"""Two shops with the same name signing up at the same moment both get a unique slug."""

import threading

import pytest
from django.db import connection

from accounts.tests.factories import ProviderUserFactory
from providers.models import Provider
from providers.services import provider_onboard
from providers.tests.factories import CategoryFactory


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_simultaneous_onboarding_with_the_same_name_gets_distinct_slugs():
    category = CategoryFactory()
    users = [ProviderUserFactory() for _ in range(4)]
    barrier = threading.Barrier(len(users))
    errors: list[Exception] = []

    def onboard(user):
        try:
            barrier.wait(timeout=10)
            provider_onboard(
                user=user,
                shop_name="Lakshmi Beauty Parlour",
                category=category,
                address="7 Temple Street",
                area="Mylapore",
                city="Chennai",
                pincode="600004",
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=onboard, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    slugs = list(Provider.objects.values_list("slug", flat=True))
    assert len(slugs) == 4 == len(set(slugs))
    assert all(s.startswith("lakshmi-beauty-parlour") for s in slugs)
