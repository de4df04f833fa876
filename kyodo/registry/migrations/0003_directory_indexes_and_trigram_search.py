# Directory at 50,000 groups (bench/): covering indexes for deep pages and name search on
# both databases, and on PostgreSQL a pg_trgm GIN index that answers LIKE '%カマクラ%'
# (3+ characters) without scanning. The trigram index is raw SQL run only on PostgreSQL,
# so it is not in the model's Meta: SQLite has no such index type.

from django.db import migrations, models

TRGM_INDEX = "registry_search_trgm_idx"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON registry_civicgroup "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0002_seed_fields_and_areas'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='civicgroup',
            index=models.Index(fields=['sort_key', 'id', 'registered_until'], name='registry_directory_order_idx'),
        ),
        migrations.AddIndex(
            model_name='civicgroup',
            index=models.Index(fields=['registered_until', 'search_text'], name='registry_search_scan_idx'),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
