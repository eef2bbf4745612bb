"""JSON API of search, availability and bookings (mounted under /api/v1/ by config).

The views speak HTTP only: input is checked by the pages' forms (serializers), reads come from
``bookings.selectors``, changes from ``bookings.services``, so the API and the pages apply the
same rules with the same words. Public shop pages live here (not in providers) because search
and availability need the booking engine (DESIGN §3: a page is served by the highest app it
needs)."""

from __future__ import annotations

from datetime import date

from django.db.models import CharField, DateTimeField, Value
from django.db.models.functions import Cast, Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.access import SecondFactorRequired
from config.api import paged
from providers.api import (
    IDEMPOTENCY_KEY,
    ApiView,
    CursorPage,
    DomainProblem,
    IsProvider,
    PostThrottleScope,
    errors,
    paginate,
    provider_of,
)
from providers.models import Service
from providers.serializers import ServiceSerializer

from . import selectors, services
from .ics import appointment_ics
from .models import Appointment
from .serializers import (
    ActionSerializer,
    AvailabilitySerializer,
    BookingCreateSerializer,
    BookingDetailSerializer,
    BookingSerializer,
    CancelSerializer,
    CustomerBookingsQuerySerializer,
    DayQuerySerializer,
    MonthQuerySerializer,
    ProviderBookingsQuerySerializer,
    ProviderCardSerializer,
    ProviderPublicSerializer,
    QueueCallSerializer,
    QueueSerializer,
    RescheduleSerializer,
    SearchQuerySerializer,
    SlotsSerializer,
    WalkInSerializer,
)

# Domain errors: a state the request collides with is 409, a request the rules refuse is 422.
CONFLICTS = (services.SlotUnavailable, services.InvalidTransition, services.FeeNotPaid)


def booking_problem(exc: services.BookingError) -> DomainProblem:
    """The page's message for a refused booking request, as a problem; ``code`` names the
    refusal (``FeeNotPaid``: the app offers /wallet/add/)."""
    return DomainProblem(
        exc.message, status=409 if isinstance(exc, CONFLICTS) else 422, code=type(exc).__name__
    )


# --- search and a shop's page -----------------------------------------------------------------


class SearchPage(CursorPage):
    """Cursor paging in the search's own order (``selectors.search_providers``)."""

    orderings = {
        "name": ("shop_name", "pk"),
        "price": ("min_rate", "shop_name", "pk"),
        # next_free_at nulls last, as the page sorts: a far-future stand-in keeps the cursor
        # comparable.
        "soonest": ("soonest_at", "shop_name", "pk"),
    }

    def get_ordering(self, request, queryset, view):
        return self.orderings[view.sort]


FAR_FUTURE = timezone.make_aware(timezone.datetime(9999, 1, 1))


class ProviderSearchView(ApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="providers_search",
        summary="Search approved shops",
        parameters=[SearchQuerySerializer],
        responses={200: paged(ProviderCardSerializer), **errors(400)},
        examples=[
            OpenApiExample(
                "Salons in Pune, cheapest first",
                value={"category": "salon", "city": "Pune", "sort": "price"},
                request_only=True,
            )
        ],
    )
    def get(self, request):
        query = SearchQuerySerializer(
            data=request.query_params, context={"choices": selectors.search_choices()}
        )
        query.is_valid(raise_exception=True)
        params = selectors.SearchParams(**query.validated_data)
        self.sort = params.sort
        rows = selectors.search_providers(params)
        if params.sort == "soonest":
            # As text (a fixed-width UTC timestamp sorts as it reads): DRF's cursor carries the
            # position as a string, which MySQL will not compare with a computed datetime.
            soonest = Coalesce("next_free_at", Value(FAR_FUTURE, output_field=DateTimeField()))
            rows = rows.annotate(soonest_at=Cast(soonest, output_field=CharField()))
        paginator = SearchPage()
        page = paginator.paginate_queryset(rows, request, view=self)
        selectors.with_next_free(page)
        return paginator.get_paginated_response(
            ProviderCardSerializer(page, many=True, context={"request": request}).data
        )


def _public_provider(provider_id: int):
    return get_object_or_404(
        selectors.public_providers()
        .select_related("category")
        .prefetch_related(selectors.prefetch_hours()),
        pk=provider_id,
    )


class ProviderDetailView(ApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="providers_retrieve",
        summary="A shop's public page",
        responses={200: ProviderPublicSerializer, **errors(404)},
    )
    def get(self, request, provider_id: int):
        provider = _public_provider(provider_id)
        provider.next_free = selectors.next_free_slots([provider]).get(provider.pk)
        return Response(ProviderPublicSerializer(provider, context={"request": request}).data)


