"""Real SMTP delivery against a local SMTP server (aiosmtpd), configured as production is:
through EMAIL_URL, parsed by the settings. This is the transport the mail worker sends the queue
through (POST_OFFICE["BACKENDS"]["default"]); queueing itself is tested in
test_mail_and_broker_outages.py."""

import json
import socket
import sys
import textwrap
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from .test_production import BASE_DIR, PRODUCTION_ENV, run


class Collect(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)

    def prepare_message(self, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        message["X-Rcpt-To"] = ", ".join(envelope.rcpt_tos)
        message["X-Mail-From"] = envelope.mail_from
        return message


@pytest.fixture
def smtp_server():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler.messages
    finally:
        controller.stop()


def test_email_url_smtp_delivers_through_django_smtp_backend(smtp_server, tmp_path):
    port, received = smtp_server
    code = textwrap.dedent(
        """
        import json
        import django
        django.setup()
        from django.conf import settings
        from django.core.mail import EmailMultiAlternatives, get_connection
        transport = settings.POST_OFFICE["BACKENDS"]["default"]
        message = EmailMultiAlternatives(
            "Booking confirmed: token 7",
            "Your token for 12 Dec is 7.",
            to=["asha@example.in"],
            connection=get_connection(transport),
        )
        message.attach_alternative("<p>Your token is <b>7</b>.</p>", "text/html")
        sent = message.send()
        print(json.dumps({"sent": sent, "backend": transport,
                          "host": settings.EMAIL_HOST, "port": settings.EMAIL_PORT}))
        """
    )
    result = run(
        [sys.executable, "-c", code],
        {
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "DEFAULT_FROM_EMAIL": "BookMyToken <no-reply@bookmytoken.in>",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'mail.sqlite3'}",
        },
        cwd=BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "sent": 1,
        "backend": "django.core.mail.backends.smtp.EmailBackend",
        "host": "127.0.0.1",
        "port": port,
    }
    assert len(received) == 1
    message = received[0]
    assert message["Subject"] == "Booking confirmed: token 7"
    assert message["X-Rcpt-To"] == "asha@example.in"
    assert message["X-Mail-From"] == "no-reply@bookmytoken.in"
    assert message["From"] == "BookMyToken <no-reply@bookmytoken.in>"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Your token for 12 Dec is 7." in plain
    assert "<b>7</b>" in html


def test_unreachable_smtp_server_makes_the_transport_raise_so_the_worker_retries(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from django.conf import settings;"
            "from django.core.mail import get_connection, send_mail;"
            "send_mail('s', 'b', None, ['a@example.in'],"
            " connection=get_connection(settings.POST_OFFICE['BACKENDS']['default']))",
        ],
        {
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        },
    )
    assert result.returncode != 0
    assert "ConnectionRefusedError" in result.stderr
