"""Gate in a real browser: every page each role can reach is accessible, valid and fast.

The demo data (`seed_demo`: the Kamakura sections, one log-in per role, the groups, and
the proposal and review demos) is loaded into the live server's database. Then, for each
role — resident, group representative, center staff, programme office, department staff,
committee member, administrator — the crawler logs in through the real forms and follows
same-origin links breadth-first from the home page and the dashboard (capped per role, and
a page one role has rendered is not rendered again for the next;
log-out, language switches and POST-only actions are not links, downloads are fetched but
not rendered). On every page:
  - axe-core, WCAG 2.1 A and AA: no violation (the harness's assert_accessible);
  - no JavaScript console error;
  - the server answered in under 1 s;
and every link found answers neither 404 nor 500. The HTML of all pages is then checked
once, in one batch, by the Nu HTML Checker (vnu.jar from the npm package vnu-jar):
no error. The number of pages crawled is printed and written to
test-artifacts/crawl-summary.json.

A second test does one journey with the keyboard alone (Tab, Shift+Tab, Enter, Space and
typing): log in, open a form, send it with an error, land on the error summary, follow it
to the field, correct, send.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from tests.browser.conftest import ARTIFACTS, ROOT, BrowserTools, totp_code

pytestmark = pytest.mark.browser

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTML_DIR = ARTIFACTS / "crawl-html"
PAGES_PER_ROLE = 25
VARIANTS_PER_PATH = 2  # ?page=2, ?field=3 …: a path is crawled with at most this many queries
SLOW_SECONDS = 1.0
SKIP_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/", "/accounts/otp/")
DOWNLOAD = re.compile(
    r"\.(csv|xlsx|pdf|docx|ics|atom)(\?|$)|/(pdf|docx)/$|/bundles/\d+/file/$"
    r"|/documents/\d+/$|/proposal-files/\d+/$|[?&]export="
)
ROLES = {
    "resident": "resident@kyodo.example",
    "representative": "rep@kyodo.example",
    "center_staff": "center@kyodo.example",
    "office": "office@kyodo.example",
    "department": "dept@kyodo.example",
    "committee": "committee@kyodo.example",
    "administrator": "admin@kyodo.example",
}


@pytest.fixture
def demo(server: str) -> str:
    """The live server with the demo data loaded by seed_demo's own logic."""
    call_command("seed_demo", verbosity=0)
    return server


def _links(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "a[href]", "els => els.map(e => e.href).filter(h => h.startsWith(location.origin))"
    )


def _html_name(number: int, role: str, path: str) -> Path:
    slug = re.sub(r"[^\w]+", "-", path).strip("-") or "home"
    return HTML_DIR / f"{number:03d}-{role}-{slug[:60]}.html"


def crawl(
    tools: BrowserTools, role: str, email: str, base: str, crawled: set[str]
) -> dict[str, Any]:
    """Breadth-first from the home page and the dashboard. A page another role has already
    rendered is not rendered again (only fetched, for its status): the roles' own pages get
    the budget."""
    from kyodo.accounts.models import User
    from kyodo.portal.management.commands.seed_demo import DEMO_PASSWORD

    user = User.objects.get(email=email)
    page = tools.new_page()
    tools.login(page, user, password=DEMO_PASSWORD)
    queue: deque[str] = deque([f"{base}/", f"{base}/dashboard/"])
    seen: set[str] = set(queue)
    variants: dict[str, int] = {}
    visited, problems, links = [], [], set()
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.popleft()
        path = urlsplit(url).path
        if DOWNLOAD.search(url):
            status = page.request.get(url).status
            if status >= 400:
                problems.append(f"[{role}] download {url} answered {status}")
            continue
        started = time.monotonic()
        response = page.goto(url, wait_until="load")
        elapsed = time.monotonic() - started
        status = response.status if response else 0
        if status in (404,) or status >= 500:
            problems.append(f"[{role}] {url} answered {status}")
        if elapsed > SLOW_SECONDS:
            problems.append(f"[{role}] {url} took {elapsed:.2f} s (limit {SLOW_SECONDS} s)")
        try:
            tools.assert_accessible(page, f"{role}-{path}")
        except AssertionError as exc:
            problems.append(f"[{role}] {exc}")
        if response and "text/html" in (response.headers.get("content-type") or ""):
            number = len(list(HTML_DIR.glob("*.html"))) + 1
            _html_name(number, role, path).write_bytes(response.body())
        visited.append(url)
        crawled.add(url)
        for link in _links(page):
            link = urldefrag(link)[0]
            links.add(link)
            link_path = urlsplit(link).path
            if link in seen or link in crawled or link_path.startswith(SKIP_PREFIXES):
                continue
            if urlsplit(link).query:
                if variants.get(link_path, 0) >= VARIANTS_PER_PATH:
                    continue
                variants[link_path] = variants.get(link_path, 0) + 1
            seen.add(link)
            queue.append(link)
    # Every link found, crawled or not, must lead somewhere.
    for link in sorted(links - set(visited)):
        if urlsplit(link).path.startswith(SKIP_PREFIXES):
            continue
        status = page.request.get(link, max_redirects=5).status
        if status == 404 or status >= 500:
            problems.append(f"[{role}] link {link} answered {status}")
    return {"role": role, "pages": visited, "links": len(links), "problems": problems}


