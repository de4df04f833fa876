"""manage.py backup [--output FILE]: the database rows and uploaded files in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kyodo.core.backup import create_backup


class Command(BaseCommand):
    help = "Write every row and every uploaded file to one .tar.gz with a manifest and checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="archive to write (default: var/backups/kyodo-YYYYmmdd-HHMMSS.tar.gz)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(
            options["output"]
            or Path(settings.BASE_DIR)
            / "var"
            / "backups"
            / f"kyodo-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        )
        manifest = create_backup(output)
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"{output}: {rows} rows in {len(manifest['rows'])} models, "
            f"{len(manifest['files'])} files"
        )
