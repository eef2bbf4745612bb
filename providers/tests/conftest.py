import pytest

from accounts.tests.factories import CustomerFactory, ProviderUserFactory, StaffFactory
from providers.tests.factories import CategoryFactory, ProviderFactory


@pytest.fixture
def category(db):
    return CategoryFactory(name="Salon & Spa", slug="salon-spa")


@pytest.fixture
def provider(db, category):
    """An approved provider with a 15-minute slot step."""
    return ProviderFactory(category=category, shop_name="Priya's Studio", slug="priyas-studio")


@pytest.fixture
def pending_provider(db, category):
    return ProviderFactory(category=category, status="pending")


@pytest.fixture
def other_provider(db, category):
    return ProviderFactory(category=category, shop_name="Other Shop", slug="other-shop")


@pytest.fixture
def customer(db):
    return CustomerFactory()


@pytest.fixture
def new_provider_user(db):
    """A provider account that has not set up its shop yet."""
    return ProviderUserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def provider_client(client, provider):
    client.force_login(provider.user)
    return client
