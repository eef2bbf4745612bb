import factory
from allauth.account.models import EmailAddress

from accounts.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose email is verified (allauth EmailAddress row included)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="en_IN")
    email = factory.Sequence(lambda n: f"user{n}@example.in")
    role = User.Role.CUSTOMER
    email_verified = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def email_address(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, verified=self.email_verified, primary=True
            )


class CustomerFactory(UserFactory):
    role = User.Role.CUSTOMER


class ProviderUserFactory(UserFactory):
    role = User.Role.PROVIDER


class StaffFactory(UserFactory):
    role = User.Role.ADMIN
    is_staff = True
    is_superuser = True


def login_verified_staff(client, user=None, **kwargs):
    """Sign ``client`` in as staff whose session has passed two-factor (django-otp's session
    key set to a confirmed authenticator). Makes a superuser unless ``user`` is given."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = user or StaffFactory(**kwargs)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user
