"""Enrol a staff member's authenticator from the server's terminal (out of band).

    manage.py staff_2fa_enrol staff@example.in [--replace]

Prints the otpauth URI, a QR code to scan from the terminal and ten backup codes. The secret
is shown only here; hand it to the person in person or over a channel you trust.
"""

import io

import qrcode
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Give a staff account a new authenticator and backup codes, shown in this terminal."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the authenticator the account already has (the old one stops working).",
        )
        parser.add_argument("--no-qr", action="store_true", help="Print the URI without a QR code.")

    def handle(self, *args, email: str, replace: bool, no_qr: bool, **options) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the email {email!r}.")
        if not user.is_staff:
            raise CommandError(f"{user.email} is not a staff account.")
        if services.user_has_two_factor(user) and not replace:
            raise CommandError(
                f"{user.email} already has two-factor authentication; pass --replace to replace it."
            )
        device, codes = services.totp_device_replace(user=user)
        self.stdout.write(f"Authenticator for {user.email}:")
        self.stdout.write(device.config_url)
        if not no_qr:
            qr = qrcode.QRCode(border=1)
            qr.add_data(device.config_url)
            buffer = io.StringIO()
            qr.print_ascii(out=buffer, invert=True)
            self.stdout.write(buffer.getvalue())
        self.stdout.write("Backup codes (each works once):")
        for code in codes:
            self.stdout.write(f"  {code}")
