from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Category, Provider, Service

        auditlog.register(Category)
        auditlog.register(Provider, exclude_fields=["updated_at"])
        auditlog.register(Service, exclude_fields=["updated_at"])
