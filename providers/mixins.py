"""The one access rule of the provider portal, as a mixin (class views) and a decorator
(function views, e.g. the bookings app's portal pages)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import Provider
from .selectors import provider_for_user


def portal_provider(request: HttpRequest) -> Provider | HttpResponse:
    """The shop of a logged-in provider, or the response that turns everyone else away.

    Customers and staff get 403, and a provider who has not set up a shop yet is sent to
    onboarding. (Anonymous visitors are sent to log in by the caller, first.)
    """
    if not getattr(request.user, "is_provider", False):
        raise PermissionDenied(_("This page is for businesses listed on BookMyToken."))
    provider = provider_for_user(request.user)
    if provider is None:
        messages.info(request, _("Tell us about your shop first."))
        return redirect("providers:onboarding")
    return provider


class ProviderRequiredMixin(AccessMixin):
    """Only a logged-in provider with a shop profile gets in; ``self.provider`` is that shop."""

    provider = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        provider = portal_provider(request)
        if isinstance(provider, HttpResponse):
            return provider
        self.provider = provider
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provider"] = self.provider
        return context


def provider_required(view):
    """The same rule for a function view, which receives the shop as ``provider``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        provider = portal_provider(request)
        if isinstance(provider, HttpResponse):
            return provider
        return view(request, *args, provider=provider, **kwargs)

    return wrapper
