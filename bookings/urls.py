from django.urls import path

from .views import board, customer, discovery, portal, preferences

app_name = "bookings"

urlpatterns: list = [
    path("portal/", portal.ProviderDashboardView.as_view(), name="dashboard"),
    # Discovery and the booking flow.
    path("providers/", discovery.search, name="search"),
    path("providers/<slug:slug>/", discovery.provider_detail, name="provider"),
    path("providers/<slug:slug>/book/<int:service_id>/", discovery.book, name="book"),
    path(
        "providers/<slug:slug>/book/<int:service_id>/slots/", discovery.slots_fragment, name="slots"
    ),
    path("providers/<slug:slug>/book/<int:service_id>/confirm/", customer.confirm, name="confirm"),
    # The customer's bookings.
    path("bookings/", customer.my_bookings, name="mine"),
    path("bookings/<int:pk>/", customer.detail, name="detail"),
    path("bookings/<int:pk>/queue/", customer.detail_queue, name="detail_queue"),
    path("bookings/<int:pk>/cancel/", customer.cancel, name="cancel"),
    path("bookings/<int:pk>/reschedule/", customer.reschedule, name="reschedule"),
    path("bookings/<int:pk>/booking.ics", customer.ics, name="ics"),
    path("bookings/<int:pk>/invoice.pdf", customer.invoice, name="invoice"),
    # The provider's bookings.
    path("portal/bookings/", portal.provider_bookings, name="provider_bookings"),
    path("portal/bookings/walk-in/", portal.walk_in, name="walk_in"),
    path("portal/bookings/<int:pk>/cancel/", portal.provider_cancel, name="provider_cancel"),
    path("portal/bookings/<int:pk>/<str:action>/", portal.provider_action, name="provider_action"),
    path("portal/queue/next/", portal.queue_advance, name="queue_advance"),
    path("portal/queue/reset/", portal.queue_reset, name="queue_reset"),
    # Email / push per kind of notification, for customers and providers.
    path(
        "account/notifications/",
        preferences.notification_preferences,
        name="notification_preferences",
    ),
    # The live token board.
    path("queue/<slug:slug>/", board.queue_board, name="queue"),
    path("queue/<slug:slug>/board/", board.queue_board_fragment, name="queue_board"),
]
