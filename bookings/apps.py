from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from post_office.signals import email_queued

        from providers import public_cache

        from .models import Appointment
        from .tasks import deliver_after_commit

        # Without a broker, mail queued by any app is delivered right after its commit.
        email_queued.connect(deliver_after_commit, dispatch_uid="bookings-deliver-mail")

        # Free slots and day calendars are cached (providers.public_cache): a booking change
        # retires its provider's.
        receiver = public_cache.appointment_changed
        post_save.connect(receiver, sender=Appointment, dispatch_uid="pc-appt")
        post_delete.connect(receiver, sender=Appointment, dispatch_uid="pd-appt")
