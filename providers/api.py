"""JSON API of the provider portal: profile, services, working hours and time off (mounted
under /api/v1/ by config), and the small API helpers the apps above reuse: the provider
permission, cursor paging of a selector's rows, domain errors as problems, documented error
responses. Changes go through ``providers.services`` only."""

from __future__ import annotations

from http import HTTPStatus

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsProvider as IsProviderAccount
from config.api import CursorPagination, paged

from . import services
from .models import Provider, TimeOff
from .selectors import (
    provider_for_user,
    provider_services,
    upcoming_time_off,
    working_hours_by_weekday,
)
from .serializers import (
    ProfileUpdateSerializer,
    ProviderProfileSerializer,
    ServiceSerializer,
    ServiceWriteSerializer,
    TimeOffCreateSerializer,
    TimeOffSerializer,
    WeekSerializer,
    week_shape,
)

# --- helpers shared by the apps' api modules ----------------------------------------------------


class DomainProblem(APIException):
    """A request the domain rules refuse (``SlotUnavailable``, ``InsufficientBalance``...),
    with the page's message, answered as a problem (config.api): 409 when it collides with
    the current state, 422 when the rules refuse it, 503 when a dependency is down."""

    status_code = 422
    default_code = "refused"

    def __init__(self, detail, *, status: int = 422, code: str = "refused") -> None:
        super().__init__(detail=str(detail), code=code)
        self.status_code = status


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details (application/problem+json), as config.api answers errors."""

    type = serializers.CharField(default="about:blank")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="A stable machine-readable word.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name → its messages (non_field_errors for the whole request).",
    )


PROBLEM_EXAMPLES = {
    400: ("invalid", "Some of what you sent needs correcting; see the fields."),
    401: ("not_authenticated", "Please sign in to continue."),
    403: ("permission_denied", "You do not have permission to see this page."),
    404: ("not_found", "We could not find that page."),
    409: ("SlotUnavailable", "That time was just taken. Please pick another slot."),
    422: ("BookingNotAllowed", "That date is in the past. Pick today or a later day."),
    503: ("gateway_unavailable", "The payment service is not answering right now."),
}


def errors(*codes: int) -> dict:
    """``extend_schema`` responses: the problem documents a view may answer with."""
    return {
        code: OpenApiResponse(
            response=ProblemSerializer,
            description=f"{HTTPStatus(code).phrase} (application/problem+json)",
            examples=[
                OpenApiExample(
                    f"{code} {PROBLEM_EXAMPLES[code][0]}",
                    value={
                        "type": "about:blank",
                        "title": HTTPStatus(code).phrase,
                        "status": code,
                        "detail": PROBLEM_EXAMPLES[code][1],
                        "code": PROBLEM_EXAMPLES[code][0],
                        "errors": {"date": ["Enter a date like 2026-01-31."]}
                        if code == 400
                        else {},
                    },
                    status_codes=[str(code)],
                    response_only=True,
                )
            ],
        )
        for code in codes
    }


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A one-time key (up to 64 letters, digits, '-' or '_'), new for each new request: the "
        "same request sent again with it (a retry) answers with the first result."
    ),
)


class CursorPage(CursorPagination):
    """The API's cursor paging (config.api) in the order the view gives: a selector's own
    order, unique by its last column."""

    def __init__(self, ordering: tuple[str, ...] | None = None) -> None:
        if ordering:
            self.ordering = ordering

    def get_ordering(self, request, queryset, view):
        return self.ordering


def paginate(request, view, rows, serializer_class, *, ordering: tuple[str, ...]) -> Response:
    paginator = CursorPage(ordering)
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(
        serializer_class(page, many=True, context={"request": request}).data
    )


class IsProvider(IsProviderAccount):
    """A business account with a shop profile (the portal's rule); 403 for everyone else,
    and for a business that has not described its shop yet. The shop is ``request.provider``."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        provider = provider_for_user(request.user)
        if provider is None:
            self.message = _("Tell us about your shop first.")
            return False
        request.provider = provider
        return True


# Integer ids in a path beyond what a database column holds are a 404: SQLite raises
# OverflowError on them, MySQL finds nothing. Every view of the apps' api modules is one.
MAX_ID = 2**63 - 1


class ApiView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any(isinstance(value, int) and value > MAX_ID for value in kwargs.values()):
            raise NotFound


# A view whose POST (only) counts against ``post_throttle_scope`` (config.api's scoped
# throttle), e.g. booking on a view whose GET lists bookings. (A comment, not a docstring:
# drf-spectacular would show a docstring as the description of the views' operations.)
class PostThrottleScope:
    post_throttle_scope = ""

    def get_throttles(self):
        self.throttle_scope = self.post_throttle_scope if self.request.method == "POST" else None
        return super().get_throttles()


def provider_of(request) -> Provider:
    return request.provider


# --- the provider's profile ------------------------------------------------------------------


class ProfileView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="provider_profile_retrieve",
        summary="My shop's profile and booking settings",
        responses={200: ProviderProfileSerializer, **errors(401, 403)},
    )
    def get(self, request):
        provider = provider_of(request)
        return Response(ProviderProfileSerializer(provider, context={"request": request}).data)

    @extend_schema(
        operation_id="provider_profile_update",
        summary="Change my shop's profile",
        description="Only the fields sent change. A listed shop's new name waits for review "
        "(`pending_shop_name`); a rejected shop that saves goes back to review. The photo is "
        "changed on the web portal.",
        request=ProfileUpdateSerializer,
        responses={200: ProviderProfileSerializer, **errors(400, 401, 403, 422)},
        examples=[
            OpenApiExample("New description", value={"description": "Haircuts"}, request_only=True)
        ],
    )
    def patch(self, request):
        provider = provider_of(request)
        body = ProfileUpdateSerializer(data=request.data, context={"provider": provider})
        body.is_valid(raise_exception=True)
        try:
            services.provider_update_profile(provider=provider, data=body.validated_data)
        except services.ProviderError as exc:
            raise DomainProblem(exc.message, code=type(exc).__name__) from exc
        fresh = Provider.objects.select_related("category").get(pk=provider.pk)
        return Response(ProviderProfileSerializer(fresh, context={"request": request}).data)


