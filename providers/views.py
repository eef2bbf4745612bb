"""Provider portal pages: onboarding, profile, booking settings, services, hours, time off."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from .forms import (
    BookingSettingsForm,
    ProviderProfileForm,
    ServiceForm,
    TimeOffForm,
    WeekForms,
)
from .mixins import ProviderRequiredMixin
from .models import Provider, Service, TimeOff
from .selectors import (
    provider_for_user,
    provider_services,
    upcoming_time_off,
    working_hours_by_weekday,
)
from .services import (
    PROFILE_FIELDS,
    DurationNotOnStep,
    OverlappingHours,
    OverlappingTimeOff,
    ProviderError,
    provider_onboard,
    provider_update_booking_settings,
    provider_update_profile,
    service_create,
    service_deactivate,
    service_delete,
    service_reactivate,
    service_update,
    time_off_create,
    time_off_delete,
    working_hours_set_week,
)

DASHBOARD_URL = reverse_lazy("bookings:dashboard")


class OnboardingView(LoginRequiredMixin, FormView):
    """A newly signed-up provider describes the shop; it then waits for approval."""

    template_name = "providers/onboarding.html"
    form_class = ProviderProfileForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if not getattr(user, "is_provider", False):
                raise PermissionDenied(_("Only business accounts can list a shop."))
            if provider_for_user(user) is not None:
                messages.info(request, _("Your shop is already set up."))
                return redirect(DASHBOARD_URL)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = {f: form.cleaned_data.get(f) for f in PROFILE_FIELDS}
        data["photo"] = data["photo"] or None
        data["phone"] = data["phone"] or ""
        try:
            provider_onboard(user=self.request.user, **data)
        except ProviderError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Welcome aboard! Your shop is waiting for approval. Meanwhile, add your services "
                "and working hours."
            ),
        )
        return redirect(DASHBOARD_URL)


class ProfileView(ProviderRequiredMixin, FormView):
    template_name = "providers/profile_form.html"
    form_class = ProviderProfileForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A separate copy, so a rejected edit never leaks into the page header and banner.
        kwargs["instance"] = Provider.objects.get(pk=self.provider.pk)
        return kwargs

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in PROFILE_FIELDS}
        if data.get("photo") is False:
            data["photo"] = ""
        was_rejected = self.provider.status == Provider.Status.REJECTED
        try:
            provider_update_profile(provider=self.provider, data=data)
        except ProviderError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if was_rejected:
            messages.success(self.request, _("Profile saved and sent back to our team for review."))
        elif "shop_name" in data and self.provider.pending_shop_name:
            messages.success(
                self.request,
                _("Profile saved. Your new name shows once our team has reviewed it."),
            )
        else:
            messages.success(self.request, _("Profile saved."))
        return redirect("providers:profile")


class BookingSettingsView(ProviderRequiredMixin, FormView):
    template_name = "providers/booking_settings.html"
    form_class = BookingSettingsForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Provider.objects.get(pk=self.provider.pk)
        return kwargs

    def form_valid(self, form):
        try:
            provider_update_booking_settings(
                provider=self.provider, **{f: form.cleaned_data[f] for f in form.Meta.fields}
            )
        except DurationNotOnStep as exc:
            form.add_error("slot_step_minutes", exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Booking settings saved."))
        return redirect("providers:settings")


# --- Services -------------------------------------------------------------------------------


class ServiceListView(ProviderRequiredMixin, TemplateView):
    template_name = "providers/service_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        services = list(provider_services(self.provider))
        context["active_services"] = [s for s in services if s.is_active]
        context["inactive_services"] = [s for s in services if not s.is_active]
        return context


class ServiceFormMixin(ProviderRequiredMixin):
    template_name = "providers/service_form.html"
    form_class = ServiceForm
    service = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["provider"] = self.provider
        if self.service is not None:
            kwargs["instance"] = Service.objects.get(pk=self.service.pk)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["service"] = self.service
        return context


class ServiceCreateView(ServiceFormMixin, FormView):
    def form_valid(self, form):
        try:
            service = service_create(provider=self.provider, **form.cleaned_data)
        except ProviderError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("“%(name)s” added.") % {"name": service.service_name})
        return redirect("providers:services")


class ServiceUpdateView(ServiceFormMixin, FormView):
    def get(self, request, *args, **kwargs):
        self.service = _own_service(self)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.service = _own_service(self)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            service_update(service=self.service, data=data)
        except ProviderError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("“%(name)s” saved.") % {"name": self.service.service_name})
        return redirect("providers:services")


def _own_service(view) -> Service:
    return get_object_or_404(
        Service.objects.select_related("provider"), pk=view.kwargs["pk"], provider=view.provider
    )


class ServiceActionView(ProviderRequiredMixin, View):
    """POST-only buttons on the services list: deactivate, reactivate, delete."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, *args, **kwargs):
        service = _own_service(self)
        name = service.service_name
        if self.action == "deactivate":
            service_deactivate(service=service)
            messages.success(
                request,
                _("“%(name)s” is hidden from customers. Existing bookings stay.") % {"name": name},
            )
        elif self.action == "reactivate":
            try:
                service_reactivate(service=service)
            except ProviderError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("“%(name)s” is bookable again.") % {"name": name})
        elif self.action == "delete":
            if service_delete(service=service):
                messages.success(request, _("“%(name)s” deleted.") % {"name": name})
            else:
                messages.info(
                    request,
                    _("“%(name)s” has bookings, so it was deactivated instead of deleted.")
                    % {"name": name},
                )
        return redirect("providers:services")


# --- Availability ---------------------------------------------------------------------------


class HoursView(ProviderRequiredMixin, TemplateView):
    """The whole week on one page: several intervals per day, breaks between them."""

    template_name = "providers/hours_form.html"

    def get(self, request, *args, **kwargs):
        week = WeekForms(week=working_hours_by_weekday(self.provider))
        return self.render_to_response(self.get_context_data(week=week))

    def post(self, request, *args, **kwargs):
        week = WeekForms(request.POST)
        if week.is_valid():
            try:
                working_hours_set_week(provider=self.provider, week=week.week())
            except OverlappingHours as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Working hours saved."))
                return redirect("providers:hours")
        else:
            messages.error(request, _("Some hours need fixing; see the highlighted days."))
        return self.render_to_response(self.get_context_data(week=week), status=200)


class TimeOffView(ProviderRequiredMixin, FormView):
    template_name = "providers/time_off.html"
    form_class = TimeOffForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = upcoming_time_off(self.provider, today=timezone.localdate())
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            time_off_create(
                provider=self.provider,
                start_date=data["start_date"],
                end_date=data["end_date"],
                open_time=data["open_time"],
                close_time=data["close_time"],
                reason=data["reason"],
            )
        except OverlappingTimeOff as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Time off added."))
        return redirect("providers:time_off")


class TimeOffDeleteView(ProviderRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = get_object_or_404(TimeOff, pk=kwargs["pk"], provider=self.provider)
        time_off_delete(time_off=entry)
        messages.success(request, _("Time off removed."))
        return redirect(reverse("providers:time_off"))
