"""Who may see a customer's or a provider's private data: the customer, that provider, or
staff who have passed their second factor in this session. One rule, used by every view that
shows such data (bookings, their calendar files and invoices, wallet invoices)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class SecondFactorRequired(Exception):
    """A staff member reached someone's data without passing two-factor in this session."""


def staff_second_factor_passed(user) -> bool:
    """Staff whose session has passed OTP (or OTP is relaxed for local demo use)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if not settings.ADMIN_OTP_REQUIRED:
        return True
    is_verified = getattr(user, "is_verified", None)  # set by django_otp's middleware
    return bool(is_verified and is_verified())


def check_private_access(user, *, customer_id: int | None, provider_user_id: int | None) -> None:
    """Return if ``user`` is the customer, the provider's owner, or staff past their second
    factor; raise SecondFactorRequired for staff who have not passed it, Http404 for anyone
    else (so ids of other people's data reveal nothing)."""
    if not user.is_authenticated:
        raise Http404
    if customer_id is not None and customer_id == user.pk:
        return
    if provider_user_id is not None and provider_user_id == user.pk:
        return
    if user.is_staff:
        if staff_second_factor_passed(user):
            return
        raise SecondFactorRequired
    raise Http404


def second_factor_redirect(request: HttpRequest) -> HttpResponse:
    """Send staff to enter their code (or, without an authenticator, to set one up)."""
    from .services import user_has_two_factor

    if user_has_two_factor(request.user):
        target = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:otp_verify')}?{target}")
    messages.warning(request, _("Set up two-factor authentication to use staff pages."))
    return redirect("accounts:two_factor")


def private_data_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a view that calls check_private_access: staff without their second factor are
    sent to the code step instead of getting the page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SecondFactorRequired:
            return second_factor_redirect(request)

    return wrapper
