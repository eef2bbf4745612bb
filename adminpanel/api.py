"""JSON API of the staff pages (mounted under /api/v1/ by config): the approval queue,
blocking users and the reports. Staff need a token that passed their second factor and the
page's role permission (``adminpanel.roles``); decisions go through the same services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts import services as account_services
from accounts.models import User
from accounts.permissions import IsStaffWithOTP
from config.api import paged
from providers import services as provider_services
from providers.api import ApiView, DomainProblem, errors, paginate
from providers.models import Provider

from . import reports, roles
from .serializers import (
    BlockSerializer,
    PendingProviderSerializer,
    ProviderDecisionSerializer,
    RejectSerializer,
    ReportQuerySerializer,
    ReportSerializer,
    UserStateSerializer,
    plain,
)


class HasStaffRole(BasePermission):
    """The view's ``permission_required`` (a role's permission), as on the staff pages."""

    message = _("Your staff role does not include this.")

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(view.permission_required)


STAFF = [IsStaffWithOTP, HasStaffRole]


class PendingProvidersView(ApiView):
    permission_classes = STAFF
    permission_required = roles.REVIEW_PROVIDER

    @extend_schema(
        operation_id="admin_providers_pending",
        summary="Shops waiting for approval, oldest first",
        responses={200: paged(PendingProviderSerializer), **errors(401, 403)},
    )
    def get(self, request):
        return paginate(
            request,
            self,
            reports.pending_providers(),
            PendingProviderSerializer,
            ordering=("created_at", "id"),
        )


def _provider_problem(exc: provider_services.ProviderError) -> DomainProblem:
    return DomainProblem(exc.message, status=409, code=type(exc).__name__)


class ProviderApproveView(ApiView):
    permission_classes = STAFF
    permission_required = roles.REVIEW_PROVIDER

    @extend_schema(
        operation_id="admin_providers_approve",
        summary="Approve a shop (it becomes public; the owner is emailed)",
        request=None,
        responses={200: ProviderDecisionSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        provider = get_object_or_404(Provider, pk=pk)
        try:
            provider = provider_services.provider_approve(provider=provider, actor=request.user)
        except provider_services.ProviderError as exc:
            raise _provider_problem(exc) from exc
        return Response(ProviderDecisionSerializer(provider).data)


class ProviderRejectView(ApiView):
    permission_classes = STAFF
    permission_required = roles.REVIEW_PROVIDER

    @extend_schema(
        operation_id="admin_providers_reject",
        summary="Reject a shop with a reason the owner is emailed",
        request=RejectSerializer,
        responses={200: ProviderDecisionSerializer, **errors(400, 401, 403, 404, 409)},
        examples=[
            OpenApiExample(
                "Reason", value={"reason": "Add the shop's street address."}, request_only=True
            )
        ],
    )
    def post(self, request, pk: int):
        provider = get_object_or_404(Provider, pk=pk)
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            provider = provider_services.provider_reject(
                provider=provider, actor=request.user, reason=body.validated_data["reason"]
            )
        except provider_services.ProviderError as exc:
            raise _provider_problem(exc) from exc
        return Response(ProviderDecisionSerializer(provider).data)


def _user_state(user: User) -> dict:
    return UserStateSerializer(user).data


class UserBlockView(ApiView):
    permission_classes = STAFF
    permission_required = roles.BLOCK_USER

    @extend_schema(
        operation_id="admin_users_block",
        summary="Block a user: no sign-in, every session and token ends",
        request=BlockSerializer,
        responses={200: UserStateSerializer, **errors(400, 401, 403, 404, 422)},
        examples=[
            OpenApiExample("Reason", value={"reason": "Repeated no-shows"}, request_only=True)
        ],
    )
    def post(self, request, pk: int):
        user = get_object_or_404(User, pk=pk)
        body = BlockSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            user = account_services.user_block(
                user=user, actor=request.user, reason=body.validated_data["reason"]
            )
        except account_services.BlockRefused as exc:
            raise DomainProblem(str(exc), status=422, code="BlockRefused") from exc
        return Response(_user_state(user))


class UserUnblockView(ApiView):
    permission_classes = STAFF
    permission_required = roles.BLOCK_USER

    @extend_schema(
        operation_id="admin_users_unblock",
        summary="Unblock a user",
        request=None,
        responses={200: UserStateSerializer, **errors(401, 403, 404)},
    )
    def post(self, request, pk: int):
        user = get_object_or_404(User, pk=pk)
        user = account_services.user_unblock(user=user, actor=request.user)
        return Response(_user_state(user))


class ReportView(ApiView):
    permission_classes = STAFF
    permission_required = roles.VIEW_REPORTS

    @extend_schema(
        operation_id="admin_reports",
        summary="The dashboard's report for a period",
        parameters=[ReportQuerySerializer],
        responses={200: ReportSerializer, **errors(400, 401, 403)},
    )
    def get(self, request):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        report = reports.build_report(reports.DateRange(data["date_from"], data["date_to"]))
        return Response(
            {
                "date_from": report.range.start.isoformat(),
                "date_to": report.range.end.isoformat(),
                "bookings": plain(report.bookings),
                "revenue": plain(report.revenue),
                "people": plain(report.people),
                "daily": plain(report.daily),
                "top_providers": plain(report.top_providers),
                "top_categories": plain(report.top_categories),
            }
        )


urlpatterns = [
    path(
        "admin/providers/pending/", PendingProvidersView.as_view(), name="admin-providers-pending"
    ),
    path(
        "admin/providers/<int:pk>/approve/",
        ProviderApproveView.as_view(),
        name="admin-providers-approve",
    ),
    path(
        "admin/providers/<int:pk>/reject/",
        ProviderRejectView.as_view(),
        name="admin-providers-reject",
    ),
    path("admin/users/<int:pk>/block/", UserBlockView.as_view(), name="admin-users-block"),
    path("admin/users/<int:pk>/unblock/", UserUnblockView.as_view(), name="admin-users-unblock"),
    path("admin/reports/", ReportView.as_view(), name="admin-reports"),
]
