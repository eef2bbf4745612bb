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
