"""Kyodo's dates are Japan's: 'today' is `timezone.localdate()` (TIME_ZONE Asia/Tokyo),
never the server's own date (`date.today()`, whatever zone the machine runs in) nor the
date of a UTC moment (`timezone.now().date()`), which is yesterday's from midnight to 9 a.m.
in Japan. The source of kyodo/ is read, not imported (a date a payment records at such an
hour: tests/payments/test_it_serves_the_money_section.py)."""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "kyodo"
# A server's date, or a UTC moment's: `date.today()`, `now().date()`, `now.date()`, and an
# aware datetime field read as a date (`…_deadline.date()`, `…_at.date()`).
WRONG_TODAY = re.compile(r"date\.today\(\)|\bnow(\(\))?\.date\(\)|_(deadline|at)\.date\(\)")


def test_no_code_takes_the_servers_or_utcs_date_for_today() -> None:
    found = [
        f"{path.relative_to(SOURCE.parent)}:{number}: {line.strip()}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if WRONG_TODAY.search(line)
    ]
    assert not found, "use timezone.localdate(…):\n" + "\n".join(found)
