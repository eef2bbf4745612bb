"""Browser journeys: Playwright (Python) driving Debian's Chromium against pytest-django's
live server. Every page a journey visits is screenshotted at 1280 px and 390 px wide into
artifacts/<test>/, and any console error, page error, failed request or 4xx/5xx response fails
the test."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.services import site_sync

from .journey import Journey

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run where a
# loop is running unless told it is safe (the test's own DB work is synchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 800},
        "locale": "en-IN",
        "timezone_id": "Asia/Kolkata",
    }


@pytest.fixture
def journey(page, live_server, request, settings) -> Iterator[Journey]:
    """A browser tab on the live server that checks and screenshots every page it visits."""
    # Rate-limit and lockout counters live in the cache; each journey starts from a clean slate.
    cache.clear()
    mail.outbox = []
    settings.SITE_URL = live_server.url
    # Emails name the live server, as they name SITE_URL on a real site (accounts.site_sync).
    site_sync()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    tour = Journey(page=page, base_url=live_server.url, folder=folder)
    yield tour
    tour.finish()


@pytest.fixture
def second_browser(browser, browser_context_args, live_server, journey):
    """Open another, separate browser (own cookies) for a second person in the same journey,
    e.g. the admin who approves the provider. Its screenshots go to a sub-folder."""
    opened = []

    def open_browser(name: str) -> Journey:
        context = browser.new_context(**browser_context_args)
        tour = Journey(
            page=context.new_page(), base_url=live_server.url, folder=journey.folder / name
        )
        opened.append((context, tour))
        return tour

    yield open_browser
    for context, tour in opened:
        try:
            tour.finish()
        finally:
            context.close()
