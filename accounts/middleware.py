from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class BlockedUserMiddleware:
    """End the session of a user who was blocked while logged in, at their next request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_blocked:
            logout(request)
            messages.error(request, _("Your account has been blocked. Contact support for help."))
            return redirect("account_login")
        return self.get_response(request)