def validate_html() -> list[str]:
    files = sorted(HTML_DIR.glob("*.html"))
    if not files:
        return ["no HTML saved to validate"]
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        f" [{(m.get('extract') or '').strip()[:80]}]"
        for m in report.get("messages", [])
        if m.get("type") == "error"
    ]


def test_it_crawls_every_role_clean(demo: str, browser_tools: BrowserTools) -> None:
    if not VNU.exists():
        pytest.fail("vnu-jar is missing: run `make browser-deps`.")
    if HTML_DIR.exists():
        shutil.rmtree(HTML_DIR)
    HTML_DIR.mkdir(parents=True)
    crawled: set[str] = set()
    runs = [crawl(browser_tools, role, email, demo, crawled) for role, email in ROLES.items()]
    problems = [p for run in runs for p in run["problems"]]
    problems += [f"[html] {m}" for m in validate_html()]
    pages = sum(len(run["pages"]) for run in runs)
    summary = {
        "pages": pages,
        "distinct_pages": len({u for run in runs for u in run["pages"]}),
        "by_role": {run["role"]: len(run["pages"]) for run in runs},
        "problems": len(problems),
    }
    (ARTIFACTS / "crawl-summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"crawl: {pages} pages over {len(ROLES)} roles: {summary['by_role']}")
    assert pages >= 7 * 3, summary
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# --- the keyboard-only journey -------------------------------------------------------------


def tab_to(page: Any, selector: str, *, limit: int = 200, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with {key} on {page.url}")


def press_and_wait(page: Any, key: str) -> None:
    """Press a key that sends a form or follows a link, and wait for the next document
    (redirects included) to have loaded."""
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def test_it_does_a_staff_journey_with_the_keyboard_alone(
    demo: str, browser_tools: BrowserTools
) -> None:
    from kyodo.accounts.models import User
    from kyodo.portal.management.commands.seed_demo import DEMO_PASSWORD
    from kyodo.registry.models import RegistrationApplication

    staff = User.objects.get(email=ROLES["center_staff"])
    page = browser_tools.new_page()
    check = browser_tools.assert_accessible

    page.goto("/accounts/login/")
    check(page, "kbd-login")
    tab_to(page, "input[name=username]")
    page.keyboard.type(staff.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(DEMO_PASSWORD)
    press_and_wait(page, "Enter")
    assert urlsplit(page.url).path == "/accounts/otp/verify/", page.url
    check(page, "kbd-totp")
    tab_to(page, "input[name=token]")
    page.keyboard.type(totp_code(staff))
    press_and_wait(page, "Enter")
    assert urlsplit(page.url).path == "/dashboard/", page.url
    check(page, "kbd-dashboard")

    # Open a submitted application from the dashboard's queue.
    tab_to(page, "a[href^='/staff/registry/applications/']")
    press_and_wait(page, "Enter")
    assert re.search(r"/staff/registry/applications/\d+/$", page.url), page.url
    check(page, "kbd-application")
    application = RegistrationApplication.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))
    assert application.status == "submitted"

    # Send the return form without its required reason: an error.
    tab_to(page, "form:has(input[value=return]) button[type=submit]")
    press_and_wait(page, "Space")  # the same URL comes back: wait for the new document
    check(page, "kbd-error")
    assert page.evaluate("document.activeElement.id") == "error-summary", "focus not on summary"
    # From the summary, its link leads to the field; then type the reason.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#error-summary') !== null")
    page.keyboard.press("Enter")
    if page.evaluate("document.activeElement.name") != "reason":
        tab_to(page, "textarea[name=reason]")
    page.keyboard.type("会則の写しを添付してください。")
    tab_to(page, "form:has(input[value=return]) button[type=submit]")
    press_and_wait(page, "Enter")
    assert urlsplit(page.url).path == "/staff/registry/applications/", page.url
    check(page, "kbd-done")
    application.refresh_from_db()
    assert application.status == "returned"
    assert application.return_reason == "会則の写しを添付してください。"
