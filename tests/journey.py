"""A browser tab that behaves like a careful tester: it screenshots every page it lands on at a
desktop and a phone width, and fails on anything the browser reports as wrong."""

import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Page, Request, Response

# A page is quiet when nothing has been in flight for this long (wait_until_quiet).
QUIET_MS = 100
QUIET_TICK_MS = 25
QUIET_TIMEOUT_S = 15
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The innermost elements sticking out past the right edge of the screen (for the failure message).
WIDEST_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll("body *")].filter(
    (el) => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length
  );
  return out.filter((el) => !out.some((other) => other !== el && el.contains(other)))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\\s+/).join(".") : "")
      + ` (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
}"""


@dataclass
class Journey:
    page: Page
    base_url: str
    folder: Path
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    shot: set[str] = field(default_factory=set)
    allowed: list[tuple[int, str]] = field(default_factory=list)
    in_flight: set[Request] = field(default_factory=set)
    count: int = 0

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.set_default_timeout(15_000)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("request", lambda request: self.in_flight.add(request))
        self.page.on("requestfinished", lambda request: self.in_flight.discard(request))
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)
        self.page.on("framenavigated", self._on_navigated)

    # --- what the browser reports -------------------------------------------------------
    def _allowed(self, status: int, url: str) -> bool:
        return any(status == s and part in url for s, part in self.allowed)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        status = re.search(r"status of (\d{3})", message.text)
        if status and self._allowed(int(status.group(1)), url):
            return
        self.problems.append(f"console error: {message.text} ({url})")

    def _on_request_failed(self, request: Request) -> None:
        self.in_flight.discard(request)
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and not self._allowed(response.status, response.url):
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.visited.append(frame.url)

    # --- steps ---------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base_url + path

    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def goto(self, path: str, label: str | None = None) -> None:
        self.page.goto(self.url(path))
        self.settle(label)

    def settle(self, label: str | None = None) -> None:
        """After a navigation: wait until the page is quiet, check it, screenshot it."""
        self.wait_until_quiet()
        self.check()
        self.snap(label)

    def wait_until_quiet(self) -> None:
        """The page has loaded and none of its requests (htmx fragments, scripts, images) has
        been in flight for ``QUIET_MS``. Playwright's "networkidle" waits for 500 ms of
        silence after every page, which a local server never needs: most of a journey's time.
        """
        self.page.wait_for_load_state("load")
        deadline = time.monotonic() + QUIET_TIMEOUT_S
        quiet = 0
        while quiet < QUIET_MS:
            self.page.wait_for_timeout(QUIET_TICK_MS)  # Playwright delivers the events meanwhile
            quiet = 0 if self.in_flight else quiet + QUIET_TICK_MS
            if time.monotonic() > deadline:
                pending = ", ".join(sorted(r.url for r in self.in_flight))
                raise AssertionError(f"{self.page.url} never went quiet; in flight: {pending}")

    def check(self) -> None:
        if self.problems:
            problems, self.problems = self.problems, []
            raise AssertionError(
                f"the browser reported problems on {self.page.url}:\n  " + "\n  ".join(problems)
            )

    def snap(self, label: str | None = None) -> None:
        """Full-page screenshots at 1280 px and 390 px; the page must fit the phone width."""
        self.count += 1
        slug = label or re.sub(r"[^a-z0-9]+", "-", urlsplit(self.page.url).path.lower()).strip("-")
        stem = f"{self.count:02d}-{slug or 'home'}"
        self.page.screenshot(path=self.folder / f"{stem}-1280.png", full_page=True)
        self.page.set_viewport_size(PHONE)
        try:
            # Responsive widgets (charts) resize a frame or two after the viewport does.
            for _tick in range(10):
                overflow = self.page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if overflow <= 0:
                    break
                self.page.wait_for_timeout(100)
            culprits = self.page.evaluate(WIDEST_ELEMENTS) if overflow > 0 else []
            self.page.screenshot(path=self.folder / f"{stem}-390.png", full_page=True)
        finally:
            self.page.set_viewport_size(DESKTOP)
        assert overflow <= 0, (
            f"{self.page.url} is {overflow}px wider than a 390px phone screen; "
            f"elements past the right edge: {culprits}"
        )
        self.shot.add(self.page.url)

    @contextmanager
    def expect_error_status(self, status: int, url_part: str):
        """Within the block, a ``status`` answer for a URL containing ``url_part`` is expected."""
        self.allowed.append((status, url_part))
        try:
            yield
        finally:
            self.allowed.remove((status, url_part))

    def finish(self) -> None:
        """At the end of the journey: nothing went wrong and no page went unphotographed."""
        self.check()
        missing = [u for u in dict.fromkeys(self.visited) if u not in self.shot]
        missing = [u for u in missing if u != "about:blank"]
        assert not missing, f"pages visited without a screenshot: {missing}"
