"""Suite-wide fixtures and the rule that the MariaDB run skips nothing."""

import os

import pytest
from django.db import connection


def pytest_report_header(config):
    settings_db = connection.settings_dict
    return f"database: {connection.vendor} ({settings_db['ENGINE']}, name {settings_db['NAME']})"


def pytest_collection_modifyitems(config, items):
    """Tests that need real row locks run only on MariaDB/MySQL."""
    if connection.vendor == "mysql":
        return
    skip = pytest.mark.skip(
        reason="needs real row locks: runs on MariaDB (make test with DATABASE_URL=mysql://…)"
    )
    for item in items:
        if "mariadb" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    """With REQUIRE_NO_SKIPS=1 (the MariaDB CI run) a skipped test fails the run."""
    if os.environ.get("REQUIRE_NO_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"REQUIRE_NO_SKIPS: {len(skipped)} test(s) skipped; failing the run.", red=True
        )
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _media_and_email(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Django's test set-up swaps EMAIL_BACKEND for the in-memory one; put the queue back, so mail
    # reaches mail.outbox only through delivery (the `deliver_mail` fixture), as in production.
    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    # Each test's mail delivery takes its own lock, not the host-wide one.
    settings.MAIL_LOCKFILE = str(tmp_path / "mail")


@pytest.fixture
def deliver_mail(db):
    """Do what the mail worker does (queue recorded booking events, send the queued mail that is
    due), then return Django's in-memory outbox. Mail is only queued by the code under test.

    It runs post-office's own send step, without the lock-file loop of ``deliver_mail`` (that
    loop closes the database connection, which a test's transaction cannot survive)."""
    from django.core import mail
    from post_office.mail import send_queued

    from bookings.notifications import queue_pending

    def deliver() -> list:
        queue_pending()
        send_queued()
        return mail.outbox

    return deliver


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages live in the cache: start every test with none."""
    from django.core.cache import cache

    cache.clear()
    yield


_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _wallet_ledger_invariant(request):
    """After every database test: each provider's wallet_balance equals Σ credits − Σ debits of
    its user's ledger rows, and is never negative (DESIGN invariant 3)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        _DB_FIXTURES & set(request.fixturenames)
    )
    if not uses_db or request.instance is not None and hasattr(request.instance, "_pre_setup"):
        yield
        return
    # Set the database up first so it is torn down (rolled back / flushed) after this check.
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import DatabaseError, connection

    if connection.in_atomic_block and connection.needs_rollback:
        return  # the test left its transaction broken on purpose; nothing can be read
    from wallet.invariants import ledger_mismatches

    try:
        problems = ledger_mismatches()
    except DatabaseError:
        return  # the test made the database unreachable on purpose (e.g. /healthz failures)
    assert not problems, "wallet ledger invariant broken: " + "; ".join(problems)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site language. A request leaves the language it was served in
    active on its thread (LocaleMiddleware does not switch back), so a test after a Hindi
    request would otherwise run in Hindi."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogue():
    """Pages and emails in tests read locale/*/LC_MESSAGES/*.mo: compile what changed since
    (make install does the same; a file already up to date is skipped)."""
    from django.core.management import call_command

    call_command(
        "compilemessages",
        ignore_patterns=[".venv", "staticfiles", "static", "artifacts", "media", "node_modules"],
        verbosity=0,
    )


@pytest.fixture
def api_client_for(db):
    """``api_client_for(user, otp=None)``: an APIClient signed in with a JWT (tests/api.py)."""
    from tests.api import api_client_for as make

    return make
