"""Which notifications a customer or a provider gets, by email and by push (per kind)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import push
from accounts import selectors as account_selectors
from accounts import services as account_services

from ..forms import NotificationPreferencesForm
from ..notifications import kinds_for_user


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    kinds = kinds_for_user(request.user)
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST, kinds=kinds)
        if form.is_valid():
            account_services.notification_preferences_set(user=request.user, choices=form.choices())
            messages.success(request, _("Your notification choices are saved."))
            return redirect("bookings:notification_preferences")
    else:
        channels = account_selectors.notification_channels(user=request.user, kinds=kinds)
        form = NotificationPreferencesForm(
            initial=NotificationPreferencesForm.initial_from(channels), kinds=kinds
        )
    return render(
        request,
        "bookings/notification_preferences.html",
        {"form": form, "push_available": push.push_configured()},
    )
