"""Staff pages: the dashboard with its reports and approval queue, fraud review, audit trail."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import second_factor_redirect, staff_second_factor_passed
from providers import services as provider_services
from providers.models import Provider

from . import exports, reports, roles
from .forms import (
    AuditFilterForm,
    DateRangeForm,
    FlagFilterForm,
    FlagReviewForm,
    RejectProviderForm,
)
from .models import FraudFlag
from .services import FlagError, flag_block_user, flag_dismiss, flag_mark_actioned


class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """The same gate as /admin/: visitors are sent to log in, signed-in users who are not staff
    get 403, staff must have passed two-factor this session when ADMIN_OTP_REQUIRED, and then
    hold the view's permission (adminpanel.roles); staff without it get 403."""

    raise_exception = False
    permission_required: str = ""

    def test_func(self) -> bool:
        user = self.request.user
        return user.is_staff and user.has_perm(self.permission_required)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_staff and not staff_second_factor_passed(user):
            return second_factor_redirect(request)
        return super().dispatch(request, *args, **kwargs)


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- Dashboard and reports -----------------------------------------------------------------


class DashboardView(StaffRequiredMixin, TemplateView):
    permission_required = roles.VIEW_REPORTS
    template_name = "adminpanel/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DateRangeForm(self.request.GET or None)
        rng = form.date_range if self.request.GET else reports.DateRange.last_days()
        report = reports.build_report(rng)
        context.update(
            form=form,
            report=report,
            chart_data=_chart_data(report),
            pending=list(reports.pending_providers()[:20]),
            renames=(
                list(Provider.objects.exclude(pending_shop_name="").order_by("updated_at")[:20])
                if self.request.user.has_perm(roles.REVIEW_PROVIDER)
                else []
            ),
            reject_form=RejectProviderForm(),
            open_flags=FraudFlag.objects.filter(status=FraudFlag.Status.OPEN).count(),
            query=_range_query(rng),
            exports=[(name, title()) for name, (title, _table) in exports.TABLES.items()],
        )
        return context


def _range_query(rng: reports.DateRange) -> str:
    return f"date_from={rng.start.isoformat()}&date_to={rng.end.isoformat()}"


def _chart_data(report: reports.Report) -> dict:
    days = report.daily
    return {
        "labels": [d["day"].strftime("%d %b") for d in days],
        "bookings": {
            "confirmed": [d["confirmed"] for d in days],
            "completed": [d["completed"] for d in days],
            "pending": [d["pending"] for d in days],
            "cancelled": [d["cancelled"] for d in days],
            "no_show": [d["no_show"] for d in days],
        },
        "fees": [str(d["fees"]) for d in days],
        "topups": [str(d["topups"]) for d in days],
        "text": {
            "confirmed": _("Confirmed"),
            "completed": _("Completed"),
            "pending": _("Pending"),
            "cancelled": _("Cancelled"),
            "no_show": _("No-show"),
            "fees": _("Platform fees (₹)"),
            "topups": _("Top-ups (₹)"),
        },
    }


class ExportView(StaffRequiredMixin, View):
    """One report table as a CSV download, for the period in the query string."""

    permission_required = roles.EXPORT_REPORTS

    def get(self, request, name: str):
        if name not in exports.TABLES:
            raise Http404
        form = DateRangeForm(request.GET or None)
        if request.GET and not form.is_valid():
            return HttpResponse(
                " ".join(form.non_field_errors() or [_("Enter valid dates.")]),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        rng = form.date_range
        report = reports.build_report(rng)
        out = io.StringIO()
        exports.write_csv(report, name, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"bookmytoken-{name}-{rng.start.isoformat()}-{rng.end.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- Approval queue ------------------------------------------------------------------------


class ProviderApproveView(StaffRequiredMixin, View):
    permission_required = roles.REVIEW_PROVIDER
    http_method_names = ["post"]

    def post(self, request, pk: int):
        provider = get_object_or_404(Provider, pk=pk)
        try:
            provider_services.provider_approve(provider=provider, actor=request.user)
        except provider_services.ProviderError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(shop)s is approved and now public.") % {"shop": provider.shop_name}
            )
        return redirect(_back(request, reverse("adminpanel:dashboard")))


class ProviderRejectView(StaffRequiredMixin, View):
    permission_required = roles.REVIEW_PROVIDER
    template_name = "adminpanel/provider_reject.html"

    def get(self, request, pk: int):
        provider = get_object_or_404(Provider.objects.select_related("user", "category"), pk=pk)
        return render(
            request, self.template_name, {"provider": provider, "form": RejectProviderForm()}
        )

    def post(self, request, pk: int):
        provider = get_object_or_404(Provider.objects.select_related("user", "category"), pk=pk)
        form = RejectProviderForm(request.POST)
        if not form.is_valid():
            return render(
                request, self.template_name, {"provider": provider, "form": form}, status=400
            )
        try:
            provider_services.provider_reject(
                provider=provider, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except provider_services.ProviderError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(shop)s was rejected; the provider was emailed the reason.")
                % {"shop": provider.shop_name},
            )
        return redirect(reverse("adminpanel:dashboard"))


class ProviderNameApproveView(StaffRequiredMixin, View):
    """A listed shop's new name becomes its public name."""

    http_method_names = ["post"]
    permission_required = roles.REVIEW_PROVIDER

    def post(self, request, pk: int):
        provider = get_object_or_404(Provider, pk=pk)
        try:
            provider_services.provider_name_approve(provider=provider, actor=request.user)
        except provider_services.ProviderError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The shop is now called %(shop)s.") % {"shop": provider.shop_name}
            )
        return redirect(reverse("adminpanel:dashboard") + "#renames")


