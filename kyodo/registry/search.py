"""The directory's name search, answered from an index on each database.

`search_text` (kyodo.registry.models.group_search_text) holds the name's and the reading's
search keys and the reading in romaji; a query matches a group when one of its keys is a
substring of that text. Scanning 50,000 rows for it took most of an uncached directory
page, so each database answers from a trigram index instead:

- PostgreSQL: a pg_trgm GIN index on search_text (migration 0003) answers
  `search_text LIKE '%key%'` itself for keys of three or more characters (the directory
  also orders those matches differently: registry.selectors.directory says why).
- SQLite: an FTS5 table with the trigram tokenizer (migration 0010), kept in step with
  registry_civicgroup by triggers, so that every write (services, bulk_create of the
  import and the bench, raw SQL) updates it in the same transaction. A phrase query of a
  key of three or more characters matches exactly the rows whose text contains it (the
  tokenizer is case sensitive, so it folds nothing of its own: the keys are folded already,
  by kyodo.japan.text, as before). Shorter keys have no trigram: they scan, as before.

Both give exactly the rows the plain `search_text__contains` gives (tests/registry pin it).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from kyodo.japan.text import romaji_query_key, search_key

FTS_TABLE = "registry_civicgroup_search"
TRIGRAM = 3  # the tokenizer's unit: a shorter key has no trigram to look up


def _phrase(key: str) -> str:
    return '"' + key.replace('"', '""') + '"'


def query_keys(query: str) -> list[str]:
    """The folded keys a typed query is looked for by: its search key and, when it is
    typed in Latin letters, its romaji key (kamakura finds かまくら). [] for a blank query."""
    key = search_key(query) if query else ""
    if not key:
        return []
    romaji = romaji_query_key(query)
    return [key, romaji] if romaji and romaji != key else [key]


def indexed(keys: list[str]) -> bool:
    """Whether the trigram index can answer these keys: each has at least one trigram."""
    return bool(keys) and all(len(k) >= TRIGRAM for k in keys)


def name_matches(keys: list[str]) -> Q:
    """Groups whose search_text contains any of `keys` (already folded search keys)."""
    if connection.vendor == "sqlite" and indexed(keys):
        match = " OR ".join(_phrase(k) for k in keys)
        # The table name is a constant; the query travels as a parameter.
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(sql, [match]))  # noqa: S611
    found = Q()
    for key in keys:
        found |= Q(search_text__contains=key)
    return found
