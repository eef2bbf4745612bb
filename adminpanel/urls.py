from django.urls import path

from . import views

app_name = "adminpanel"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("export/<slug:name>.csv", views.ExportView.as_view(), name="export"),
    path("providers/<int:pk>/approve/", views.ProviderApproveView.as_view(), name="approve"),
    path("providers/<int:pk>/reject/", views.ProviderRejectView.as_view(), name="reject"),
    path(
        "providers/<int:pk>/name/approve/",
        views.ProviderNameApproveView.as_view(),
        name="rename_approve",
    ),
    path(
        "providers/<int:pk>/name/reject/",
        views.ProviderNameRejectView.as_view(),
        name="rename_reject",
    ),
    path("fraud/", views.FraudListView.as_view(), name="fraud"),
    path("fraud/<int:pk>/review/", views.FraudReviewView.as_view(), name="fraud_review"),
    path("audit/", views.AuditLogView.as_view(), name="audit"),
]
