"""Gate: `backup` then `restore` into an empty migrated database gives back every row of
every model and every uploaded file, byte for byte — on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection

from kyodo.audit.services import audit_record
from kyodo.core.backup import RECREATED_BY_MIGRATE, _label, _models
from tests.gates.conftest import World

TRIGGERS = importlib.import_module("kyodo.audit.migrations.0002_append_only_triggers")


def snapshot() -> dict[str, Any]:
    """Every row of every model, foreign keys by natural key where a model has one."""
    state: dict[str, Any] = {}
    for model in _models():
        rows = serializers.serialize(
            "python",
            model._base_manager.order_by(model._meta.pk.name),
            use_natural_foreign_keys=True,
        )
        if _label(model) in RECREATED_BY_MIGRATE:  # their ids are migrate's, not ours
            state[_label(model)] = sorted(json.dumps(r["fields"], sort_keys=True) for r in rows)
        else:
            state[_label(model)] = rows
    return state


def media_digest() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def empty_the_database() -> None:
    """What a new database looks like after `migrate`, inside this test's transaction.

    The audit log refuses DELETE by trigger, so the triggers step aside for the flush (the
    test's transaction rolls all of this back)."""
    drop = {
        "sqlite": [
            "DROP TRIGGER IF EXISTS audit_event_no_update",
            "DROP TRIGGER IF EXISTS audit_event_no_delete",
        ],
        "postgresql": [
            # Deferred foreign-key checks pending in this transaction would block TRUNCATE.
            "SET CONSTRAINTS ALL IMMEDIATE",
            "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent",
        ],
    }[connection.vendor]
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        for statement in {"sqlite": TRIGGERS.SQLITE, "postgresql": TRIGGERS.POSTGRES}[
            connection.vendor
        ]:
            cursor.execute(statement)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def populated(world: World) -> World:
    audit_record(actor=world.users["center_staff"], action="gate.backup", target=world.group_a)
    world.group_a.purpose = "絵文字👩‍👩‍👧 と改行\nと「引用」 & <tag>"
    world.group_a.save()
    return world


def test_it_restores_every_row_and_every_file(populated: World, tmp_path: Path) -> None:
    before, files_before = snapshot(), media_digest()
    assert sum(len(v) for v in before.values()) > 50
    assert len(files_before) == 2
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())

    empty_the_database()
    assert media_digest() == {}
    assert snapshot()["accounts.user"] == []

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "restored" in out.getvalue()
    after = snapshot()
    for label in before:
        assert after[label] == before[label], f"{label} differs after restore"
    assert media_digest() == files_before


def test_it_writes_a_manifest_with_checksums(populated: World, tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = tar.getnames()
        for entry in manifest["files"]:
            body = tar.extractfile(f"media/{entry['path']}").read()  # type: ignore[union-attr]
            assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    assert manifest["format"] == "kyodo-backup"
    assert manifest["rows"]["registry.civicgroup"] == 2
    assert "data.json" in names


def test_it_refuses_to_restore_over_a_database_in_use(populated: World, tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="empty"):
        call_command("restore", str(archive), stdout=io.StringIO())


def _rewrite(archive: Path, out: Path, change: Any) -> None:
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            body = src.extractfile(member).read()  # type: ignore[union-attr]
            member, body = change(member, body)
            member.size = len(body)
            dst.addfile(member, io.BytesIO(body))


def test_it_refuses_a_damaged_or_hostile_archive(populated: World, tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    empty_the_database()

    damaged = tmp_path / "damaged.tar.gz"
    _rewrite(
        archive,
        damaged,
        lambda m, b: (
            (m, b.replace("グループA".encode(), "グループX".encode()))
            if m.name == "data.json"
            else (m, b)
        ),
    )
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(damaged), stdout=io.StringIO())

    def escape(member: tarfile.TarInfo, body: bytes) -> tuple[tarfile.TarInfo, bytes]:
        if member.name.startswith("media/"):
            member.name = "media/../../escaped.txt"
        return member, body

    hostile = tmp_path / "hostile.tar.gz"
    _rewrite(archive, hostile, escape)
    with pytest.raises(CommandError, match="unsafe path"):
        call_command("restore", str(hostile), stdout=io.StringIO())
    assert not (Path(settings.MEDIA_ROOT).parent / "escaped.txt").exists()
    assert snapshot()["accounts.user"] == []  # nothing half-loaded
