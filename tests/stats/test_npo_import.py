"""The NPO portal import: a generated CP932 ZIP with the real header, run as a background
task; the city's corporations kept, dissolved ones marked, a second file updating in place."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from kyodo.stats import selectors, services
from kyodo.stats.models import ImportStatus, NpoCorporation, NpoImport
from tests.stats.npo_files import row, zip_of

KAMAKURA = "神奈川県鎌倉市御成町18-10"


def first_file(representative: str = "鎌倉 太郎") -> bytes:
    return zip_of(
        [
            row(
                法人名称="特定非営利活動法人かまくら見守りネット",
                法人名称カナ="カマクラミマモリネット",
                所轄庁="神奈川県",
                権限移譲先市町村="鎌倉市",
                主たる事務所の所在地=KAMAKURA,
                代表者氏名=representative,
                法人設立認証年月日="2015/04/10",
                設立年月日="2015/05/01",
                法人番号="1234567890123",
                fields=[1, 13],
                **{"認定（認定・特例認定１）": "認定", "認定開始日": "2020/4/1"},
            ),
            row(
                法人名称="特定非営利活動法人由比ガ浜クリーン",
                所轄庁="神奈川県",
                主たる事務所の所在地="神奈川県鎌倉市由比ガ浜2-1",
                法人設立認証年月日="平成22年6月1日",
                法人番号="2234567890123",
                fields=[7],
                解散情報="令和3年3月31日 解散",
            ),
            row(
                法人名称="特定非営利活動法人住所なしの会",
                所轄庁="神奈川県",
                権限移譲先市町村="鎌倉市",
                主たる事務所の所在地="",
                法人設立認証年月日="2019/10/1",
                法人番号="3234567890123",
                fields=[3],
            ),
            row(
                法人名称="特定非営利活動法人ｶﾏｸﾗ ﾐﾗｲ",
                法人名称カナ="ｶﾏｸﾗﾐﾗｲ",
                所轄庁="神奈川県",
                主たる事務所の所在地="神奈川県大船1-2-3",
                法人設立認証年月日="2021/7/7",
                法人番号="４２３４５６７８９０１２３",
                fields=[3, 6],
            ),
            row(
                法人名称="特定非営利活動法人よこはま",
                所轄庁="横浜市",
                主たる事務所の所在地="神奈川県横浜市中区1-1",
                法人設立認証年月日="2010/1/1",
                法人番号="5234567890123",
                fields=[1],
            ),
            row(
                法人名称="番号のない法人",
                所轄庁="神奈川県",
                主たる事務所の所在地=KAMAKURA,
                法人番号="",
            ),
        ]
    )


def run(actor: Any, data: bytes, django_capture_on_commit_callbacks: Any) -> NpoImport:
    with django_capture_on_commit_callbacks(execute=True):
        record = services.npo_import_start(actor=actor, data=data, filename="npo.zip")
    record.refresh_from_db()
    return record


def test_it_keeps_the_citys_corporations_and_marks_dissolved_ones(
    office_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    record = run(office_staff, first_file(), django_capture_on_commit_callbacks)
    assert record.status == ImportStatus.DONE
    assert (record.total_rows, record.created, record.outside_city) == (6, 4, 1)
    assert record.problems == [{"line": 7, "message": "法人番号が13桁ではありません。"}]
    kept = {c.corporate_number: c for c in NpoCorporation.objects.all()}
    assert set(kept) == {"1234567890123", "2234567890123", "3234567890123", "4234567890123"}
    first = kept["1234567890123"]
    assert first.field_numbers() == [1, 13] and first.is_certified
    dissolved = kept["2234567890123"]
    assert dissolved.dissolved and str(dissolved.dissolved_on) == "2021-03-31"
    assert str(dissolved.certified_on) == "2010-06-01"  # 和暦 read
    assert kept["3234567890123"].address == ""  # kept by 権限移譲先市町村
    half_width = kept["4234567890123"]  # kept by its town (大船); half-width kana folded
    assert half_width.name == "特定非営利活動法人カマクラ ミライ"
    assert half_width.name_kana == "カマクラミライ"


def test_it_updates_on_a_second_file_without_duplicating_and_reports_the_change(
    office_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run(office_staff, first_file(), django_capture_on_commit_callbacks)
    second = run(
        office_staff, first_file(representative="鎌倉 花子"), django_capture_on_commit_callbacks
    )
    assert (second.created, second.updated, second.unchanged) == (0, 1, 3)
    assert NpoCorporation.objects.count() == 4
    assert second.changes == [
        {
            "number": "1234567890123",
            "name": "特定非営利活動法人かまくら見守りネット",
            "changes": {"representative": ["鎌倉 太郎", "鎌倉 花子"]},
        }
    ]
    assert (
        NpoCorporation.objects.get(corporate_number="1234567890123").representative == "鎌倉 花子"
    )


def test_it_counts_trends_by_year_and_field(
    office_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run(office_staff, first_file(), django_capture_on_commit_callbacks)
    by_year = {r.year: r for r in selectors.npo_by_year()}
    assert (by_year[2010].new, by_year[2010].active) == (1, 1)
    assert (by_year[2015].active, by_year[2015].certified) == (2, 0)
    assert (
        by_year[2020].new,
        by_year[2020].dissolved,
        by_year[2020].active,
        by_year[2020].certified,
    ) == (0, 1, 2, 1)
    assert (by_year[2021].active, by_year[2019].active) == (3, 3)
    fields = {n: count for n, _name, count in selectors.npo_by_field()}
    assert (fields[1], fields[3], fields[7], fields[13]) == (1, 2, 0, 1)  # dissolved not counted


def test_it_shows_progress_and_the_report_to_staff_and_the_public_page(
    office_staff: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(office_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("stats:staff_index"), {"file": SimpleUploadedFile("npo.zip", first_file())}
        )
    record = NpoImport.objects.get()
    assert response["Location"] == reverse("stats:import_detail", args=[record.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'value="100"' in page and "新しく加えた法人" in page
    public = Client().get(reverse("stats:current_state")).content.decode()
    assert "市民活動の現状" in public and 'role="img"' in public
    assert "活動中 3法人（うち認定・特例認定 1法人）、解散 1法人" in public
