"""Real-browser end-to-end fixtures: Debian's Chromium driven by Playwright's sync API.

What a browser test gets (every browser test module sets ``pytestmark = pytest.mark.browser``;
`make test-browser` runs them, `make test-fast` leaves them out):

- ``browser`` (session): one headless Chromium, ``/usr/bin/chromium``; never a downloaded one.
- ``page``: a fresh browser context (own cookies, so its own log-in) and its page, Japanese
  locale, Tokyo time zone. ``new_page()`` opens another one in the same test: one per persona
  (a representative and a staff member side by side); ``new_page(phone=True)`` a phone-sized one.
- ``server``: the base URL of pytest-django's ``live_server`` (transactional database; the
  registry's seed data, the 20 activity fields and the areas, is put back before each test).
- ``assert_accessible(page, name)``: saves a full-page screenshot to
  ``test-artifacts/<test>/NN-name.png``, runs axe-core (WCAG 2.0/2.1 A and AA) and fails listing
  every violation, and fails on any JavaScript console error or uncaught exception.
- ``login(page, user)``: logs in through the real form; for staff also the second-factor form,
  with the current code of the user's TOTP device.

Every page a test loads is watched: the test fails at teardown if it loaded a page that was
never given to ``assert_accessible`` (so "every page visited is checked" cannot rot), or if a
console error happened anywhere. A crawler can reuse all of this: ``BrowserTools`` holds the
logic, the fixtures only wire it to pytest.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
# thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The closed network refuses every connection Chromium would make on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageWatch:
    """What happened in one page: the documents it loaded and the errors it logged."""

    loads: list[str] = field(default_factory=list)
    checked: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


class BrowserTools:
    """Per-test state and helpers: pages, screenshots, axe, log-in."""

    def __init__(self, browser: Browser, base_url: str, artifacts: Path) -> None:
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.artifacts = artifacts
        self.shots = 0
        self.watches: dict[int, tuple[Page, PageWatch]] = {}
        self.contexts: list[Any] = []

    # --- pages ------------------------------------------------------------------------------

    def new_page(self, *, phone: bool = False) -> Page:
        """A page in a fresh context: its own cookies, hence its own log-in. `phone=True`
        gives a 390×844 touch screen instead of a 1280×800 desktop window."""
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
            viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 800},
            is_mobile=phone,
            has_touch=phone,
            # Not bypass_csp: the app's CSP stays on, so an inline script or style="" shows up
            # as a console error. axe is injected through the DevTools protocol instead, which
            # the page's CSP does not govern.
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        watch = PageWatch()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                source = message.location.get("url") or ""
                watch.errors.append(f"console error on {page.url}: {message.text} [{source}]")

        def on_pageerror(error: Any) -> None:
            watch.errors.append(f"uncaught exception on {page.url}: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_pageerror)
        page.on("load", lambda p: watch.loads.append(p.url))
        self.watches[id(page)] = (page, watch)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def problems(self) -> list[str]:
        """Console errors, and loaded pages that no one checked, across every page."""
        found: list[str] = []
        for _page, watch in self.watches.values():
            found.extend(watch.errors)
            found.extend(
                f"page loaded but never checked with assert_accessible: {url}"
                for i, url in enumerate(watch.loads)
                if i not in watch.checked
            )
        return found

    # --- checks -----------------------------------------------------------------------------

    def screenshot(self, page: Page, name: str) -> Path:
        self.shots += 1
        slug = re.sub(r"[^\w\-]+", "-", name).strip("-") or "page"
        path = self.artifacts / f"{self.shots:02d}-{slug}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    def assert_accessible(self, page: Page, name: str) -> None:
        """Screenshot, then axe (WCAG 2.1 A/AA) and the console: fail listing every problem."""
        page.wait_for_load_state("load")
        self.screenshot(page, name)
        _page, watch = self.watches[id(page)]
        watch.checked.update(range(len(watch.loads)))
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            AXE_TAGS,
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']}\n"
            + "\n".join(
                f"    {json.dumps(n['target'], ensure_ascii=False)}: {n['failureSummary']}"
                for n in v["nodes"]
            )
            for v in result["violations"]
        ]
        problems.extend(watch.errors)
        watch.errors.clear()
        assert not problems, f"{name} ({page.url}) is not clean:\n" + "\n".join(problems)

    # --- log-in -----------------------------------------------------------------------------

    def login(self, page: Page, user: Any, *, password: str | None = None) -> None:
        """Log in with the real form; staff also pass the second factor with a real code."""
        from tests.factories import PASSWORD

        page.goto("/accounts/login/")
        self.assert_accessible(page, "login")
        form = page.locator("main form")
        form.get_by_label("メールアドレス").fill(user.email)
        form.get_by_label("パスワード").fill(password or PASSWORD)
        form.get_by_role("button", name="ログイン").click()
        page.wait_for_load_state("load")
        if user.is_city_staff:
            assert "/accounts/otp/verify/" in page.url, f"staff log-in went to {page.url}"
            self.assert_accessible(page, "totp")
            page.get_by_label("確認コード（6桁）").fill(totp_code(user))
            page.get_by_role("button", name="確認する").click()
            page.wait_for_load_state("load")
        assert "/accounts/login/" not in page.url, f"log-in failed for {user.email}"


def totp_code(user: Any) -> str:
    """The code an authenticator app would show now for the user's confirmed TOTP device.

    django_otp refuses a code of a time step it has already accepted, so if this step's code
    was used (a second log-in within 30 seconds) wait for the next step.
    """
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        time.sleep(device.step - (totp.time - device.t0) % device.step + 0.5)
        totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make browser-deps` (as root).")
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `make browser-deps`.")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def seed_data(transactional_db: None) -> Iterator[None]:
    """Make the transactional database look freshly migrated, and let its flush work.

    A transactional test ends with a flush that deletes every row: the registry's seed rows
    (the 20 activity fields, the areas) are gone for the next test, so they are put back here
    with the data migration's own idempotent function. On SQLite the flush is a DELETE, which
    the audit log's append-only trigger refuses, so the triggers are dropped just before the
    flush and created again before the next test (PostgreSQL flushes with TRUNCATE, which the
    row triggers do not see).
    """
    from django.apps import apps
    from django.db import connection

    seed = importlib.import_module("kyodo.registry.migrations.0002_seed_fields_and_areas")
    triggers = importlib.import_module("kyodo.audit.migrations.0002_append_only_triggers")
    sqlite = connection.vendor == "sqlite"
    drop = [
        "DROP TRIGGER IF EXISTS audit_event_no_update;",
        "DROP TRIGGER IF EXISTS audit_event_no_delete;",
    ]
    if sqlite:
        with connection.cursor() as cursor:
            for statement in drop + triggers.SQLITE:
                cursor.execute(statement)
    seed.seed(apps, None)
    yield
    if sqlite:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)


@pytest.fixture
def server(live_server: Any, seed_data: None) -> str:
    """Base URL of the app served for the browser (live_server, transactional DB, seeded)."""
    return str(live_server.url)


@pytest.fixture
def browser_tools(
    request: pytest.FixtureRequest, browser: Browser, server: str
) -> Iterator[BrowserTools]:
    if request.node.get_closest_marker("browser") is None:
        pytest.fail("browser tests must be marked @pytest.mark.browser (make test-fast skips them)")
    slug = re.sub(r"[^\w\-]+", "-", request.node.name).strip("-")
    artifacts = ARTIFACTS / slug
    if artifacts.exists():
        for old in artifacts.glob("*.png"):
            old.unlink()
    tools = BrowserTools(browser, server, artifacts)
    yield tools
    problems = tools.problems()
    tools.close()
    if problems and not getattr(request.node, "_browser_failed", False):
        pytest.fail("\n".join(problems))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Remember a failed test body so teardown does not pile a second report on top of it.
    report = yield
    if report.when == "call" and report.failed:
        item._browser_failed = True  # type: ignore[attr-defined]
    return report


@pytest.fixture
def page(browser_tools: BrowserTools) -> Page:
    return browser_tools.new_page()


@pytest.fixture
def new_page(browser_tools: BrowserTools) -> Callable[..., Page]:
    return browser_tools.new_page


@pytest.fixture
def assert_accessible(browser_tools: BrowserTools) -> Callable[[Page, str], None]:
    return browser_tools.assert_accessible


@pytest.fixture
def login(browser_tools: BrowserTools) -> Callable[..., None]:
    return browser_tools.login