# --- services ----------------------------------------------------------------------------------


SERVICE_EXAMPLE = OpenApiExample(
    "A haircut",
    value={
        "service_name": "Haircut",
        "category": "salon",
        "rate": "250.00",
        "duration_minutes": 30,
        "description": "",
    },
    request_only=True,
)


class ServiceListView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="provider_services_list",
        summary="My services, active and inactive",
        responses={200: paged(ServiceSerializer), **errors(401, 403)},
    )
    def get(self, request):
        rows = provider_services(provider_of(request)).select_related("category")
        return paginate(request, self, rows, ServiceSerializer, ordering=("service_name", "pk"))

    @extend_schema(
        operation_id="provider_services_create",
        summary="Add a service",
        request=ServiceWriteSerializer,
        responses={201: ServiceSerializer, **errors(400, 401, 403, 422)},
        examples=[SERVICE_EXAMPLE],
    )
    def post(self, request):
        provider = provider_of(request)
        body = ServiceWriteSerializer(data=request.data, context={"provider": provider})
        body.is_valid(raise_exception=True)
        try:
            service = services.service_create(provider=provider, **body.validated_data)
        except services.ProviderError as exc:
            raise DomainProblem(exc.message, code=type(exc).__name__) from exc
        return Response(ServiceSerializer(service).data, status=status.HTTP_201_CREATED)


