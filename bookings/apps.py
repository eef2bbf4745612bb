from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from post_office.signals import email_queued

        from .tasks import deliver_after_commit

        # Without a broker, mail queued by any app is delivered right after its commit.
        email_queued.connect(deliver_after_commit, dispatch_uid="bookings-deliver-mail")
