"""The scale-out rehearsal's machinery: a PostgreSQL database, a Redis database, two
gunicorn app processes and two task workers, all on 127.0.0.1, and an HTTP client that
talks to them as a person's browser would (cookies, CSRF tokens, forms found in the page).

Everything runs in subprocesses with bounded timeouts and is stopped by `Cluster.stop()`;
the database is dropped and the Redis database flushed at the end.
"""

from __future__ import annotations

import email
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
POSTGRES_ADMIN_URL = os.environ.get(
    "SCALEOUT_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/5")
QUEUES = "default,mail,documents,imports"
# Demo groups 17 and 34 await the center's review (see seed_demo); fewer groups, faster seed.
SEED_GROUPS = 40


_STARTED = time.monotonic()


def say(message: str) -> None:
    """Narrate a step (shown by `make scaleout`, which runs pytest with -s)."""
    print(f"scaleout [{time.monotonic() - _STARTED:5.1f} s]: {message}", flush=True)


def unreachable() -> str:
    """Why the rehearsal cannot run here, or "" when PostgreSQL and Redis both answer."""
    import psycopg
    import redis

    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            pass
    except psycopg.Error as exc:
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} is unreachable ({exc.__class__.__name__})"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis at {REDIS_URL} is unreachable ({exc.__class__.__name__})"
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# --- HTML forms ---------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        return dict(self.fields)

    def with_values(self, **changes: str) -> list[tuple[str, str]]:
        out = [(k, changes.get(k, v)) for k, v in self.fields]
        return out + [(k, v) for k, v in changes.items() if k not in dict(self.fields)]

    def offers(self, name: str, value: str) -> bool:
        """Whether submitting this form can send name=value (a hidden field or a button)."""
        return (name, value) in self.fields or (name, value) in self.buttons

    def pressing(self, name: str, value: str) -> list[tuple[str, str]]:
        """What the browser sends when the button name=value is pressed (a hidden one goes anyway)."""
        pressed = [(name, value)] if (name, value) in self.buttons else []
        return self.fields + pressed


