"""Gate: Kyodo's security baseline, checked on every page and in production settings.

- `manage.py check --deploy` with production settings reports nothing;
- production answers with HSTS, Secure + HttpOnly cookies and an HTTPS redirect;
- every page (every GET row of the authorization matrix) carries a Content-Security-Policy
  without 'unsafe-inline' in script-src, frame-ancestors 'none' + X-Frame-Options DENY,
  a Referrer-Policy and nosniff;
- uploads: size limit, type read from the content, stored outside the web root (MEDIA_URL
  is never routed), handed out only through a permission check as an attachment;
- user data is never marked safe outside kyodo/core/sanitize.py (a static check with an
  explicit allow-list), and the sanitiser strips what could run;
- exports neutralise spreadsheet formulas;
- log-in throttling and the staff second factor hold (detailed tests live in tests/unit/).
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from kyodo.core.exports import safe_cell
from kyodo.core.sanitize import clean_html, rich_text
from kyodo.registry.models import GroupDocument
from tests import factories
from tests.gates.conftest import PDF_BYTES, PERSONAS, World
from tests.gates.test_authorization_matrix import MATRIX, PATTERNS, _url

ROOT = Path(settings.BASE_DIR)


def _production_env(tmp_path: Path) -> dict[str, str]:
    # Only what production would have: no test switches (the browser fixtures set
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which the deploy check rightly refuses).
    test_only = ("KYODO_TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "kyodo.example.jp",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "kyodo.settings",
        }
    )
    return env


# --- production settings ------------------------------------------------------------------


def test_it_passes_the_deployment_checklist_in_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
c = Client()
plain = c.get("/accounts/login/", HTTP_HOST="kyodo.example.jp")
r = c.get("/accounts/login/", HTTP_HOST="kyodo.example.jp", secure=True)
from django.conf import settings
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "status": r.status_code,
    "headers": dict(r.headers),
    "cookies": {k: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                    "samesite": m["samesite"]} for k, m in r.cookies.items()},
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "debug": settings.DEBUG,
}))
"""


