from django.urls import path

from . import views

app_name = "providers"

# Mounted at /portal/. The dashboard at /portal/ itself is bookings:dashboard (no "" path here).
urlpatterns = [
    path("onboarding/", views.OnboardingView.as_view(), name="onboarding"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("settings/", views.BookingSettingsView.as_view(), name="settings"),
    path("services/", views.ServiceListView.as_view(), name="services"),
    path("services/new/", views.ServiceCreateView.as_view(), name="service_create"),
    path("services/<int:pk>/edit/", views.ServiceUpdateView.as_view(), name="service_edit"),
    path(
        "services/<int:pk>/deactivate/",
        views.ServiceActionView.as_view(action="deactivate"),
        name="service_deactivate",
    ),
    path(
        "services/<int:pk>/reactivate/",
        views.ServiceActionView.as_view(action="reactivate"),
        name="service_reactivate",
    ),
    path(
        "services/<int:pk>/delete/",
        views.ServiceActionView.as_view(action="delete"),
        name="service_delete",
    ),
    path("hours/", views.HoursView.as_view(), name="hours"),
    path("time-off/", views.TimeOffView.as_view(), name="time_off"),
    path("time-off/<int:pk>/delete/", views.TimeOffDeleteView.as_view(), name="time_off_delete"),
]
