from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdminpanelConfig(AppConfig):
    name = "adminpanel"
    verbose_name = _("Admin panel")

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog
        from django.contrib import admin
        from django.db.models.signals import pre_save

        from . import receivers  # noqa: F401 - connects the fraud rules to their events
        from .middleware import attach_request
        from .models import FraudFlag

        admin.site.site_header = _("BookMyToken admin")
        admin.site.site_title = _("BookMyToken admin")
        admin.site.index_title = _("Run the marketplace")
        auditlog.register(FraudFlag, exclude_fields=["open_key", "updated_at"])
        # Once, for the process: who and from where, for entries written while serving a request.
        pre_save.connect(attach_request, sender=LogEntry, dispatch_uid="adminpanel_audit_request")