def test_it_sends_hsts_and_secure_cookies_in_production(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["debug"] is False
    assert probe["plain_status"] == 301
    assert probe["plain_location"].startswith("https://kyodo.example.jp/")
    assert probe["status"] == 200
    hsts = probe["headers"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert probe["session_secure"] and probe["session_httponly"] and probe["csrf_secure"]
    assert probe["cookies"]["csrftoken"] == {"secure": True, "httponly": True, "samesite": "Lax"}


# --- headers on every page ------------------------------------------------------------------


def _page_rows() -> list[str]:
    return sorted(n for n, r in MATRIX.items() if n in PATTERNS and "GET" in r.methods)


def _check_headers(headers: Any, where: str) -> list[str]:
    problems = []
    csp = headers.get("Content-Security-Policy", "")
    directives = {
        d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()
    }  # name → directive
    script = directives.get("script-src", directives.get("default-src", ""))
    if not csp:
        problems.append(f"{where}: no Content-Security-Policy")
    if "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        problems.append(f"{where}: script-src allows inline or eval: {script}")
    if directives.get("frame-ancestors") != "frame-ancestors 'none'":
        problems.append(f"{where}: CSP frame-ancestors is not 'none'")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append(f"{where}: X-Frame-Options is {headers.get('X-Frame-Options')!r}")
    if not headers.get("Referrer-Policy"):
        problems.append(f"{where}: no Referrer-Policy")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: no X-Content-Type-Options: nosniff")
    return problems


def test_it_sends_the_security_headers_on_every_page(full_world: World) -> None:
    world = full_world
    problems: list[str] = []
    pages = 0
    for name in _page_rows():
        rule = MATRIX[name]
        persona = next(p for p in PERSONAS if p in rule.allowed)
        url = _url(world, name, rule)
        response = world.cell(persona, "GET", url, None, rule.prepare)
        problems += _check_headers(response.headers, f"GET {url} as {persona}")
        pages += 1
    # Error pages too: 403, 404, and the log-in redirect.
    for persona, url in [
        ("member_b", reverse("registry:my_group", args=[world.group_a.pk])),
        ("anonymous", "/no-such-page/"),
        ("anonymous", reverse("portal:dashboard")),
    ]:
        problems += _check_headers(world.cell(persona, "GET", url).headers, f"GET {url}")
    assert pages >= 20
    assert not problems, "\n".join(problems)


# --- uploads ------------------------------------------------------------------------------


def _upload(world: World, name: str, content: bytes) -> Any:
    client = world.client_for("representative_a")
    return client.post(
        reverse("registry:document_upload", args=[world.group_a.pk]),
        {"kind": "other", "file": SimpleUploadedFile(name, content), "is_public": ""},
        follow=True,
    )


def test_it_refuses_an_upload_over_the_size_limit(world: World, settings: Any) -> None:
    settings.KYODO_MAX_UPLOAD_BYTES = 1024 * 1024
    before = GroupDocument.objects.count()
    response = _upload(world, "big.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 1))
    assert "ファイルが大きすぎます" in response.content.decode()
    assert GroupDocument.objects.count() == before


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, body in members.items():
            archive.writestr(member, body)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.pdf", b"<html><script>alert(1)</script></html>"),
        ("report.docx", b"MZ\x90\x00\x03" + b"\x00" * 200),  # a Windows executable
        ("page.html", b"<!doctype html><p>hi"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("letter.docx", _zip_of({"evil.html": b"<script>alert(1)</script>"})),
    ],
)
def test_it_reads_the_type_from_the_content_not_the_name(
    world: World, name: str, content: bytes
) -> None:
    before = GroupDocument.objects.count()
    response = _upload(world, name, content)
    assert "のファイルを選んでください" in response.content.decode()
    assert GroupDocument.objects.count() == before


def test_it_keeps_uploads_outside_the_web_root_and_serves_them_as_attachments(
    world: World,
) -> None:
    response = _upload(world, "minutes.pdf", PDF_BYTES)
    document = GroupDocument.objects.get(original_name="minutes.pdf")
    assert document.content_type == "application/pdf"
    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    for web_dir in [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]:
        assert not stored.is_relative_to(Path(web_dir).resolve())
    # MEDIA_URL is not a route: the only way to the file is the permission-checked view.
    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + document.file.name)
    assert Client().get(settings.MEDIA_URL + document.file.name).status_code == 404
    response = world.client_for("representative_a").get(
        reverse("registry:document_download", args=[document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        world.client_for("member_b")
        .get(reverse("registry:document_download", args=[document.pk]))
        .status_code
        == 403
    )


# --- user data is never marked safe ----------------------------------------------------------

# Every place allowed to mark text safe, and why. Add an entry only with a reason a reviewer
# can check; user data goes through kyodo.core.sanitize instead.
SAFE_ALLOW_LIST: dict[str, str] = {
    "kyodo/core/sanitize.py": "the sanitiser: marks nh3's output (or escaped text) safe",
    "kyodo/core/templatetags/kyodo_text.py": "the rich_text filter over the sanitiser",
    "kyodo/registry/cards.py": (
        "the directory cards: every value through html.escape, byte-identical to the template"
        " loop with hostile names (tests/registry/test_it_writes_the_cards_as_the_template_did)"
    ),
    "kyodo/core/forms_renderer.py": (
        "the select widget: every name, value and label escaped as autoescape does, compared"
        " with Django's templates for safe, lazy and hostile labels (tests/unit/test_select_widget)"
    ),
}
# Plain-text e-mail bodies are not HTML: escaping would show &amp; to the reader.
TEXT_EMAIL = re.compile(r"(^|/)email/[^/]+\.txt$")
TEMPLATE_PATTERNS = re.compile(r"\|\s*safe(seq)?\b|\{%\s*autoescape\s+off")
CODE_PATTERNS = re.compile(r"\bmark_safe\s*\(|\bSafeString\s*\(|\bSafeText\s*\(|\|\s*safe\b")


def _source_files() -> list[Path]:
    files = []
    for base in (ROOT / "kyodo", ROOT / "templates"):
        for path in base.rglob("*"):
            wanted = path.suffix in {".html", ".txt", ".py", ".xml", ".svg"}
            generated = "migrations" in path.parts or "__pycache__" in path.parts
            if wanted and not generated and path.is_file():
                files.append(path)
    return files


def test_it_never_marks_user_data_safe_outside_the_allow_list() -> None:
    found = []
    for path in _source_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in SAFE_ALLOW_LIST:
            continue
        pattern = CODE_PATTERNS if path.suffix == ".py" else TEMPLATE_PATTERNS
        if path.suffix != ".py" and TEXT_EMAIL.search(rel):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert not found, (
        "Marking text safe bypasses escaping. Use {{ value|rich_text }} ({% load kyodo_text %})"
        " for user HTML; build markup from values with format_html / format_html_join (they"
        " escape each value); or add the file to SAFE_ALLOW_LIST with a reason:\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://example.com"></iframe>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<form action="https://evil.example"><input name=q></form>',
    ],
)
def test_it_strips_everything_that_could_run_from_rich_text(attack: str) -> None:
    cleaned = clean_html(attack).lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "style=", "<form"):
        assert bad not in cleaned, (attack, cleaned)
    assert "<script" not in str(rich_text(attack)).lower()


def test_it_keeps_harmless_formatting_and_escapes_plain_text() -> None:
    assert clean_html("<p><strong>説明</strong></p>") == "<p><strong>説明</strong></p>"
    assert str(rich_text("1行目\n2行目 & <")) != ""
    assert "&amp;" in str(rich_text("A & B"))


# --- exports --------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_it_neutralises_spreadsheet_formulas(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_it_neutralises_formulas_in_the_real_exports(world: World) -> None:
    evil = factories.CivicGroupFactory(
        registered=True, name='=HYPERLINK("http://evil.example","開く")', name_kana="あ"
    )
    export = world.client_for("anonymous").get(reverse("registry:directory_export"))
    body = b"".join(export.streaming_content) if export.streaming else export.content
    csv_text = body.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    assert '\n"=HYPERLINK' not in csv_text and ",=HYPERLINK" not in csv_text
    xlsx = world.client_for("center_staff").get(reverse("registry:staff_list") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'" + evil.name in names


# --- log-in throttling and the staff second factor ------------------------------------------


def test_it_locks_log_in_after_repeated_failures(db: None, settings: Any) -> None:
    user = factories.UserFactory(email="target@example.jp")
    client = Client()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": user.email, "password": "wrong"})
    locked = client.post(url, {"username": user.email, "password": factories.PASSWORD})
    assert locked.status_code in (403, 429)
    assert "ログインを一時停止しています" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_lets_staff_in_only_after_the_second_factor(db: None) -> None:
    staff = factories.staff_user("center_staff", email="staff@example.jp")
    device = TOTPDevice.objects.get(user=staff)
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": staff.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    staff_page = reverse("registry:staff_list")
    refused = client.get(staff_page)
    assert refused.status_code == 302 and refused["Location"].startswith(
        reverse("accounts:otp_verify")
    )
    wrong = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert wrong.status_code == 200 and client.get(staff_page).status_code == 302
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    # Straight after a wrong code the device is throttled: even the right code waits.
    client.post(reverse("accounts:otp_verify"), {"token": code})
    assert client.get(staff_page).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    client.post(reverse("accounts:otp_verify") + f"?next={staff_page}", {"token": code})
    assert client.get(staff_page).status_code == 200
