"""The directory's search answers from an index on each database (kyodo/registry/search.py:
SQLite FTS5 trigram, PostgreSQL pg_trgm) and finds exactly the groups, in exactly the order
and pages, that the plain substring scan of search_text finds, for every kind of query; the
index follows every create, update and delete of a group."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.japan.text import romaji_query_key, search_key
from kyodo.registry import search, selectors
from kyodo.registry.models import CivicGroup
from tests import factories

pytestmark = pytest.mark.django_db

NAMES = [
    ("稲村ヶ崎の海を守る会", "いなむらがさきのうみをまもるかい"),
    ("稲村ケ崎こども食堂", "いなむらがさきこどもしょくどう"),
    ("稲村ガ崎音楽隊", "いなむらがさきおんがくたい"),
    ("かまくら子ども食堂", "かまくらこどもしょくどう"),
    ("カマクラ・ウォーキング", "かまくらうぉーきんぐ"),
    ("鎌倉音楽の会", "かまくらおんがくのかい"),
    ("ｶﾏｸﾗ ﾗﾝﾆﾝｸﾞｸﾗﾌﾞ", "かまくららんにんぐくらぶ"),
    ("NPO法人湘南みどりの手", "えぬぴーおーほうじんしょうなんみどりのて"),
    ("大船まちづくり", "おおふなまちづくり"),
    ("腰越100%リサイクル_会", "こしごえひゃくぱーせんとりさいくるかい"),
    ('"引用"の会｜鎌倉', "いんようのかいかまくら"),
    ("スペース鎌倉", "すぺーすかまくら"),
    ("新聞を読む会", "しんぶんをよむかい"),
]

QUERIES = [
    # kana and width variants, romaji, and the ヶ/ケ/ガ of place names
    "稲村ヶ崎",
    "稲村ケ崎",
    "稲村ガ崎",
    "稲村が崎",
    "ｲﾅﾑﾗｶﾞｻｷ",
    "いなむらがさき",
    "ｶﾏｸﾗ",
    "かまくら",
    "カマクラ",
    "鎌倉",
    "kamakura",
    "Kamakura",
    "ＫＡＭＡＫＵＲＡ",
    "shinbun",
    "shimbun",
    "inamuragasaki",
    "npo",
    "ＮＰＯ法人",
    "スペ－ス",
    "すぺーす",
    # one and two characters: no trigram, the scan answers
    "か",
    "ｶ",
    "鎌",
    "k",
    "ka",
    "かま",
    "n",
    "音楽",
    # characters that mean something to LIKE or to an FTS5 query
    "100%",
    "%",
    "_",
    "ル_会",
    '"引用"',
    '"',
    "｜鎌倉",
    "|",
    "a OR b",
    "NEAR",
    "*",
    "会*",
    # nothing to find
    "存在しない団体",
    "zzzz",
]


def _plain(query: str) -> list[int]:
    """The plain path: a substring scan of search_text, as before the index."""
    key = search_key(query)
    groups = CivicGroup.objects.registered_on(timezone.localdate())
    if key:
        romaji = romaji_query_key(query)
        keys = [key, romaji] if romaji and romaji != key else [key]
        found = Q()
        for k in keys:
            found |= Q(search_text__contains=k)
        groups = groups.filter(found)
    return list(groups.order_by("sort_key", "id").values_list("pk", flat=True))


def _indexed(query: str) -> tuple[list[int], int]:
    flt = selectors.GroupFilter(query=query)
    ids = list(selectors.directory(flt=flt).values_list("pk", flat=True))
    return ids, selectors.directory_matches(flt=flt).count()


@pytest.fixture
def groups(db: None) -> list[CivicGroup]:
    made = [factories.CivicGroupFactory(registered=True, name=n, name_kana=k) for n, k in NAMES]
    factories.CivicGroupFactory(lapsed=True, name="稲村ヶ崎の失効した会", name_kana="いなむら")
    return made


def _uses_index(query: str) -> bool:
    return connection.vendor == "sqlite" and search.indexed(search.query_keys(query))


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_the_same_groups_in_the_same_order_as_the_plain_scan(
    groups: list[CivicGroup], query: str
) -> None:
    ids, count = _indexed(query)
    assert ids == _plain(query)
    assert count == len(ids)


def test_it_finds_the_same_groups_for_every_piece_of_every_name(groups: list[CivicGroup]) -> None:
    """Property-style: every substring (1 to 6 characters) of every group's stored search
    text and of its name as typed, found through the index and through the scan alike."""
    rng = random.Random(9)
    pieces: set[str] = set()
    for group in CivicGroup.objects.all():
        for text in (group.search_text, group.name, group.name_kana):
            for _ in range(12):
                size = rng.randint(1, 6)
                start = rng.randrange(max(1, len(text) - size + 1))
                pieces.add(text[start : start + size])
    checked_with_index = 0
    for piece in sorted(pieces):
        ids, count = _indexed(piece)
        assert ids == _plain(piece), piece
        assert count == len(ids), piece
        checked_with_index += _uses_index(piece)
    if connection.vendor == "sqlite":
        assert checked_with_index > 50  # the index path was really taken, not only the scan


def test_it_pages_a_search_exactly_as_the_plain_scan_does(
    groups: list[CivicGroup], client: Client, settings: Any
) -> None:
    settings.KYODO_PAGE_SIZE = 2
    expected = _plain("かまくら")
    assert len(expected) > 4
    shown: list[int] = []
    pages = -(-len(expected) // 2)
    for page in range(1, pages + 1):
        cache.clear()
        response = client.get(reverse("registry:directory"), {"q": "ｶﾏｸﾗ", "page": page})
        assert response.context["page"].paginator.count == len(expected)
        assert response.context["page"].paginator.num_pages == pages
        shown += [g.pk for g in response.context["page"]]
    assert shown == expected


def test_the_index_follows_a_group_created_renamed_and_deleted(groups: list[CivicGroup]) -> None:
    assert _indexed("由比ヶ浜")[0] == []
    group = factories.CivicGroupFactory(
        registered=True, name="由比ヶ浜クリーン", name_kana="ゆいがはまくりーん"
    )
    assert _indexed("由比ガ浜")[0] == [group.pk]
    assert _indexed("yuigahama")[0] == [group.pk]

    group.name, group.name_kana = "材木座クリーン", "ざいもくざくりーん"
    group.refresh_derived()
    group.save()
    assert _indexed("由比ヶ浜")[0] == []
    assert _indexed("ざいもくざ")[0] == [group.pk]

    CivicGroup.objects.filter(pk=group.pk).update(search_text=search_key("七里ヶ浜") + "|")
    assert _indexed("七里ケ浜")[0] == [group.pk]
    assert _indexed("ざいもくざ")[0] == []

    group.fields.clear()
    group.delete()
    assert _indexed("七里ケ浜")[0] == []
    assert _indexed("かまくら")[0] == _plain("かまくら")


def test_the_index_follows_groups_written_in_bulk(db: None) -> None:
    made = CivicGroup.objects.bulk_create(
        CivicGroup(name=f"長谷の会{n}", name_kana=f"はせのかい{n}") for n in range(3)
    )
    for group in made:
        group.refresh_derived()
    CivicGroup.objects.bulk_update(made, ["search_text", "sort_key"])
    CivicGroup.objects.update(registered_until=timezone.localdate())
    ids, count = _indexed("ハセノ")
    assert ids == _plain("ハセノ") and count == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_the_sqlite_index_and_its_triggers_exist_after_every_migration(db: None) -> None:
    # Django remakes a SQLite table for some column changes, which drops its triggers: a
    # later migration of registry_civicgroup must recreate them (see migration 0010).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["registry_civicgroup"],
        )
        triggers = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            # FTS5 checks its index against the table it mirrors, and raises if they differ.
            f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('integrity-check')"  # noqa: S608
        )
    assert triggers == {
        f"{search.FTS_TABLE}_insert",
        f"{search.FTS_TABLE}_delete",
        f"{search.FTS_TABLE}_update",
    }
