"""Who may call an API endpoint, by role. Objects of other people are hidden by the views'
querysets (404), not by these (403 means "this kind of account never may")."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .access import staff_second_factor_passed
from .models import User


class IsCustomer(BasePermission):
    message = _("This is for customer accounts.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role == User.Role.CUSTOMER)


class IsProvider(BasePermission):
    message = _("This is for service provider accounts.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role == User.Role.PROVIDER)


class IsStaffWithOTP(BasePermission):
    """Staff whose token came from a sign-in that passed the second factor (the ``otp`` claim;
    ADMIN_OTP_REQUIRED off relaxes it for local demo use only, as for /admin/)."""

    message = _(
        "Staff endpoints need a sign-in with your two-factor code. Sign in again with the code."
    )

    def has_permission(self, request, view) -> bool:
        return staff_second_factor_passed(request.user)
