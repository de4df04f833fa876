"""One-file backups of everything Kyodo holds: the database rows and the uploaded files.

An archive (.tar.gz) holds
    manifest.json   format, when, the migrations applied, row counts per model, and the
                    size and SHA-256 of every other member;
    data.json       every row of every model, in Django's fixture format (natural keys for
                    content types and permissions, which `migrate` re-creates with its own
                    ids), with datetimes kept to the microsecond;
    media/…         the files under MEDIA_ROOT.

The format is database-neutral: a SQLite backup restores into PostgreSQL and back.
`restore` accepts only an archive whose checksums hold, into a migrated database that has
no people in it yet, and checks the row counts afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

FORMAT = "kyodo-backup"
VERSION = 1
# Re-created by `migrate` with ids of its own: saved by natural key only, never restored.
RECREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive cannot be trusted or does not fit this database."""


class PreciseJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _models() -> list[type[Model]]:
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [
        m
        for m in ordered
        if not m._meta.proxy and m._meta.managed and router.allow_migrate_model(DEFAULT_DB_ALIAS, m)
    ]


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _objects(models: list[type[Model]]) -> Iterator[Model]:
    for model in models:
        if _label(model) in RECREATED_BY_MIGRATE:
            continue
        yield from (
            model._base_manager.using(DEFAULT_DB_ALIAS)
            .order_by(model._meta.pk.name)
            .iterator(chunk_size=2000)
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def create_backup(output: Path) -> dict[str, Any]:
    """Write the archive to `output` and return its manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    models = _models()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "data.json"
        # One read transaction: the rows are a consistent picture of one moment.
        with transaction.atomic(), data_path.open("w", encoding="utf-8") as stream:
            counts = {
                _label(m): m._base_manager.using(DEFAULT_DB_ALIAS).count()
                for m in models
                if _label(m) not in RECREATED_BY_MIGRATE
            }
            serializers.serialize(
                "json",
                _objects(models),
                stream=stream,
                use_natural_foreign_keys=True,
                cls=PreciseJSONEncoder,
                ensure_ascii=False,
            )
            migrations = _applied_migrations()
        files: list[dict[str, Any]] = [
            {
                "path": p.relative_to(media_root).as_posix(),
                "size": p.stat().st_size,
                "sha256": _sha256(p),
            }
            for p in _media_files(media_root)
        ]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connections[DEFAULT_DB_ALIAS].vendor,
            "migrations": migrations,
            "rows": counts,
            "data": {"path": "data.json", "sha256": _sha256(data_path)},
            "files": files,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(body), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(body))
            archive.add(data_path, arcname="data.json")
            for entry in files:
                archive.add(media_root / entry["path"], arcname=f"media/{entry['path']}")
        partial.replace(output)  # never leave a half-written archive under the real name
    return manifest


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != "media":
        raise BackupError(f"unsafe path in the archive: {name!r}")
    return PurePosixPath(*path.parts[1:])


def read_manifest(archive_path: Path) -> dict[str, Any]:
    with tarfile.open(archive_path, "r:gz") as archive:
        member = archive.extractfile("manifest.json")
        if member is None:
            raise BackupError("the archive has no manifest.json")
        manifest: dict[str, Any] = json.loads(member.read().decode("utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("this is not a Kyodo backup of a version this code can read")
    return manifest


def _check_target_database(manifest: dict[str, Any]) -> None:
    applied = {tuple(m) for m in _applied_migrations()}
    missing = [f"{a}.{n}" for a, n in manifest["migrations"] if (a, n) not in applied]
    if missing:
        raise BackupError(
            "the database lacks migrations the backup was made with; run `migrate` first: "
            + ", ".join(missing[:10])
        )
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    if user_model._base_manager.using(DEFAULT_DB_ALIAS).exists():
        raise BackupError(
            "the database already has people in it: restore only into an empty, migrated "
            "database (create a new one and run `migrate`)"
        )


def restore_backup(archive_path: Path) -> dict[str, Any]:
    """Check the archive, load its rows and files, and return its manifest."""
    manifest = read_manifest(archive_path)
    _check_target_database(manifest)
    media_root = Path(settings.MEDIA_ROOT)
    expected = {f["path"]: f for f in manifest["files"]}
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        with tarfile.open(archive_path, "r:gz") as archive:
            for member in archive:
                if member.name == "manifest.json":
                    continue
                if not member.isfile():
                    raise BackupError(f"unexpected member in the archive: {member.name!r}")
                if member.name == "data.json":
                    target = staging / "data.json"
                else:
                    relative = _safe_member_path(member.name)
                    if relative.as_posix() not in expected:
                        raise BackupError(f"file not in the manifest: {member.name!r}")
                    target = staging / "media" / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                assert source is not None
                with target.open("wb") as out:
                    while block := source.read(CHUNK):
                        out.write(block)
        if _sha256(staging / "data.json") != manifest["data"]["sha256"]:
            raise BackupError("data.json does not match its checksum: the archive is damaged")
        for path, entry in expected.items():
            staged = staging / "media" / path
            if not staged.exists() or _sha256(staged) != entry["sha256"]:
                raise BackupError(f"{path} is missing or damaged in the archive")

        with transaction.atomic():
            call_command("loaddata", str(staging / "data.json"), verbosity=0)
            counts = {
                label: apps.get_model(label)._base_manager.using(DEFAULT_DB_ALIAS).count()
                for label in manifest["rows"]
            }
            wrong = {
                label: (manifest["rows"][label], counts[label])
                for label in counts
                if counts[label] != manifest["rows"][label]
            }
            if wrong:
                raise BackupError(f"row counts differ after loading (expected, got): {wrong}")
        for path in expected:
            target = media_root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staging / "media" / path, target)
    return manifest
