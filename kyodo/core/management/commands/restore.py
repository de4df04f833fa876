"""manage.py restore FILE: load a backup into an empty, migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore an archive made by `backup` (checksums verified; the database must be empty)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar.gz written by `manage.py backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"no such archive: {path}")
        try:
            manifest = restore_backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"restored {rows} rows in {len(manifest['rows'])} models and "
            f"{len(manifest['files'])} files from {path}"
        )
