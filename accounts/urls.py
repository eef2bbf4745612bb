from django.urls import path

from . import views

app_name = "accounts"

# login/, signup/ and password/reset/ sit on allauth's own paths (this file is included before
# allauth.urls), so {% url 'account_login' %} etc. reach these wrapped views.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "confirm-email/",
        views.VerificationSentView.as_view(),
        name="verification_sent",
    ),
    path(
        "confirm-email/resend/",
        views.VerificationResendView.as_view(),
        name="verification_resend",
    ),
    path("login/code/", views.LoginTwoFactorView.as_view(), name="login_2fa"),
    path("security/", views.SecurityView.as_view(), name="security"),
    path(
        "security/sign-out-others/",
        views.SessionsEndOthersView.as_view(),
        name="sessions_end_others",
    ),
    path("security/push/subscribe/", views.PushSubscribeView.as_view(), name="push_subscribe"),
    path(
        "security/push/unsubscribe/", views.PushUnsubscribeView.as_view(), name="push_unsubscribe"
    ),
    path("security/two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path(
        "security/two-factor/link/",
        views.TwoFactorLinkRequestView.as_view(),
        name="two_factor_link",
    ),
    path(
        "security/two-factor/enrol/<str:token>/",
        views.TwoFactorEnrolLinkView.as_view(),
        name="two_factor_enrol",
    ),
    path("security/two-factor/verify/", views.OTPVerifyView.as_view(), name="otp_verify"),
    path(
        "security/two-factor/backup-codes/",
        views.BackupCodesView.as_view(),
        name="backup_codes",
    ),
    path(
        "security/two-factor/disable/",
        views.TwoFactorDisableView.as_view(),
        name="two_factor_disable",
    ),
]
