"""Load Kamakura's proposal programme and its three courses (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kyodo.programmes.seed import seed_programme


class Command(BaseCommand):
    help = "Load the proposal programme and its courses from programmes/data/kamakura.toml."

    def handle(self, *args: Any, **options: Any) -> None:
        programme = seed_programme()
        self.stdout.write(f"{programme.name}: {programme.courses.count()} courses")
