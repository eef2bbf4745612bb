from django.urls import path

from . import views

app_name = "wallet"

urlpatterns = [
    path("", views.WalletView.as_view(), name="home"),
    path("export.csv", views.WalletExportView.as_view(), name="export"),
    path("add/", views.TopUpView.as_view(), name="topup"),
    path("pay/callback/", views.CallbackView.as_view(), name="callback"),
    path("pay/<str:order_id>/", views.CheckoutView.as_view(), name="checkout"),
    path("payments/<str:order_id>/", views.PaymentDetailView.as_view(), name="payment"),
    path("razorpay/webhook/", views.webhook, name="webhook"),
    path("test-gateway/<str:order_id>/", views.TestCheckoutView.as_view(), name="test_checkout"),
    path("documents/", views.DocumentsView.as_view(), name="documents"),
    path("documents/month.zip", views.DocumentsZipView.as_view(), name="documents_zip"),
    path("documents/gstr1.csv", views.DocumentsCsvView.as_view(), name="documents_csv"),
    path("documents/<int:pk>.pdf", views.document_pdf, name="document"),
    path(
        "transactions/<int:pk>/invoice.pdf",
        views.transaction_invoice,
        name="transaction_invoice",
    ),
]