class _FormParser(HTMLParser):
    """Every <form> with what a browser would submit: inputs (checkboxes and radios only
    when checked), textareas, the selected options of selects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "image", "file"):
                return
            self._form.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "button" and name:
            self._form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._form.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._form is not None and self._textarea is not None:
            self._form.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._form is not None and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "form":
            self._form = None


def parse_page(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    return parser


# --- a browser of one person ----------------------------------------------------------------


@dataclass
class Response:
    status: int
    url: str
    text: str


class Browser:
    """One person's cookies, sent to whichever app process a request goes to (the
    sessions live in the shared database, so a session opened on one works on both)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, data: list[tuple[str, str]] | None = None
    ) -> Response:
        for _hop in range(10):
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            headers = {"Host": HOST, "Accept-Language": "ja"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if method == "POST":
                body = urllib.parse.urlencode(data or [])
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                headers["Referer"] = f"http://{HOST}:{port}{path}"
            try:
                conn.request(method, path, body=body, headers=headers)
                raw = conn.getresponse()
                text = raw.read().decode("utf-8", errors="replace")
            finally:
                conn.close()
            for header in raw.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if "expires=Thu, 01 Jan 1970" in header or value in ("", '""'):
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
            if raw.status in (301, 302, 303) and raw.getheader("Location"):
                location = urllib.parse.urljoin(path, raw.getheader("Location") or "")
                parsed = urllib.parse.urlsplit(location)
                path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
                method, data = "GET", None
                continue
            return Response(raw.status, path, text)
        raise RuntimeError(f"too many redirects from {path}")

    def get(self, port: int, path: str, **query: str) -> Response:
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return self.request(port, "GET", path)

    def submit(
        self, port: int, page: Response, form: Form, data: list[tuple[str, str]] | None = None
    ) -> Response:
        action = form.action or page.url
        return self.request(port, "POST", action, data if data is not None else form.fields)

    def log_in(self, port: int, email_address: str, password: str, totp_hex: str = "") -> None:
        page = self.get(port, "/accounts/login/")
        form = next(f for f in parse_page(page.text).forms if "password" in f.values())
        after = self.submit(
            port, page, form, form.with_values(username=email_address, password=password)
        )
        if "/accounts/otp/verify/" in after.url:
            from django_otp.oath import TOTP

            code = f"{TOTP(bytes.fromhex(totp_hex)).token():06d}"
            otp = next(f for f in parse_page(after.text).forms if "token" in f.values())
            after = self.submit(port, after, otp, otp.with_values(token=code))
        if after.status != 200 or "/accounts/" in after.url:
            raise AssertionError(f"{email_address} could not log in (ended on {after.url})")


# --- the processes --------------------------------------------------------------------------


class Cluster:
    def __init__(self, workdir: Path) -> None:
        self.db = f"kyodo_scaleout_{os.getpid()}"
        self.workdir = workdir
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.ports = [free_port(), free_port()]
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.logs: dict[str, Path] = {}
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        self.database_url = f"{base}/{self.db}"
        drop = {"KYODO_TESTING", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env.update(
            {
                "DEBUG": "0",
                "SECRET_KEY": "scaleout-rehearsal-only-not-a-secret-" + "x" * 30,
                "ALLOWED_HOSTS": HOST,
                "SITE_URL": f"http://{HOST}:{self.ports[0]}",
                "DATABASE_URL": self.database_url,
                "REDIS_URL": REDIS_URL,
                "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(self.mail_dir),
                "SECURE_SSL_REDIRECT": "0",
                "LOG_LEVEL": "WARNING",
            }
        )

    # database and cache

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query, params)
            return list(cursor.fetchall()) if cursor.description else []

    def manage(self, *args: str, timeout: float = 120) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args, "--skip-checks"],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=timeout,
        )

    def prepare(self) -> None:
        import redis

        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db}"')
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()
        say(f"migrating PostgreSQL database {self.db} …")
        self.manage("migrate", "--noinput")

    # processes

    def _start(self, name: str, args: list[str]) -> None:
        log = self.workdir / f"{name}.log"
        self.logs[name] = log
        with log.open("wb") as handle:
            proc = subprocess.Popen(
                args, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT
            )
        self.procs.append((name, proc))

    def start(self) -> None:
        """Start the four processes, load the demo meanwhile (its mail is the workers' first
        work), and wait until both app processes answer."""
        self._start(
            "seed",
            [
                sys.executable,
                "manage.py",
                "seed_demo",
                "--groups",
                str(SEED_GROUPS),
                "--skip-checks",
            ],
        )
        seed = self.procs[-1]
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        for i, port in enumerate(self.ports, start=1):
            self._start(
                f"app{i}",
                [gunicorn, "kyodo.wsgi:application", "--workers", "1", "--bind", f"{HOST}:{port}"],
            )
        for i in (1, 2):
            self._start(
                f"worker{i}",
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--queue-name",
                    QUEUES,
                    "--interval",
                    "0.2",
                    "--no-reload",
                    "--no-startup-delay",
                    "--worker-id",
                    f"scaleout-{i}",
                    "--skip-checks",  # the fast suite runs the system checks
                ],
            )
        say(f"two gunicorns on {HOST}:{self.ports[0]} and :{self.ports[1]}, two db_workers")
        deadline = time.monotonic() + 60
        for port in self.ports:
            while True:
                self.check_alive()
                try:
                    if Browser().get(port, "/healthz").status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn on port {port} did not answer in 60 s")
                time.sleep(0.2)
        say("both app processes answer")
        if seed[1].wait(timeout=120) != 0:
            raise RuntimeError("seed_demo failed:\n" + self.logs["seed"].read_text()[-3000:])
        self.procs.remove(seed)
        say("demo loaded")

    def check_alive(self) -> None:
        for name, proc in self.procs:
            if name != "seed" and proc.poll() is not None:
                log = self.logs[name].read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited ({proc.returncode}):\n{log}")

    def stop(self) -> None:
        for _name, proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _name, proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        self.procs = []

    def destroy(self) -> None:
        import redis

        self.stop()
        try:
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        finally:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()

    # mail

    def mails(self) -> list[email.message.Message]:
        """Every message the workers wrote (the file backend appends each message to a
        file of its connection, followed by a line of 79 dashes)."""
        separator = "\n" + "-" * 79 + "\n"
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text(encoding="utf-8", errors="replace").split(separator):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk))
        return messages
