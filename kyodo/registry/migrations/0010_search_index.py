# The directory's search and field filter at 50,000 groups (bench/, issue 9):
#
# - SQLite: an FTS5 trigram index of search_text (kyodo/registry/search.py says how it is
#   queried), an external-content table kept in step with registry_civicgroup by
#   triggers, so every write updates it in the same transaction. Django rebuilds a SQLite
#   table for some column changes and that drops its triggers: tests/registry
#   test_it_finds_groups_through_the_search_index checks they exist after every migration.
#   A covering index (id, registered_until, sort_key) lets the rows the index names be
#   checked for registration and ordered without reading the wide table rows.
# - Both: an index of the fields' through table by field, covering the group, so the
#   field filter's count reads index entries only.
# PostgreSQL already answers LIKE '%key%' from its pg_trgm index (0003).

from django.db import migrations

FTS = "registry_civicgroup_search"
FIELD_INDEX = "registry_group_fields_by_field_idx"
LOOKUP_INDEX = "registry_search_lookup_sqlite_idx"

SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    "search_text, content='registry_civicgroup', content_rowid='id',"
    " tokenize='trigram case_sensitive 1')",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON registry_civicgroup
    BEGIN
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON registry_civicgroup
    BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_update
    AFTER UPDATE OF id, search_text ON registry_civicgroup
    BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    # Index the groups already there.
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    f"CREATE INDEX IF NOT EXISTS {LOOKUP_INDEX} ON registry_civicgroup "
    "(id, registered_until, sort_key)",
]

SQLITE_UNINSTALL = [
    f"DROP INDEX IF EXISTS {LOOKUP_INDEX}",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]


def install(apps, schema_editor):
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {FIELD_INDEX} ON registry_civicgroup_fields "
        "(activityfield_id, civicgroup_id)"
    )
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UNINSTALL:
            schema_editor.execute(statement)
    schema_editor.execute(f"DROP INDEX IF EXISTS {FIELD_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0009_pending_public_change"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