class ProviderNameRejectView(StaffRequiredMixin, View):
    """A listed shop keeps its approved name."""

    http_method_names = ["post"]
    permission_required = roles.REVIEW_PROVIDER

    def post(self, request, pk: int):
        provider = get_object_or_404(Provider, pk=pk)
        provider_services.provider_name_reject(provider=provider, actor=request.user)
        messages.success(
            request, _("%(shop)s keeps its current name.") % {"shop": provider.shop_name}
        )
        return redirect(reverse("adminpanel:dashboard") + "#renames")


# --- Fraud review --------------------------------------------------------------------------


class FraudListView(StaffRequiredMixin, TemplateView):
    permission_required = roles.VIEW_FRAUD
    template_name = "adminpanel/fraud_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET.copy()
        if "status" not in data:
            data["status"] = FraudFlag.Status.OPEN
        form = FlagFilterForm(data)
        flags = FraudFlag.objects.select_related("user", "provider", "reviewer")
        if form.is_valid():
            if form.cleaned_data["status"]:
                flags = flags.filter(status=form.cleaned_data["status"])
            if form.cleaned_data["rule"]:
                flags = flags.filter(rule=form.cleaned_data["rule"])
        page = Paginator(flags, self.paginate_by).get_page(self.request.GET.get("page"))
        counts = FraudFlag.objects.aggregate(
            **{status.value: Count("id", filter=Q(status=status)) for status in FraudFlag.Status}
        )
        context.update(
            form=form,
            page=page,
            counts=counts,
            review_form=FlagReviewForm(),
            querystring=_without_page(self.request),
        )
        return context


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class FraudReviewView(StaffRequiredMixin, View):
    permission_required = roles.REVIEW_FRAUD
    http_method_names = ["post"]

    def post(self, request, pk: int):
        flag = get_object_or_404(FraudFlag, pk=pk)
        form = FlagReviewForm(request.POST)
        fallback = reverse("adminpanel:fraud")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(_back(request, fallback))
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        if action == FlagReviewForm.BLOCK and not request.user.has_perm(roles.BLOCK_USER):
            raise PermissionDenied
        try:
            if action == FlagReviewForm.BLOCK:
                flag = flag_block_user(flag=flag, reviewer=request.user, reason=note)
                messages.success(
                    request,
                    _("%(user)s is blocked and signed out.") % {"user": flag.user.email},
                )
            elif action == FlagReviewForm.ACTIONED:
                flag_mark_actioned(flag=flag, reviewer=request.user, note=note)
                messages.success(request, _("Flag marked as actioned."))
            else:
                flag_dismiss(flag=flag, reviewer=request.user, note=note)
                messages.success(request, _("Flag dismissed."))
        except FlagError as exc:
            messages.error(request, exc.message)
        return redirect(_back(request, fallback))


# --- Audit trail ---------------------------------------------------------------------------


class AuditLogView(StaffRequiredMixin, TemplateView):
    permission_required = roles.VIEW_AUDIT
    template_name = "adminpanel/audit_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        entries = LogEntry.objects.select_related("actor", "content_type").order_by(
            "-timestamp", "-id"
        )
        if form.is_bound and form.is_valid():
            entries = _filter_entries(entries, form.cleaned_data)
        page = Paginator(entries, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(form=form, page=page, querystring=_without_page(self.request))
        return context


def _filter_entries(entries, data: dict):
    if data["actor"]:
        term = data["actor"].strip()
        entries = entries.filter(
            Q(actor__email__icontains=term)
            | Q(actor__name__icontains=term)
            | Q(actor_email__icontains=term)
        )
    if data["model"]:
        entries = entries.filter(content_type=data["model"])
    if data["action"] is not None:
        entries = entries.filter(action=data["action"])
    if data["date_from"]:
        since = timezone.make_aware(datetime.combine(data["date_from"], time.min))
        entries = entries.filter(timestamp__gte=since)
    if data["date_to"]:
        until = timezone.make_aware(datetime.combine(data["date_to"] + timedelta(days=1), time.min))
        entries = entries.filter(timestamp__lt=until)
    return entries
