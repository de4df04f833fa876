"""Gate: every page a person may open is reachable by clicking, from their own dashboard.

For each persona of the gates' world (tests/gates/conftest.py), a crawler signs in as that
person, starts at their dashboard (the anonymous visitor at the home page) and follows the
links of each page it reaches, and nothing else: no URL is typed, no form is sent. A page is
reached when a link to it appears on a reached page; downloads (PDF, Word, Excel, feeds) are
reached by their link and not fetched. Each URL pattern is fetched with at most a few
different objects, so the crawl stays small.

Then every URL pattern that the authorization matrix (tests/gates/test_authorization_matrix.py)
lets that persona GET must have been reached, or the gate fails naming the orphan pages per
persona. The few pages that are reached another way (a link in an e-mail, a feed's secret
address, the load balancer's health check) are listed in REACHED_OTHERWISE with the way.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.gates.conftest import PERSONAS, World
from tests.gates.test_authorization_matrix import MATRIX, PATTERNS

pytestmark = pytest.mark.django_db

HREF = re.compile(r"""<a\b[^>]*?\shref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
SKIP_PREFIXES = ("/static/", "/media/", "/i18n/", "/accounts/logout/")
DOWNLOAD = re.compile(
    r"\.(csv|xlsx|pdf|docx|ics|atom)(\?|$)|/(pdf|docx)/$|/bundles/\d+/file/$"
    r"|/documents/\d+/$|/proposal-files/\d+/$|/feed/|[?&](export|format)="
)
FETCHES_PER_PATTERN = 8

# Pages no page links to, on purpose, and how people reach them instead.
REACHED_OTHERWISE: dict[str, str] = {
    "core:healthz": "the load balancer's health check, not a page for people",
    "accounts:verify_email": "the link in the sign-up mail",
    "accounts:sign_up_sent": "where sign-up sends the person after the form",
    "accounts:password_reset_done": "where the reset form sends the person",
    "accounts:password_reset_confirm": "the link in the password-reset mail",
    "accounts:password_reset_complete": "where the new-password form sends the person",
    "accounts:otp_verify": "the second step of a staff log-in",
    "accounts:otp_setup": "where a staff member without a device is sent at log-in",
    "registry:accept_invitation": "the link in the invitation mail",
    "registry:postal_lookup": "fetched by the group form's script as a postal code is typed",
    "surveys:answer": "the respondent's own save-and-resume link (a secret), or 回答を始める",
    "surveys:answer_done": "where sending the answers leads",
    "booking:group_ical": "the group's secret feed address, shown to copy into a calendar",
    "set_language": "the language switch is a form, not a link",
}


def _name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(world: World, persona: str) -> set[str]:
    """The URL pattern names a persona reaches by following links from their start page."""
    client = world.client_for(persona)
    start = "/" if persona == "anonymous" else "/dashboard/"
    queue: deque[str] = deque([start])
    seen: set[str] = {start}
    fetched: dict[str, int] = {}
    reached: set[str] = set()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            link = urldefrag(unescape(href))[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site, mailto:, tel:
            if parts.path.startswith(SKIP_PREFIXES):
                continue
            name = _name(parts.path)
            if name is None:
                continue
            reached.add(name)
            if link in seen or DOWNLOAD.search(link):
                continue
            if fetched.get(name, 0) >= FETCHES_PER_PATTERN:
                continue
            fetched[name] = fetched.get(name, 0) + 1
            seen.add(link)
            queue.append(link)
    reached.add(_name(start) or "")
    return reached


# Pages for people who are not signed in: a signed-in person is not offered them.
SIGNED_OUT_ONLY = frozenset({"accounts:login", "accounts:sign_up"})


def expected_pages(persona: str) -> set[str]:
    return {
        name
        for name, rule in MATRIX.items()
        if name in PATTERNS
        and "GET" in rule.methods
        and persona in rule.allowed
        and rule.status is None
        and name not in REACHED_OTHERWISE
        and (persona == "anonymous" or name not in SIGNED_OUT_ONLY)
    }


@pytest.mark.slow
def test_it_reaches_every_page_a_person_may_open_by_clicking(shared_world: World) -> None:
    orphans: dict[str, list[str]] = {}
    for persona in PERSONAS:
        missing = sorted(expected_pages(persona) - crawl(shared_world, persona))
        if missing:
            orphans[persona] = missing
    report = "\n".join(f"{p}: {', '.join(names)}" for p, names in orphans.items())
    assert not orphans, "Pages no link leads to, per persona:\n" + report


def test_it_names_a_page_that_no_link_leads_to(shared_world: World) -> None:
    """The crawler itself can fail: a pattern the matrix lets the office open but that no
    page links to (the health check, taken off the exemptions) is reported."""
    reached = crawl(shared_world, "office_staff")
    assert "portal:dashboard" in reached
    assert "core:healthz" not in reached
