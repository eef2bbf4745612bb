from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_site_after_migrate(sender, using="default", **kwargs) -> None:
    """After every ``migrate`` (and every test database flush) the current Site carries the
    platform's name and SITE_URL's domain, so no email ever says example.com; Django's sites
    app creates its example.com row just before this runs."""
    from django.contrib.sites.models import Site
    from django.db import connections

    if Site._meta.db_table not in connections[using].introspection.table_names():
        return
    from .services import site_sync

    site_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401

        post_migrate.connect(
            sync_site_after_migrate, sender=self, dispatch_uid="accounts_sync_site"
        )