class ProviderServicesView(ApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="providers_services_list",
        summary="A shop's bookable services",
        responses={200: paged(ServiceSerializer), **errors(404)},
    )
    def get(self, request, provider_id: int):
        provider = get_object_or_404(selectors.public_providers(), pk=provider_id)
        rows = selectors.provider_services(provider).select_related("category")
        return paginate(request, self, rows, ServiceSerializer, ordering=("service_name", "pk"))


def _bookable_service(provider_id: int, service_id: int) -> Service:
    """An active service of a public shop (the booking page's rule), or 404: one query."""
    return get_object_or_404(
        Service.objects.select_related("provider"),
        pk=service_id,
        provider_id=provider_id,
        is_active=True,
        provider__in=selectors.public_providers().values("pk"),
    )


class AvailabilityView(ApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="providers_services_availability",
        summary="The days of a month with their free slot counts",
        parameters=[MonthQuerySerializer],
        responses={200: AvailabilitySerializer, **errors(400, 404)},
        examples=[
            OpenApiExample(
                "November",
                value={
                    "month": "2026-11",
                    "days": [
                        {"date": "2026-11-30", "state": "free", "free": 14},
                        {"date": "2026-12-01", "state": "closed", "free": 0},
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, provider_id: int, service_id: int):
        service = _bookable_service(provider_id, service_id)
        query = MonthQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month: date = query.validated_data["month"]
        days = selectors.month_free_counts(
            service, selectors.month_booking_days(service.provider, month)
        )
        return Response(
            AvailabilitySerializer(
                {
                    "month": f"{month:%Y-%m}",
                    "days": [
                        {"date": d, "state": state, "free": free}
                        for d, (state, free) in sorted(days.items())
                    ],
                }
            ).data
        )


class SlotsView(ApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="providers_services_slots",
        summary="The free start times of a day",
        parameters=[DayQuerySerializer],
        responses={200: SlotsSerializer, **errors(400, 404)},
        examples=[
            OpenApiExample(
                "A day with free slots",
                value={"date": "2026-12-08", "slots": ["09:00", "09:30"], "reason": ""},
                response_only=True,
            )
        ],
    )
    def get(self, request, provider_id: int, service_id: int):
        service = _bookable_service(provider_id, service_id)
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data["date"]
        free, reason = services.day_slots_explained(service, day)
        return Response(
            SlotsSerializer(
                {"date": day, "slots": [f"{t:%H:%M}" for t in free], "reason": reason}
            ).data
        )


# --- the customer's bookings ----------------------------------------------------------------


def _viewable(request, pk: int) -> Appointment:
    """The booking for its customer, its shop or staff past their second factor; 404 else."""
    try:
        return selectors.appointment_for_viewer(user=request.user, pk=pk)
    except SecondFactorRequired:
        raise DomainProblem(
            _("Enter your two-factor code first."), status=403, code="second_factor_required"
        ) from None


def _detail(request, appointment: Appointment) -> dict:
    is_customer, is_provider = selectors.viewer_roles(appointment, request.user)
    appointment.can_change = is_customer and services.customer_can_change(appointment)
    documents = []
    # A booking's documents are issued when it is confirmed (with its fee), so one that is
    # still pending has none to read: the answer to most booking POSTs needs no query for them.
    if appointment.status != Appointment.Status.PENDING:
        documents = selectors.booking_documents(
            appointment, for_shop=is_provider or request.user.is_staff
        )
    appointment.documents = [
        {"id": d.pk, "number": d.number, "kind": d.kind, "doc_type": d.doc_type} for d in documents
    ]
    return BookingDetailSerializer(appointment).data


BOOKING_EXAMPLE = OpenApiExample(
    "Booked",
    value={
        "id": 812,
        "token_number": 7,
        "status": "confirmed",
        "date": "2026-12-08",
        "slot": "10:30",
        "end_time": "11:00",
        "provider": {"id": 3, "slug": "priya-hair-studio", "shop_name": "Priya Hair Studio"},
        "service": {"id": 11, "service_name": "Haircut", "duration_minutes": 30},
        "locked_price": "250.00",
        "customer_name": "Asha",
        "is_walk_in": False,
        "customer_note": "",
        "created_at": "2026-11-30T09:12:00+05:30",
        "confirmed_at": "2026-11-30T09:12:00+05:30",
        "cancelled_at": None,
        "cancel_reason": "",
        "reschedule_count": 0,
        "can_change": True,
        "documents": [],
    },
    response_only=True,
)


class BookingListView(PostThrottleScope, ApiView):
    permission_classes = [IsAuthenticated]
    post_throttle_scope = "booking"

    @extend_schema(
        operation_id="bookings_list",
        summary="My bookings",
        parameters=[CustomerBookingsQuerySerializer],
        responses={200: paged(BookingSerializer), **errors(400, 401)},
    )
    def get(self, request):
        query = CustomerBookingsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        upcoming = data.get("upcoming")
        if upcoming is True:
            rows = selectors.customer_upcoming(request.user)
        elif upcoming is False:
            rows = selectors.customer_past(request.user)
        else:
            rows = selectors.customer_appointments(request.user)
        if data.get("status"):
            rows = rows.filter(status=data["status"])
        if data.get("date"):
            rows = rows.filter(booking_date=data["date"])
        ordering = (
            ("booking_date", "slot_time", "pk")
            if upcoming
            else ("-booking_date", "-slot_time", "-pk")
        )
        return paginate(request, self, rows, BookingSerializer, ordering=ordering)

    @extend_schema(
        operation_id="bookings_create",
        summary="Book a slot and get a token",
        description=(
            "Send an `Idempotency-Key` header (1–64 letters, digits, `-`, `_`): the same key "
            "again answers with the first booking (a retry after a timeout books once); the "
            "same key with another service, day or time is refused (422)."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=BookingCreateSerializer,
        responses={201: BookingDetailSerializer, **errors(400, 401, 404, 409, 422)},
        examples=[
            OpenApiExample(
                "Book 10:30",
                value={"service": 11, "date": "2026-12-08", "slot": "10:30", "note": ""},
                request_only=True,
            ),
            BOOKING_EXAMPLE,
        ],
    )
    def post(self, request):
        body = BookingCreateSerializer(
            data=request.data,
            context={"idempotency_key": request.headers.get("Idempotency-Key")},
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # With its owner's flags: the booking checks them and reads the service no second time.
        service = get_object_or_404(
            services.services_with_owner().filter(
                is_active=True, provider__in=selectors.public_providers()
            ),
            pk=data["service"],
        )
        try:
            appointment = services.appointment_book(
                customer=request.user,
                service=service,
                booking_date=data["date"],
                slot_time=data["slot"],
                customer_note=data["note"],
                idempotency_key=data["idempotency_key"],
                require_same_request=True,
            )
        except services.BookingError as exc:
            raise booking_problem(exc) from exc
        # The customer's own booking, as the service made it (or found it, for a repeated key):
        # its shop and service are the rows this request read, so nothing is read again.
        return Response(_detail(request, appointment), status=status.HTTP_201_CREATED)


class BookingDetailView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="bookings_retrieve",
        summary="A booking with its token number",
        responses={200: BookingDetailSerializer, **errors(401, 403, 404)},
        examples=[BOOKING_EXAMPLE],
    )
    def get(self, request, pk: int):
        return Response(_detail(request, _viewable(request, pk)))


def _party(request, pk: int) -> tuple[Appointment, bool]:
    """The booking for its customer or its shop (404 for anyone else, staff included: the
    pages let only those two change it)."""
    appointment = _viewable(request, pk)
    is_customer, is_provider = selectors.viewer_roles(appointment, request.user)
    if not (is_customer or is_provider):
        raise DomainProblem(_("Not found."), status=404, code="not_found")
    return appointment, is_customer


class BookingCancelView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="bookings_cancel",
        summary="Cancel a booking",
        description="Customers before the shop's cut-off (reason optional); the shop any time "
        "with a reason. `Idempotency-Key`: a retry answers with the first result.",
        parameters=[IDEMPOTENCY_KEY],
        request=CancelSerializer,
        responses={200: BookingDetailSerializer, **errors(400, 401, 404, 409, 422)},
    )
    def post(self, request, pk: int):
        return _cancel_as_party(request, pk)


class BookingRescheduleView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="bookings_reschedule",
        summary="Move a booking to another free slot",
        description="A new token when the day changes. `Idempotency-Key` as for cancel.",
        parameters=[IDEMPOTENCY_KEY],
        request=RescheduleSerializer,
        responses={200: BookingDetailSerializer, **errors(400, 401, 404, 409, 422)},
        examples=[
            OpenApiExample(
                "To 11:00", value={"date": "2026-12-09", "slot": "11:00"}, request_only=True
            )
        ],
    )
    def post(self, request, pk: int):
        appointment, _is_customer = _party(request, pk)
        body = RescheduleSerializer(
            data=request.data, context={"idempotency_key": request.headers.get("Idempotency-Key")}
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            services.appointment_reschedule(
                appointment=appointment,
                actor=request.user,
                booking_date=data["date"],
                slot_time=data["slot"],
                idempotency_key=data["idempotency_key"],
            )
        except services.BookingError as exc:
            raise booking_problem(exc) from exc
        return Response(_detail(request, _viewable(request, pk)))


class BookingIcsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="bookings_ics",
        summary="The booking as a calendar file",
        responses={
            (200, "text/calendar"): OpenApiTypes.STR,
            **errors(401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        appointment = _viewable(request, pk)
        body = appointment_ics(
            appointment,
            detail_url=request.build_absolute_uri(reverse("bookings:detail", args=[pk])),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="booking-{pk}.ics"'
        return response


class BookingQueueView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="bookings_queue",
        summary="Live queue position and estimate",
        responses={200: QueueSerializer, **errors(401, 403, 404)},
        examples=[
            OpenApiExample(
                "Two ahead",
                value={
                    "show": True,
                    "token_number": 9,
                    "now_serving": 6,
                    "state": "waiting",
                    "ahead": 2,
                    "expected_at": "2026-11-30T10:40:00+05:30",
                    "minutes": 25,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, pk: int):
        appointment = _viewable(request, pk)
        queue = selectors.appointment_queue(appointment)
        place = queue.place
        return Response(
            QueueSerializer(
                {
                    "show": queue.show,
                    "token_number": appointment.token_number,
                    "now_serving": queue.now_serving,
                    "state": place.state if place else None,
                    "ahead": place.ahead if place else None,
                    "expected_at": place.expected_at if place else None,
                    "minutes": place.minutes if place else None,
                }
            ).data
        )


# --- the provider's bookings -----------------------------------------------------------------


class ProviderBookingListView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="provider_bookings_list",
        summary="The shop's bookings of a day, in serving order",
        parameters=[ProviderBookingsQuerySerializer],
        responses={200: paged(BookingSerializer), **errors(400, 401, 403)},
    )
    def get(self, request):
        provider = provider_of(request)
        query = ProviderBookingsQuerySerializer(
            data=request.query_params, context={"form_kwargs": {"provider": provider}}
        )
        query.is_valid(raise_exception=True)
        data = query.validated_data
        rows = selectors.provider_day_bookings(
            provider,
            day=data["date"] or timezone.localdate(),
            status=data["status"],
            service=data["service"],
            q=data["q"],
        ).select_related("provider")
        return paginate(
            request, self, rows, BookingSerializer, ordering=("slot_time", "token_number", "pk")
        )


def _own_booking(request, pk: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related("provider", "service", "customer"),
        pk=pk,
        provider=provider_of(request),
    )


class ProviderActionView(ApiView):
    """confirm / complete / no-show: the portal's buttons (``services.PROVIDER_ACTIONS``)."""

    permission_classes = [IsProvider]
    action_name = ""

    def post(self, request, pk: int):
        appointment = _own_booking(request, pk)
        function, _done = services.PROVIDER_ACTIONS[self.action_name]
        body = ActionSerializer(
            data={}, context={"idempotency_key": request.headers.get("Idempotency-Key")}
        )
        body.is_valid(raise_exception=True)
        try:
            function(
                appointment=appointment,
                actor=request.user,
                idempotency_key=body.validated_data["idempotency_key"],
            )
        except services.BookingError as exc:
            raise booking_problem(exc) from exc
        return Response(_detail(request, _viewable(request, pk)))


def _action_view(name: str, summary: str):
    def post(self, request, pk: int):
        return ProviderActionView.post(self, request, pk)

    post = extend_schema(
        operation_id=f"provider_bookings_{name}",
        summary=summary,
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={200: BookingDetailSerializer, **errors(401, 403, 404, 409, 422)},
    )(post)
    return type(
        f"Provider{name.title().replace('_', '')}View",
        (ProviderActionView,),
        {"action_name": name, "post": post},
    )


ProviderConfirmView = _action_view("confirm", "Confirm a booking (debits the platform fee)")
ProviderCompleteView = _action_view("complete", "Mark a confirmed booking completed")
ProviderNoShowView = _action_view("no_show", "Mark a confirmed booking as a no-show")


class ProviderCancelView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="provider_bookings_cancel",
        summary="Cancel a booking (a reason is required; the customer sees it)",
        parameters=[IDEMPOTENCY_KEY],
        request=CancelSerializer,
        responses={200: BookingDetailSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    def post(self, request, pk: int):
        _own_booking(request, pk)
        return _cancel_as_party(request, pk)


def _cancel_as_party(request, pk: int) -> Response:
    appointment, is_customer = _party(request, pk)
    body = CancelSerializer(
        data=request.data,
        context={
            "idempotency_key": request.headers.get("Idempotency-Key"),
            "form_kwargs": {"reason_required": not is_customer},
        },
    )
    body.is_valid(raise_exception=True)
    try:
        services.appointment_cancel(
            appointment=appointment,
            actor=request.user,
            reason=body.validated_data["reason"],
            idempotency_key=body.validated_data["idempotency_key"],
        )
    except services.BookingError as exc:
        raise booking_problem(exc) from exc
    return Response(_detail(request, _viewable(request, pk)))


class WalkInView(PostThrottleScope, ApiView):
    permission_classes = [IsProvider]
    post_throttle_scope = "booking"

    @extend_schema(
        operation_id="provider_walk_ins_create",
        summary="Book a walk-in for today at the counter (next token)",
        parameters=[IDEMPOTENCY_KEY],
        request=WalkInSerializer,
        responses={201: BookingDetailSerializer, **errors(400, 401, 403, 409, 422)},
        examples=[
            OpenApiExample(
                "Walk-in at 11:15",
                value={"service": 11, "name": "Ravi", "mobile": "", "slot": "11:15"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        provider = provider_of(request)
        body = WalkInSerializer(
            data=request.data,
            context={
                "idempotency_key": request.headers.get("Idempotency-Key"),
                "form_kwargs": {"provider": provider},
            },
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            appointment = services.walk_in_book(
                provider=provider,
                service=data["service"],
                name=data["name"],
                mobile=str(data["mobile"] or ""),
                slot_time=data["slot"],
                actor=request.user,
                idempotency_key=data["idempotency_key"],
                require_same_request=True,
            )
        except services.BookingError as exc:
            raise booking_problem(exc) from exc
        return Response(
            _detail(request, _viewable(request, appointment.pk)), status=status.HTTP_201_CREATED
        )


class CallNextView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="provider_queue_call_next",
        summary="Call the next confirmed token of today's queue",
        request=None,
        responses={200: QueueCallSerializer, **errors(401, 403, 422)},
    )
    def post(self, request):
        try:
            state = services.queue_advance(provider=provider_of(request), actor=request.user)
        except services.BookingError as exc:
            raise booking_problem(exc) from exc
        return Response(QueueCallSerializer(state).data)


urlpatterns = [
    path("providers/", ProviderSearchView.as_view(), name="providers-list"),
    path("providers/<int:provider_id>/", ProviderDetailView.as_view(), name="providers-detail"),
    path(
        "providers/<int:provider_id>/services/",
        ProviderServicesView.as_view(),
        name="providers-services",
    ),
    path(
        "providers/<int:provider_id>/services/<int:service_id>/availability/",
        AvailabilityView.as_view(),
        name="providers-availability",
    ),
    path(
        "providers/<int:provider_id>/services/<int:service_id>/slots/",
        SlotsView.as_view(),
        name="providers-slots",
    ),
    path("bookings/", BookingListView.as_view(), name="bookings-list"),
    path("bookings/<int:pk>/", BookingDetailView.as_view(), name="bookings-detail"),
    path("bookings/<int:pk>/cancel/", BookingCancelView.as_view(), name="bookings-cancel"),
    path(
        "bookings/<int:pk>/reschedule/",
        BookingRescheduleView.as_view(),
        name="bookings-reschedule",
    ),
    path("bookings/<int:pk>/ics/", BookingIcsView.as_view(), name="bookings-ics"),
    path("bookings/<int:pk>/queue/", BookingQueueView.as_view(), name="bookings-queue"),
    path("provider/bookings/", ProviderBookingListView.as_view(), name="provider-bookings-list"),
    path(
        "provider/bookings/<int:pk>/confirm/",
        ProviderConfirmView.as_view(),
        name="provider-bookings-confirm",
    ),
    path(
        "provider/bookings/<int:pk>/complete/",
        ProviderCompleteView.as_view(),
        name="provider-bookings-complete",
    ),
    path(
        "provider/bookings/<int:pk>/no-show/",
        ProviderNoShowView.as_view(),
        name="provider-bookings-no-show",
    ),
    path(
        "provider/bookings/<int:pk>/cancel/",
        ProviderCancelView.as_view(),
        name="provider-bookings-cancel",
    ),
    path("provider/walk-ins/", WalkInView.as_view(), name="provider-walk-ins"),
    path("provider/queue/call-next/", CallNextView.as_view(), name="provider-queue-call-next"),
]
