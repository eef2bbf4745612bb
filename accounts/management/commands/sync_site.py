from django.core.management.base import BaseCommand, CommandError

from accounts.services import site_sync


class Command(BaseCommand):
    help = (
        "Set the site's name and domain (django.contrib.sites) from PLATFORM_NAME and SITE_URL; "
        "emails name the site from it. Run after every migrate; safe to run again."
    )

    def handle(self, *args, **options):
        try:
            site = site_sync()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Site {site.pk}: {site.name} ({site.domain})")
