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

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from . import public_cache
        from .models import TimeOff, WorkingHours

        for model in (Category, Provider, Service, TimeOff, WorkingHours):
            post_save.connect(public_cache.invalidate, sender=model, dispatch_uid=f"pc-{model}")
            post_delete.connect(public_cache.invalidate, sender=model, dispatch_uid=f"pd-{model}")
        post_save.connect(_owner_saved, sender=get_user_model(), dispatch_uid="pc-owner")
        post_delete.connect(public_cache.invalidate, sender=get_user_model(), dispatch_uid="pd-o")


# Fields of a user that decide whether their shop is public (a login only touches last_login).
_VISIBILITY_FIELDS = {"is_active", "is_blocked"}


def _owner_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """A shop leaves or rejoins the public pages when its owner is blocked, unblocked,
    deactivated or reactivated. New users own no shop yet, and a login only touches
    last_login: neither retires the cache."""
    from . import public_cache
    from .models import Provider

    if created or (update_fields is not None and not _VISIBILITY_FIELDS & set(update_fields)):
        return
    if Provider.objects.filter(user_id=instance.pk).exists():
        public_cache.invalidate()
