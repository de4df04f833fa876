"""The forms of Kyodo as the gates find them: every page of the authorization matrix, opened
as a persona who may see it (and as an anonymous visitor where allowed), parsed for <form>s.

Used by the hostile-input and submit-once gates. A form is named by its key: the method and
the URL name its action resolves to, with the URL's word arguments (not its ids), e.g.
"POST review:committee_act[step=member]". Gates run one test case per key, so the cases
spread over the xdist workers; the same form seen by several personas is one key with
several `Form`s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import resolve

from kyodo.core.once import FIELD as ONCE_FIELD
from tests.gates.conftest import World
from tests.gates.test_authorization_matrix import MATRIX, PATTERNS, _url

SKIP_FIELDS = {"csrfmiddlewaretoken", ONCE_FIELD, "next"}
TEXT_TYPES = {"text", "email", "url", "number", "tel", "date", "search", "password", "hidden", ""}
PERSONA_PREFERENCE = [
    "representative_a",
    "center_staff",
    "office_staff",
    "administrator",
    "department_staff",
    "committee_member",
    "resident",
    "anonymous",
]


@dataclass
class Form:
    page: str
    persona: str
    method: str
    action: str
    text: list[str] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)
    multi: set[str] = field(default_factory=set)
    checkboxes: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    fixed: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    # What the page filled in: text values, selected options, ticked boxes.
    values: dict[str, str] = field(default_factory=dict)
    selected: dict[str, list[str]] = field(default_factory=dict)
    checked: dict[str, list[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    once_tokens: int = 0
    prepare: Callable[[World], None] | None = None

    @property
    def key(self) -> str:
        return form_key(self.method, self.action)

    @property
    def identity(self) -> tuple[Any, ...]:
        return (self.persona, self.method, self.action, tuple(sorted(self.text)))


# URL arguments that are secrets made afresh for each world (an answer link's token): the
# key names the argument, not its value, so that it is the same in every run.
SECRET_ARGUMENTS = {"token", "secret", "code"}


def form_key(method: str, action: str) -> str:
    match = resolve(urlsplit(action).path)
    words = [
        f"{k}=*" if k in SECRET_ARGUMENTS else f"{k}={v}"
        for k, v in sorted(match.kwargs.items())
        if not str(v).isdigit()
    ]
    return f"{method} {match.view_name}" + (f"[{','.join(words)}]" if words else "")


class FormParser(HTMLParser):
    def __init__(self, page: str, persona: str) -> None:
        super().__init__()
        self.page, self.persona = page, persona
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "option":
            if self.current is not None and self.select is not None and "value" in a:
                self.current.choices[self.select].append(a["value"])  # "" too: "choose…"
                if "selected" in a:
                    self.current.selected.setdefault(self.select, []).append(a["value"])
            return
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self.current = Form(self.page, self.persona, (a.get("method") or "get").upper(), action)
            self.forms.append(self.current)
            return
        form, name = self.current, a.get("name", "")
        if form is None or not name:
            return
        if "required" in a:
            form.required.add(name)
        if tag == "button" and a.get("type", "submit") == "submit":
            form.buttons.append((name, a.get("value", "")))
            return
        if tag == "textarea":
            form.text.append(name)
            self.textarea = name
            form.values[name] = ""
        elif tag == "select":
            self.select = name
            form.choices.setdefault(name, [])
            if "multiple" in a:
                form.multi.add(name)
        elif tag == "input":
            kind = a.get("type", "").lower()
            if name == ONCE_FIELD:
                form.once_tokens += 1
            if name in SKIP_FIELDS:
                if name != ONCE_FIELD:
                    form.fixed[name] = a.get("value", "")
            elif kind in ("checkbox", "radio"):
                form.checkboxes.setdefault(name, a.get("value", "on"))
                if "checked" in a:
                    form.checked.setdefault(name, []).append(a.get("value", "on"))
            elif kind == "file":
                form.files.append(name)
            elif kind in ("submit", "image"):
                form.buttons.append((name, a.get("value", "")))
            elif kind in ("button", "reset"):
                pass
            elif kind in TEXT_TYPES:
                form.text.append(name)
                form.values[name] = a.get("value", "")
                form.types[name] = kind or "text"

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.textarea is not None:
            self.current.values[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.current is not None and self.textarea is not None:
                # The newline after <textarea> is not part of the value (HTML parsing rules).
                value = self.current.values[self.textarea]
                self.current.values[self.textarea] = value.removeprefix("\n")
            self.textarea = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def discover_forms(world: World, *, every_persona: bool = False) -> list[Form]:
    """Every form on every page the matrix lists, as the first persona of PERSONA_PREFERENCE
    who may see the page and as an anonymous visitor where allowed; with `every_persona`, as
    every persona of PERSONA_PREFERENCE who may (forms only staff see on a group's page)."""
    cache_key = f"_discovered_forms_{every_persona}"
    cached: list[Form] | None = world.extra.get(cache_key)
    if cached is not None:
        return cached
    forms: dict[tuple[Any, ...], Form] = {}
    for name in sorted(n for n, r in MATRIX.items() if n in PATTERNS and "GET" in r.methods):
        rule = MATRIX[name]
        url = _url(world, name, rule)
        personas = [p for p in PERSONA_PREFERENCE if p in rule.allowed]
        if not every_persona:
            personas = personas[:1]
        if "anonymous" in rule.allowed:
            personas.append("anonymous")
        for persona in dict.fromkeys(personas):
            response = world.cell(persona, "GET", url, None, rule.prepare)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser(url, persona)
            parser.feed(response.content.decode())
            for form in parser.forms:
                form.prepare = rule.prepare
                forms.setdefault(form.identity, form)
    found = list(forms.values())
    world.extra[cache_key] = found
    return found


def by_key(forms: list[Form]) -> dict[str, list[Form]]:
    grouped: dict[str, list[Form]] = defaultdict(list)
    for form in forms:
        grouped[form.key].append(form)
    return dict(grouped)
