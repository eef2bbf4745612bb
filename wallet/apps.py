from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "wallet"
    verbose_name = "Wallet and payments"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Payment, WalletTransaction

        auditlog.register(Payment)
        auditlog.register(WalletTransaction)