class ServiceDetailView(ApiView):
    permission_classes = [IsProvider]

    def _service(self, request, pk: int):
        return get_object_or_404(
            provider_services(provider_of(request)).select_related("provider", "category"), pk=pk
        )

    @extend_schema(
        operation_id="provider_services_retrieve",
        summary="One of my services",
        responses={200: ServiceSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(ServiceSerializer(self._service(request, pk)).data)

    @extend_schema(
        operation_id="provider_services_update",
        summary="Change a service (only the fields sent); is_active deactivates/reactivates",
        request=ServiceWriteSerializer,
        responses={200: ServiceSerializer, **errors(400, 401, 403, 404, 422)},
        examples=[OpenApiExample("New rate", value={"rate": "300.00"}, request_only=True)],
    )
    def patch(self, request, pk: int):
        service = self._service(request, pk)
        data = dict(request.data)
        active = data.pop("is_active", None)
        try:
            if data:
                body = ServiceWriteSerializer(
                    data=data,
                    context={"provider": provider_of(request), "instance": service},
                    partial=True,
                )
                body.is_valid(raise_exception=True)
                if body.validated_data:
                    services.service_update(service=service, data=body.validated_data)
            if active is True and not service.is_active:
                services.service_reactivate(service=service)
            elif active is False and service.is_active:
                services.service_deactivate(service=service)
        except services.ProviderError as exc:
            raise DomainProblem(exc.message, code=type(exc).__name__) from exc
        return Response(ServiceSerializer(self._service(request, pk)).data)

    @extend_schema(
        operation_id="provider_services_destroy",
        summary="Delete a service (one with bookings is deactivated instead: 200)",
        responses={
            204: None,
            200: OpenApiResponse(ServiceSerializer, description="Had bookings: deactivated"),
            **errors(401, 403, 404),
        },
    )
    def delete(self, request, pk: int):
        service = self._service(request, pk)
        if services.service_delete(service=service):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ServiceSerializer(self._service(request, pk)).data)


# --- hours and time off -------------------------------------------------------------------------


class HoursView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="provider_hours_retrieve",
        summary="My working week (several intervals a day; gaps are breaks)",
        responses={200: WeekSerializer, **errors(401, 403)},
    )
    def get(self, request):
        return Response(
            WeekSerializer(week_shape(working_hours_by_weekday(provider_of(request)))).data
        )

    @extend_schema(
        operation_id="provider_hours_update",
        summary="Replace my working week (a weekday left out is closed)",
        request=WeekSerializer,
        responses={200: WeekSerializer, **errors(400, 401, 403, 422)},
        examples=[
            OpenApiExample(
                "Mon with a lunch break",
                value={
                    "days": [
                        {
                            "weekday": 0,
                            "intervals": [
                                {"start_time": "09:00", "end_time": "13:00"},
                                {"start_time": "14:00", "end_time": "18:00"},
                            ],
                        }
                    ]
                },
                request_only=True,
            )
        ],
    )
    def put(self, request):
        provider = provider_of(request)
        body = WeekSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.working_hours_set_week(provider=provider, week=body.validated_data["week"])
        except services.ProviderError as exc:
            raise DomainProblem(exc.message, code=type(exc).__name__) from exc
        return Response(WeekSerializer(week_shape(working_hours_by_weekday(provider))).data)


class TimeOffListView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="provider_time_off_list",
        summary="My time off from today on",
        responses={200: paged(TimeOffSerializer), **errors(401, 403)},
    )
    def get(self, request):
        rows = upcoming_time_off(provider_of(request), today=timezone.localdate())
        return paginate(request, self, rows, TimeOffSerializer, ordering=("start_date", "pk"))

    @extend_schema(
        operation_id="provider_time_off_create",
        summary="Add days off, or days with special hours",
        request=TimeOffCreateSerializer,
        responses={201: TimeOffSerializer, **errors(400, 401, 403, 409)},
        examples=[
            OpenApiExample(
                "Diwali",
                value={"start_date": "2026-11-08", "end_date": "2026-11-09", "reason": "Diwali"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        provider = provider_of(request)
        body = TimeOffCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            entry = services.time_off_create(
                provider=provider,
                start_date=data["start_date"],
                end_date=data["end_date"],
                open_time=data["open_time"],
                close_time=data["close_time"],
                reason=data["reason"],
            )
        except services.OverlappingTimeOff as exc:
            raise DomainProblem(exc.message, status=409, code="OverlappingTimeOff") from exc
        return Response(TimeOffSerializer(entry).data, status=status.HTTP_201_CREATED)


class TimeOffDetailView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="provider_time_off_destroy",
        summary="Remove time off",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request, pk: int):
        entry = get_object_or_404(TimeOff, pk=pk, provider=provider_of(request))
        services.time_off_delete(time_off=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("provider/profile/", ProfileView.as_view(), name="provider-profile"),
    path("provider/services/", ServiceListView.as_view(), name="provider-services-list"),
    path(
        "provider/services/<int:pk>/", ServiceDetailView.as_view(), name="provider-services-detail"
    ),
    path("provider/hours/", HoursView.as_view(), name="provider-hours"),
    path("provider/time-off/", TimeOffListView.as_view(), name="provider-time-off-list"),
    path(
        "provider/time-off/<int:pk>/", TimeOffDetailView.as_view(), name="provider-time-off-detail"
    ),
]
