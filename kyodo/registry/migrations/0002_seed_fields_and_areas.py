"""The 20 NPO-Act activity fields and Kamakura's five districts (plus city-wide).

Areas are data: another city edits them in its own seed or admin pages.
"""

import csv
from pathlib import Path

from django.db import migrations

FIELDS_CSV = Path(__file__).resolve().parent.parent / "data" / "npo_fields.csv"
KAMAKURA_AREAS = ["鎌倉地域", "腰越地域", "深沢地域", "大船地域", "玉縄地域", "市内全域", "市外"]


def seed(apps, schema_editor):
    ActivityField = apps.get_model("registry", "ActivityField")
    Area = apps.get_model("registry", "Area")
    with FIELDS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            ActivityField.objects.update_or_create(
                number=int(row["number"]), defaults={"name": row["name_ja"], "short_name": row["short_ja"]}
            )
    for order, name in enumerate(KAMAKURA_AREAS, start=1):
        Area.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
