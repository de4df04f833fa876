# SQLite only: a name search walks the directory order (sort_key, id) until it has a page,
# testing search_text on the way. With search_text in the index that walk never touches
# the wide table rows (bench/: the ids query of ｶﾏｸﾗ at 50,000 groups went from ~30 ms to
# ~7 ms of CPU and I/O). PostgreSQL answers the same search from its trigram index (0003),
# and its b-tree entries have a size limit that two 400-character keys could approach.

from django.db import migrations

INDEX = "registry_search_order_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_civicgroup "
            "(sort_key, id, registered_until, search_text)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_directory_indexes_and_trigram_search'),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
