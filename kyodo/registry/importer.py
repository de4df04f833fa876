"""CSV import of groups that are already registered (staff).

The file is the staff export's (registry.exports.STAFF_COLUMNS), so a list exported from
Kyodo, edited in Excel and saved again comes back in. Every row goes through the same
GroupForm as the online form, plus the registration's own columns; one bad row stops the
whole import, and each problem is reported with the physical line of the file it is on
(the header is line 1), so that staff can find it in a text editor or Excel.

Between the preview and the confirming POST the upload waits in the default file storage
under registry-imports/ (outside the web root, like every upload; S3 in production, so any
app process can pick it up). The confirming form carries only a signed, expiring token
naming the file, the person who uploaded it and the SHA-256 of its bytes: nobody can point
the import at another file, and what is imported is byte for byte what was previewed —
and it is validated again, inside the import's transaction, before anything is written.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record, diff
from kyodo.core.exports import FORMULA_TRIGGERS
from kyodo.core.permissions import authorize
from kyodo.japan.forms import JapaneseDateField
from kyodo.japan.text import nfkc
from kyodo.registry import selectors
from kyodo.registry.exports import STAFF_COLUMNS
from kyodo.registry.forms import GroupForm
from kyodo.registry.models import (
    DEFAULT_PUBLIC_ITEMS,
    ActivityField,
    Area,
    CivicGroup,
    LegalForm,
)
from kyodo.registry.services import _apply, group_profile

LABELS: dict[str, str] = dict(STAFF_COLUMNS)  # key → Japanese column header
KEYS: dict[str, str] = {label: key for key, label in STAFF_COLUMNS}
COLUMN_ORDER: dict[str, int] = {label: index for index, (_key, label) in enumerate(STAFF_COLUMNS)}
REGISTRATION_KEYS = ("registration_number", "registered_until", "first_registered_on")
REGISTRATION_NUMBER = re.compile(r"^\d{4}-\d{4}$")
FIELD_SEPARATORS = re.compile(r"[;,、・\s]+")
PREVIEW_ROWS = 10
STASH_DIR = "registry-imports"
STASH_MAX_AGE = 60 * 60  # seconds a preview stays confirmable
STASH_SALT = "kyodo.registry.import"
WHOLE_ROW = "（行全体）"


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""


class StashError(Exception):
    """The confirming POST names no usable preview (expired, tampered with, someone else's)."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("%(line)d行目「%(column)s」：%(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportRow:
    line: int
    registration_number: str
    registered_until: dt.date
    first_registered_on: dt.date | None
    data: dict[str, Any]
    fields: list[ActivityField]

    @property
    def legal_form_label(self) -> str:
        return str(LegalForm(self.data["legal_form"]).label)


@dataclass
class ParsedImport:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def preview(self) -> list[ImportRow]:
        return self.rows[:PREVIEW_ROWS]


class ImportInvalid(Exception):
    def __init__(self, parsed: ParsedImport):
        super().__init__("the import file has errors")
        self.parsed = parsed


# --- reading the file -------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or CP932, the two encodings Excel in Japan saves CSV in."""
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "Excel形式（.xlsx）のファイルは取り込めません。Excelで「CSV UTF-8」または「CSV」形式で保存し直してください。"
            )
        )
    unreadable = _(
        "ファイルの文字コードを読み取れません。UTF-8 または Shift_JIS（CP932）で保存したCSVファイルを選んでください。"
    )
    # NUL bytes mean UTF-16 ("Unicode テキスト") or a binary file, never CSV text.
    if b"\x00" in data:
        raise ImportFileError(unreadable)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        encodings = ["utf-8"]
    else:
        encodings = ["utf-8", "cp932"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(unreadable)


def _unescape(cell: str) -> str:
    """Undo the export's formula guard: "'=1+1" was written for a value "=1+1". Whatever a
    cell holds is stored as text; nothing is ever evaluated."""
    if cell.startswith("'") and cell[1:2] and cell[1:2] in FORMULA_TRIGGERS:
        return cell[1:]
    return cell


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(first physical line, cells) for each non-blank CSV record; a quoted cell may span
    lines, so the record number is not the line number."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    previous_end = 0
    try:
        for cells in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if any(c.strip() for c in cells):
                records.append((start, cells))
    except csv.Error as exc:
        raise ImportFileError(
            _('%(line)d行目でCSVとして読めなくなりました（引用符「"」の閉じ忘れなど）。')
            % {"line": reader.line_num}
        ) from exc
    return records


def _header(cells: list[str]) -> dict[str, int]:
    labels = [c.strip() for c in cells]
    missing = [label for label in LABELS.values() if label not in labels]
    unknown = [label for label in labels if label and label not in KEYS]
    doubled = sorted({label for label in labels if label and labels.count(label) > 1})
    problems = []
    if missing:
        problems.append(_("必要な列がありません：%(cols)s") % {"cols": "、".join(missing)})
    if unknown:
        problems.append(_("知らない列があります：%(cols)s") % {"cols": "、".join(unknown)})
    if doubled:
        problems.append(_("同じ列が2回あります：%(cols)s") % {"cols": "、".join(doubled)})
    if problems:
        raise ImportFileError(
            _("1行目（見出し行）：")
            + " ".join(problems)
            + " "
            + _(
                "「登録団体の管理」から書き出したCSVの見出しのまま、UTF-8 または Shift_JIS（CP932）で保存してください。"
            )
        )
    return {KEYS[label]: index for index, label in enumerate(labels) if label}


# --- validating a row --------------------------------------------------------------------------


@dataclass
class _Lookups:
    fields: dict[int, ActivityField]
    areas: dict[str, Area]
    legal_forms: dict[str, str]

    @classmethod
    def load(cls) -> _Lookups:
        legal: dict[str, str] = {}
        for value, label in LegalForm.choices:
            legal[nfkc(str(label))] = value
            legal[value] = value
        return cls(
            fields={f.number: f for f in ActivityField.objects.all()},
            areas={nfkc(a.name): a for a in Area.objects.all()},
            legal_forms=legal,
        )


_DATE = JapaneseDateField()


def _date(value: str, *, required: bool) -> dt.date | None:
    if not value.strip():
        if required:
            raise forms.ValidationError(_("日付を入力してください。"))
        return None
    return _DATE.clean(value)


def _registration_number(raw: str) -> str:
    return nfkc(raw).strip().replace("ー", "-").replace("−", "-")


def _row(
    line: int, values: dict[str, str], lookups: _Lookups, errors: list[RowError]
) -> ImportRow | None:
    own: dict[str, str] = {}  # column key → this module's own message for it

    number = _registration_number(values["registration_number"])
    if not number:
        own["registration_number"] = _("登録番号を入力してください。")
    elif not REGISTRATION_NUMBER.match(number):
        own["registration_number"] = _(
            "登録番号は「2025-0001」のように、年4桁・ハイフン・番号4桁で入力してください。"
        )
    dates: dict[str, dt.date | None] = {}
    for key, required in (("registered_until", True), ("first_registered_on", False)):
        try:
            dates[key] = _date(values[key], required=required)
        except forms.ValidationError as exc:
            own[key] = " ".join(exc.messages)

    data: dict[str, Any] = {
        key: value for key, value in values.items() if key not in REGISTRATION_KEYS
    }
    legal = nfkc(values["legal_form"]).strip()
    if legal:
        if legal in lookups.legal_forms:
            data["legal_form"] = lookups.legal_forms[legal]
        else:
            own["legal_form"] = _("法人格は次のいずれかで入力してください：%(list)s") % {
                "list": "、".join(str(label) for _v, label in LegalForm.choices)
            }
    tokens = [t for t in FIELD_SEPARATORS.split(nfkc(values["fields"])) if t]
    if tokens:
        if not all(t.isdigit() for t in tokens):
            own["fields"] = _(
                "活動分野は1〜20の番号を「;」で区切って入力してください（例：13;1）。"
            )
        else:
            unknown = [t for t in tokens if int(t) not in lookups.fields]
            if unknown:
                own["fields"] = _("活動分野の番号 %(numbers)s はありません（1〜20）。") % {
                    "numbers": "、".join(unknown)
                }
            else:
                data["fields"] = [str(lookups.fields[int(t)].pk) for t in tokens]
    else:
        data["fields"] = []
    area = nfkc(values["area"]).strip()
    if area:
        if area in lookups.areas:
            data["area"] = str(lookups.areas[area].pk)
        else:
            own["area"] = _(
                "活動地域「%(name)s」はありません。次のいずれかを入力してください：%(list)s"
            ) % {
                "name": area,
                "list": "、".join(a.name for a in lookups.areas.values()),
            }
    data["public_items"] = list(DEFAULT_PUBLIC_ITEMS)

    form = GroupForm(data={k: v for k, v in data.items() if k not in own})
    form.is_valid()
    for key, message in own.items():
        errors.append(RowError(line, LABELS[key], message))
    for name, messages in form.errors.items():
        if name in own:
            continue  # this module already said what is wrong with that column
        column = LABELS.get(name, WHOLE_ROW)
        errors.extend(RowError(line, column, str(m)) for m in messages)  # ErrorList yields str
    if own or form.errors:
        return None
    registered_until = dates["registered_until"]
    assert registered_until is not None  # required: _date raised instead of returning None
    return ImportRow(
        line=line,
        registration_number=number,
        registered_until=registered_until,
        first_registered_on=dates["first_registered_on"],
        data=form.profile_data(),
        fields=list(form.cleaned_data["fields"]),
    )


def parse(data: bytes) -> ParsedImport:
    """Validate a whole file; raises ImportFileError when it cannot be read at all."""
    records = _records(decode(data))
    if not records:
        raise ImportFileError(_("ファイルが空です。"))
    (header_line, header_cells), body = records[0], records[1:]
    if header_line != 1:
        raise ImportFileError(_("1行目に見出し行を置いてください。"))
    columns = _header(header_cells)
    if not body:
        raise ImportFileError(_("見出し行のほかに、取り込む行がありません。"))
    lookups = _Lookups.load()
    parsed = ParsedImport()
    first_line_of: dict[str, int] = {}
    for line, cells in body:
        if len(cells) != len(header_cells):
            parsed.errors.append(
                RowError(
                    line,
                    WHOLE_ROW,
                    _("列の数が見出し行と合いません（見出し %(h)d 列、この行 %(n)d 列）。")
                    % {"h": len(header_cells), "n": len(cells)},
                )
            )
            continue
        values = {key: _unescape(cells[index]) for key, index in columns.items()}
        row = _row(line, values, lookups, parsed.errors)
        # Duplicates are reported on every row with a well-formed number, clean or not,
        # so that one round of corrections fixes them all.
        number = _registration_number(values["registration_number"])
        if REGISTRATION_NUMBER.match(number):
            earlier = first_line_of.setdefault(number, line)
            if earlier != line:
                parsed.errors.append(
                    RowError(
                        line,
                        LABELS["registration_number"],
                        _("登録番号 %(number)s は %(line)d 行目と重複しています。")
                        % {"number": number, "line": earlier},
                    )
                )
                continue
        if row is not None:
            parsed.rows.append(row)
    taken = CivicGroup.objects.filter(registration_number__in=first_line_of).values_list(
        "registration_number", flat=True
    )
    for number in sorted(n for n in taken if n is not None):  # IN never matches NULL
        parsed.errors.append(
            RowError(
                first_line_of[number],
                LABELS["registration_number"],
                _("登録番号 %(number)s の団体はすでに登録されています。") % {"number": number},
            )
        )
    parsed.errors.sort(key=lambda e: (e.line, COLUMN_ORDER.get(e.column, len(COLUMN_ORDER))))
    return parsed


# --- the write ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    groups: list[CivicGroup]
    digest: str


@transaction.atomic
def groups_import(*, actor: User, data: bytes, filename: str) -> ImportOutcome:
    """Validate `data` again and, only if every row is clean, create every group in it."""
    authorize(actor, "registry.import_groups")
    parsed = parse(data)
    if not parsed.ok:
        raise ImportInvalid(parsed)
    digest = hashlib.sha256(data).hexdigest()
    groups = []
    for row in parsed.rows:
        group = CivicGroup()
        _apply(group, row.data)
        group.registration_number = row.registration_number
        group.registered_until = row.registered_until
        group.first_registered_on = row.first_registered_on
        group.save()
        group.fields.set(row.fields)
        audit_record(
            actor=actor,
            action="group.import",
            target=group,
            summary=_("%(file)s の%(line)d行目から取込み") % {"file": filename, "line": row.line},
            changes=diff(
                {},
                {
                    **group_profile(group),
                    "registration_number": group.registration_number,
                    "registered_until": group.registered_until,
                    "first_registered_on": group.first_registered_on,
                },
            ),
        )
        groups.append(group)
    selectors.directory_changed()
    audit_record(
        actor=actor,
        action="registry.import",
        target_type="registry.import",
        target_id=digest[:16],
        summary=_("%(file)s から%(count)d団体を取込み") % {"file": filename, "count": len(groups)},
        changes={
            "file": [None, filename],
            "sha256": [None, digest],
            "count": [None, len(groups)],
            "registration_numbers": [None, [g.registration_number for g in groups]],
        },
    )
    return ImportOutcome(groups=groups, digest=digest)


# --- keeping the upload between preview and confirmation ---------------------------------------


def stash_upload(*, actor: User, data: bytes, filename: str) -> str:
    """Store the previewed file and return the signed token the confirming form carries."""
    _prune_stash()
    name = default_storage.save(f"{STASH_DIR}/{secrets.token_urlsafe(18)}.csv", ContentFile(data))
    return signing.dumps(
        {
            "name": name,
            "user": actor.pk,
            "sha256": hashlib.sha256(data).hexdigest(),
            "filename": filename[:200],
        },
        salt=STASH_SALT,
    )


def load_stash(*, actor: User, token: str) -> tuple[bytes, str, str]:
    """(bytes, original file name, storage name) of a preview this person made."""
    try:
        payload = signing.loads(token, salt=STASH_SALT, max_age=STASH_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise StashError(str(exc)) from exc
    name = str(payload.get("name", ""))
    if payload.get("user") != actor.pk or not name.startswith(f"{STASH_DIR}/"):
        raise StashError("not this person's preview")
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise StashError("preview file is gone") from exc
    if hashlib.sha256(data).hexdigest() != payload.get("sha256"):
        raise StashError("preview file changed")
    return data, str(payload.get("filename", "")), name


def drop_stash(name: str) -> None:
    if name.startswith(f"{STASH_DIR}/"):
        default_storage.delete(name)


def _prune_stash() -> None:
    """Previews nobody confirmed: delete those older than a day."""
    try:
        _dirs, files = default_storage.listdir(STASH_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - dt.timedelta(days=1)
    for file in files:
        name = f"{STASH_DIR}/{file}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (FileNotFoundError, NotImplementedError):
            continue
