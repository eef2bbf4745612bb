"""Access rules of the provider portal, shared with the bookings app's portal pages."""

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .selectors import provider_for_user


class ProviderRequiredMixin(AccessMixin):
    """Only a logged-in provider with a shop profile gets in; ``self.provider`` is that shop.

    Anonymous visitors go to the login page, customers and staff get 403, and a provider who
    has not set up a shop yet is sent to onboarding.
    """

    provider = None

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not getattr(user, "is_provider", False):
            raise PermissionDenied(_("This page is for businesses listed on BookMyToken."))
        self.provider = provider_for_user(user)
        if self.provider is None:
            messages.info(request, _("Tell us about your shop first."))
            return redirect("providers:onboarding")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provider"] = self.provider
        return context
