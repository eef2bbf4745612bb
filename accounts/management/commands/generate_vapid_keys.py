from django.core.management.base import BaseCommand

from accounts.vapid import generate_vapid_keys


class Command(BaseCommand):
    help = (
        "Print a new VAPID key pair for web push, as lines for the environment. Set them once: "
        "a new pair makes every browser subscribe again."
    )

    def handle(self, *args, **options):
        private, public = generate_vapid_keys()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stderr.write(
            "Keep VAPID_PRIVATE_KEY secret (a secrets store, not the repository); set "
            "VAPID_SUBJECT=mailto:<ops address> and PUSH_ENABLED=true."
        )
