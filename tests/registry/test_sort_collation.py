"""五十音 order must not depend on the database's locale."""

from __future__ import annotations

import pytest
from django.db import connection

from kyodo.registry.models import CivicGroup
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_sorts_readings_by_code_point_on_this_database() -> None:
    for kana in ["ん", "が", "か", "あ", "ア", "ゔ"]:
        factories.CivicGroupFactory(name=f"会{kana}", name_kana=kana)
    names = list(CivicGroup.objects.order_by("sort_key").values_list("name", flat=True))
    # あ/ア fold together (one reading), が sorts with か, ゔ with う, ん last.
    assert names.index("会か") < names.index("会が") < names.index("会ん")
    assert names.index("会ゔ") < names.index("会か")
    assert names[-1] == "会ん"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL column collation")
def test_it_asks_postgresql_for_the_c_collation() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'registry_civicgroup' AND column_name = 'sort_key'"
        )
        assert cursor.fetchone()[0] == "C"
