"""Print the current TOTP code of a demo staff account (development only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current 6-digit code for a demo staff account (DEBUG only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email", nargs="?", default="office@kyodo.example")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_totp only runs with DEBUG=1.")
        device = TOTPDevice.objects.filter(user__email=options["email"], confirmed=True).first()
        if device is None:
            raise CommandError(f"No confirmed TOTP device for {options['email']}.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
