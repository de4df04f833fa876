"""The public directory: searching by name regardless of kana type and width, 五十音 order."""

from __future__ import annotations

import pytest
from django.test import Client

from kyodo.japan.text import gojuon_key, search_key
from kyodo.registry.models import CivicGroup, LegalForm
from tests import factories

pytestmark = pytest.mark.django_db


def _names(client: Client, **params: str) -> list[str]:
    response = client.get("/groups/", params)
    assert response.status_code == 200
    return [g.name for g in response.context["page"].object_list]


@pytest.fixture
def kamakura_groups(db: None) -> dict[str, CivicGroup]:
    return {
        "kamakura": factories.CivicGroupFactory(
            registered=True, name="かまくら子ども食堂", name_kana="かまくらこどもしょくどう"
        ),
        "katakana": factories.CivicGroupFactory(
            registered=True, name="カマクラ・ウォーキング", name_kana="かまくらうぉーきんぐ"
        ),
        "kanji": factories.CivicGroupFactory(
            registered=True, name="鎌倉音楽の会", name_kana="かまくらおんがくのかい"
        ),
        "npo": factories.CivicGroupFactory(
            registered=True,
            name="NPO法人湘南みどりの手",
            name_kana="えぬぴーおーほうじんしょうなんみどりのて",
            legal_form=LegalForm.NPO,
            corporate_number="1234567890123",
        ),
        "other": factories.CivicGroupFactory(
            registered=True, name="大船まちづくり", name_kana="おおふなまちづくり"
        ),
    }


def test_it_reduces_every_kana_form_and_width_to_one_search_key() -> None:
    assert search_key("ｶﾏｸﾗ") == search_key("かまくら") == search_key("カマクラ")
    assert search_key("ＮＰＯ") == search_key("npo") == search_key("NPO")
    assert search_key("ｶﾞｯｺｳ") == search_key("がっこう")
    assert search_key("かまくら　しみん") == search_key("かまくらしみん")


@pytest.mark.parametrize("query", ["ｶﾏｸﾗ", "かまくら", "カマクラ", "　かまくら　", "ｶﾏ ｸﾗ"])
def test_it_finds_the_same_groups_whatever_kana_the_query_is_typed_in(
    client: Client, kamakura_groups: dict[str, CivicGroup], query: str
) -> None:
    found = set(_names(client, q=query))
    assert found == {"かまくら子ども食堂", "カマクラ・ウォーキング", "鎌倉音楽の会"}


def test_it_finds_a_group_by_its_reading_when_the_name_is_in_kanji(
    client: Client, kamakura_groups: dict[str, CivicGroup]
) -> None:
    assert _names(client, q="おんがく") == ["鎌倉音楽の会"]
    assert _names(client, q="鎌倉音楽") == ["鎌倉音楽の会"]


@pytest.mark.parametrize("query", ["ＮＰＯ", "npo", "ｎｐｏ法人", "NPO法人　湘南"])
def test_it_finds_npo_names_typed_in_full_width_or_lower_case(
    client: Client, kamakura_groups: dict[str, CivicGroup], query: str
) -> None:
    assert _names(client, q=query) == ["NPO法人湘南みどりの手"]


def test_it_says_so_in_japanese_when_nothing_matches(
    client: Client, kamakura_groups: dict[str, CivicGroup]
) -> None:
    response = client.get("/groups/", {"q": "存在しない団体"})
    assert list(response.context["page"].object_list) == []
    assert "条件に合う団体は見つかりませんでした" in response.content.decode()


def test_it_sorts_voiced_kana_with_their_plain_form() -> None:
    keys = sorted(["わかば", "がくしゅう", "かまくら", "んー", "あおば", "きく"], key=gojuon_key)
    assert keys == ["あおば", "がくしゅう", "かまくら", "きく", "わかば", "んー"]
    # The plain form first when the readings differ only by voicing.
    assert gojuon_key("かき") < gojuon_key("がき") < gojuon_key("かく")


def test_it_lists_the_directory_in_gojuon_order_of_the_reading_not_the_kanji(
    client: Client,
) -> None:
    for name, kana in [
        ("和光会", "わこうかい"),  # 和 sorts before 青 by code point, after it by reading
        ("学習支援の会", "がくしゅうしえんのかい"),
        ("青葉の森", "あおばのもり"),
        ("鎌倉ガイド", "かまくらがいど"),
        ("ンゴマの会", "んごまのかい"),
        ("キッズ広場", "きっずひろば"),
    ]:
        factories.CivicGroupFactory(registered=True, name=name, name_kana=kana)
    assert _names(client) == [
        "青葉の森",
        "学習支援の会",
        "鎌倉ガイド",
        "キッズ広場",
        "和光会",
        "ンゴマの会",
    ]


def test_it_filters_by_field_and_legal_form_as_well_as_by_name(
    client: Client, kamakura_groups: dict[str, CivicGroup]
) -> None:
    assert _names(client, legal_form=LegalForm.NPO) == ["NPO法人湘南みどりの手"]
    assert _names(client, q="かまくら", legal_form=LegalForm.NPO) == []


@pytest.mark.parametrize("query", ["稲村ヶ崎", "稲村ケ崎", "稲村ガ崎", "稲村が崎", "稲村ｹ崎"])
def test_it_finds_a_place_name_whichever_small_ke_it_is_written_with(
    client: Client, query: str
) -> None:
    factories.CivicGroupFactory(
        registered=True, name="稲村ヶ崎の海を守る会", name_kana="いなむらがさきのうみをまもるかい"
    )
    factories.CivicGroupFactory(registered=True, name="ガーデン倶楽部", name_kana="がーでんくらぶ")
    assert _names(client, q=query) == ["稲村ヶ崎の海を守る会"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kamakura", {"かまくら子ども食堂", "カマクラ・ウォーキング", "鎌倉音楽の会"}),
        ("Kamakura Kodomo", {"かまくら子ども食堂"}),
        ("ＫＡＭＡＫＵＲＡ ＯＮＧＡＫＵ", {"鎌倉音楽の会"}),
        ("ofuna", {"大船まちづくり"}),  # おおふな, typed without the long vowel
        ("oofuna", {"大船まちづくり"}),
        ("machizukuri", {"大船まちづくり"}),
        ("machidukuri", {"大船まちづくり"}),  # づ typed in Kunrei spelling
        ("shonan", {"NPO法人湘南みどりの手"}),  # しょうなん
        ("npo", {"NPO法人湘南みどりの手"}),  # Latin letters of the name itself
    ],
)
def test_it_finds_a_group_by_the_romanised_reading_of_its_kana(
    client: Client, kamakura_groups: dict[str, CivicGroup], query: str, expected: set[str]
) -> None:
    assert set(_names(client, q=query)) == expected


def test_it_names_the_activity_fields_in_english_on_english_pages(client: Client) -> None:
    from django.utils import translation

    from kyodo.registry.models import ActivityField

    field = ActivityField.objects.get(number=7)
    with translation.override("en"):
        assert str(field) == "Environmental conservation"
    with translation.override("ja"):
        assert str(field) == field.short_name == "環境の保全"
    factories.CivicGroupFactory(registered=True, name="海の会", name_kana="うみのかい").fields.add(
        field
    )
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/groups/").content.decode()
    assert "Environmental conservation" in page
