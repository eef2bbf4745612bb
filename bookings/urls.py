from django.urls import path

from . import dashboard, views

app_name = "bookings"

urlpatterns: list = [
    path("portal/", dashboard.ProviderDashboardView.as_view(), name="dashboard"),
    # Discovery and the booking flow.
    path("providers/", views.search, name="search"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider"),
    path("providers/<slug:slug>/book/<int:service_id>/", views.book, name="book"),
    path("providers/<slug:slug>/book/<int:service_id>/slots/", views.slots_fragment, name="slots"),
    path("providers/<slug:slug>/book/<int:service_id>/confirm/", views.confirm, name="confirm"),
    # The customer's bookings.
    path("bookings/", views.my_bookings, name="mine"),
    path("bookings/<int:pk>/", views.detail, name="detail"),
    path("bookings/<int:pk>/queue/", views.detail_queue, name="detail_queue"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("bookings/<int:pk>/booking.ics", views.ics, name="ics"),
    path("bookings/<int:pk>/invoice.pdf", views.invoice, name="invoice"),
    # The provider's bookings.
    path("portal/bookings/", views.provider_bookings, name="provider_bookings"),
    path("portal/bookings/walk-in/", views.walk_in, name="walk_in"),
    path("portal/bookings/<int:pk>/cancel/", views.provider_cancel, name="provider_cancel"),
    path("portal/bookings/<int:pk>/<str:action>/", views.provider_action, name="provider_action"),
    path("portal/queue/next/", views.queue_advance, name="queue_advance"),
    path("portal/queue/reset/", views.queue_reset, name="queue_reset"),
    # The live token board.
    path("queue/<slug:slug>/", views.queue_board, name="queue"),
    path("queue/<slug:slug>/board/", views.queue_board_fragment, name="queue_board"),
]
