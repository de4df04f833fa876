"""Log-in throttling by network address, beside django-axes' lock-out by account.

Axes locks an *account* after `AXES_FAILURE_LIMIT` failures (settings: lock-out parameter
`username` only). Locking by address as well would let anyone lock out a whole city office
behind one NAT, or every user behind a proxy, with five made-up addresses. So an address
with many failures is only *throttled*: from it, a correct password still opens an account
that has not failed itself within the cool-off; everything else is refused. An attacker
behind the address keeps at most one guess per account per cool-off.

The counts are axes' own `AccessAttempt` rows (one per username, address and browser), so
every process sees the same figures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def _since() -> datetime:
    return timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME))


def address_failures(address: str | None) -> int:
    if not address:
        return 0
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=_since()).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return int(total or 0)


def address_is_throttled(request: HttpRequest) -> bool:
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    return address_failures(address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def account_has_failed(username: str) -> bool:
    return AccessAttempt.objects.filter(
        username=username, failures_since_start__gt=0, attempt_time__gte=_since()
    ).exists()
