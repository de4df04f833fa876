"""CSV import of registered groups: the staff export's format, every row checked like the
online form, line numbers in every message, nothing imported until the whole file is clean."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kyodo.accounts.models import User
from kyodo.audit.models import AuditEvent
from kyodo.registry import importer
from kyodo.registry.exports import STAFF_COLUMNS
from kyodo.registry.models import DEFAULT_PUBLIC_ITEMS, CivicGroup
from kyodo.registry.services import group_profile
from tests import factories

URL = reverse("registry:staff_import")
HEADER = [label for _key, label in STAFF_COLUMNS]


def row(**overrides: str) -> dict[str, str]:
    """A clean row typed the way people type: full-width digits, 和暦, hiragana readings."""
    values = {
        "registration_number": "2024-0101",
        "name": "材木座海岸クリーンの会",
        "name_kana": "ざいもくざ かいがんくりーんのかい",
        "legal_form": "任意団体",
        "corporate_number": "",
        "representative_name": "鎌倉 花子",
        "representative_kana": "かまくら はなこ",
        "contact_name": "連絡 次郎",
        "postal_code": "２４８ー０００６",
        "address": "鎌倉市材木座1-2-3",
        "phone": "０４６７－２３－３０００",
        "email": "info@zaimokuza.example.jp",
        "website": "https://zaimokuza.example.jp/",
        "social_links": "https://sns.example.jp/zaimokuza",
        "founded_on": "令和2年4月1日",
        "member_count": "１，２００",
        "officer_count": "5",
        "citizen_member_count": "30",
        "fields": "7；13",
        "purpose": "海岸の清掃を通じて\n地域のつながりをつくる",
        "activities": "毎月第1日曜日に海岸清掃",
        "area": "鎌倉地域",
        "activity_days": "毎月第1日曜日",
        "registered_until": "2026-03-31",
        "first_registered_on": "2019/5/1",
    }
    values.update(overrides)
    return values


def csv_bytes(
    rows: list[dict[str, str]], *, header: list[str] | None = None, encoding: str = "utf-8-sig"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header or HEADER)
    for values in rows:
        writer.writerow([values.get(key, "") for key, _label in STAFF_COLUMNS])
    return buffer.getvalue().encode(encoding)


def upload(client: Client, data: bytes, name: str = "groups.csv") -> Any:
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def messages_of(data: bytes) -> list[str]:
    return [str(e) for e in importer.parse(data).errors]


@pytest.fixture
def staff(as_user: Any, center_staff: User) -> Client:
    return as_user(center_staff)


# --- refusing ----------------------------------------------------------------------------------


def test_it_refuses_a_file_with_a_missing_header_column(staff: Client) -> None:
    header = [label for label in HEADER if label != "郵便番号"]
    data = csv_bytes([row()], header=header)
    response = upload(staff, data)
    assert response.status_code == 200
    assert "必要な列がありません：郵便番号" in response.context["file_error"]
    assert "1行目" in response.context["file_error"]
    assert "token" not in response.context
    assert not CivicGroup.objects.exists()


def test_it_refuses_an_unknown_column_rather_than_dropping_it(db: None) -> None:
    data = csv_bytes([row()], header=[*HEADER[:-1], "備考"])
    with pytest.raises(importer.ImportFileError, match="知らない列があります：備考"):
        importer.parse(data)


@pytest.mark.parametrize("encoding", ["utf-16", "euc_jp"])
def test_it_refuses_an_encoding_other_than_utf8_and_cp932(staff: Client, encoding: str) -> None:
    response = upload(staff, csv_bytes([row(phone="0467-23-3000")], encoding=encoding))
    assert response.status_code == 200
    error = response.context["file_error"]
    assert "UTF-8" in error and "CP932" in error
    assert "token" not in response.context
    assert not CivicGroup.objects.exists()


def test_it_refuses_an_excel_workbook_with_a_clear_message(db: None) -> None:
    with pytest.raises(importer.ImportFileError, match="CSV"):
        importer.parse(b"PK\x03\x04" + b"\x00" * 20)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_it_reads_utf8_with_or_without_bom_and_cp932(db: None, encoding: str) -> None:
    parsed = importer.parse(csv_bytes([row(name="①鎌倉㈱応援団")], encoding=encoding))
    assert parsed.errors == []
    assert parsed.rows[0].data["name"] == "①鎌倉㈱応援団"


def test_it_reports_a_bad_row_with_its_physical_line_number(staff: Client) -> None:
    # Every row's 目的 holds a line break, so each record spans two lines.
    # Line 1 header; the first record spans lines 2-3 (a quoted newline in 目的); the bad
    # record starts on line 4, though it is only the second data record.
    data = csv_bytes(
        [row(), row(registration_number="2024-0102", name="腰越の会", postal_code="24800")]
    )
    response = upload(staff, data)
    errors = [str(e) for e in response.context["parsed"].errors]
    assert errors == ["4行目「郵便番号」：郵便番号は7桁の数字で入力してください（例：248-0006）。"]
    assert "4行目" in response.content.decode()
    assert "token" not in response.context
    assert not CivicGroup.objects.exists()


def test_it_reports_every_problem_of_every_row_at_once_in_column_order(db: None) -> None:
    data = csv_bytes(
        [
            row(registration_number="24-1", name_kana="Zaimokuza"),
            row(
                registration_number="2024-0102",
                legal_form="株式会社",
                fields="13;99",
                area="横浜",
                registered_until="",
                member_count="たくさん",
            ),
        ]
    )
    assert messages_of(data) == [
        "2行目「登録番号」：登録番号は「2025-0001」のように、年4桁・ハイフン・番号4桁で入力してください。",
        "2行目「ふりがな」：ふりがなは、ひらがなまたはカタカナで入力してください。",
        "4行目「法人格」：法人格は次のいずれかで入力してください：NPO法人、認定NPO法人、一般社団法人、一般財団法人、公益社団法人、公益財団法人、任意団体、自治会・町内会、その他",
        "4行目「会員数」：半角または全角の数字で入力してください。",
        "4行目「活動分野」：活動分野の番号 99 はありません（1〜20）。",
        "4行目「活動地域」：活動地域「横浜」はありません。次のいずれかを入力してください："
        "鎌倉地域、腰越地域、深沢地域、大船地域、玉縄地域、市内全域、市外",
        "4行目「登録期限」：日付を入力してください。",
    ]


def test_it_applies_the_online_forms_cross_field_rules(db: None) -> None:
    data = csv_bytes(
        [
            row(
                legal_form="ＮＰＯ法人",
                corporate_number="",
                member_count="10",
                officer_count="40",
                citizen_member_count="8",
            )
        ]
    )
    assert messages_of(data) == [
        "2行目「法人番号」：法人の場合は法人番号を入力してください。",
        "2行目「役員数」：役員数は会員数以下にしてください。",
    ]


def test_it_refuses_duplicate_registration_numbers_in_the_file(staff: Client) -> None:
    data = csv_bytes([row(), row(name="別の会"), row(registration_number="２０２４－０１０１")])
    response = upload(staff, data)
    errors = [str(e) for e in response.context["parsed"].errors]
    assert errors == [
        "4行目「登録番号」：登録番号 2024-0101 は 2 行目と重複しています。",
        "6行目「登録番号」：登録番号 2024-0101 は 2 行目と重複しています。",
    ]
    assert not CivicGroup.objects.exists()


def test_it_refuses_registration_numbers_already_in_the_database(staff: Client) -> None:
    factories.CivicGroupFactory(registration_number="2024-0101")
    data = csv_bytes([row(registration_number="2024-0100"), row(registration_number="2024-0101")])
    response = upload(staff, data)
    errors = [str(e) for e in response.context["parsed"].errors]
    assert errors == ["4行目「登録番号」：登録番号 2024-0101 の団体はすでに登録されています。"]
    assert CivicGroup.objects.count() == 1


def test_it_refuses_a_row_with_a_wrong_number_of_cells(db: None) -> None:
    data = csv_bytes([row()]) + "2024-0102,短すぎる行\r\n".encode()
    assert messages_of(data) == [
        f"4行目「（行全体）」：列の数が見出し行と合いません（見出し {len(HEADER)} 列、この行 2 列）。"
    ]


def test_it_refuses_people_who_may_not_import(as_user: Any, resident: User) -> None:
    client = as_user(resident)
    assert client.get(URL).status_code == 403
    assert upload(client, csv_bytes([row()])).status_code == 403
    assert not CivicGroup.objects.exists()


# --- importing ---------------------------------------------------------------------------------


def test_it_stores_formula_looking_text_as_text(db: None, center_staff: User) -> None:
    data = csv_bytes(
        [
            row(
                name='=HYPERLINK("http://evil.example")',
                purpose="'=1+1",  # as the export writes the value "=1+1"
                activities="@SUM(A1)",
                activity_days="+81 毎週",
            )
        ]
    )
    importer.groups_import(actor=center_staff, data=data, filename="f.csv")
    group = CivicGroup.objects.get()
    assert group.name == '=HYPERLINK("http://evil.example")'
    assert group.purpose == "=1+1"
    assert group.activities == "@SUM(A1)"
    assert group.activity_days == "+81 毎週"


def test_it_imports_a_clean_file_completely_after_confirmation(
    staff: Client, center_staff: User
) -> None:
    data = csv_bytes(
        [
            row(),
            row(
                registration_number="2023-0007",
                name="NPO法人 大船子ども食堂",
                name_kana="オオフナ コドモショクドウ",
                legal_form="NPO法人",
                corporate_number="１２３４５６７８９０１２３",
                area="大船地域",
                fields="13",
                registered_until="令和8年3月31日",
                first_registered_on="",
                founded_on="2010-06-01",
            ),
        ],
        encoding="cp932",
    )
    preview = upload(staff, data, name="名簿.csv")
    assert preview.status_code == 200
    assert preview.context["parsed"].errors == []
    assert len(preview.context["parsed"].rows) == 2
    body = preview.content.decode()
    assert "2団体を取り込めます" in body and "材木座海岸クリーンの会" in body
    assert not CivicGroup.objects.exists()  # a preview writes nothing

    response = staff.post(URL, {"token": preview.context["token"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:staff_list")

    group = CivicGroup.objects.get(registration_number="2024-0101")
    assert group.name == "材木座海岸クリーンの会"
    assert group.name_kana == "ザイモクザ カイガンクリーンノカイ"
    assert group.legal_form == "voluntary"
    assert group.corporate_number == ""
    assert group.representative_name == "鎌倉 花子"
    assert group.representative_kana == "カマクラ ハナコ"
    assert group.contact_name == "連絡 次郎"
    assert group.postal_code == "248-0006"
    assert group.address == "鎌倉市材木座1-2-3"
    assert group.phone == "0467-23-3000"
    assert group.email == "info@zaimokuza.example.jp"
    assert group.website == "https://zaimokuza.example.jp/"
    assert group.social_links == "https://sns.example.jp/zaimokuza"
    assert group.founded_on == dt.date(2020, 4, 1)
    assert group.member_count == 1200
    assert group.officer_count == 5
    assert group.citizen_member_count == 30
    assert sorted(f.number for f in group.fields.all()) == [7, 13]
    assert group.purpose == "海岸の清掃を通じて\n地域のつながりをつくる"
    assert group.activities == "毎月第1日曜日に海岸清掃"
    assert group.area is not None and group.area.name == "鎌倉地域"
    assert group.activity_days == "毎月第1日曜日"
    assert group.public_items == DEFAULT_PUBLIC_ITEMS
    assert group.registered_until == dt.date(2026, 3, 31)
    assert group.first_registered_on == dt.date(2019, 5, 1)
    assert group.search_text and group.sort_key.startswith("さいもくさ")

    npo = CivicGroup.objects.get(registration_number="2023-0007")
    assert npo.legal_form == "npo"
    assert npo.corporate_number == "1234567890123"
    assert npo.area is not None and npo.area.name == "大船地域"
    assert [f.number for f in npo.fields.all()] == [13]
    assert npo.registered_until == dt.date(2026, 3, 31)
    assert npo.first_registered_on is None

    batch = AuditEvent.objects.get(action="registry.import")
    assert batch.actor == center_staff
    assert "名簿.csv" in batch.summary and "2団体" in batch.summary
    assert batch.changes["count"] == [None, 2]
    assert batch.changes["registration_numbers"] == [None, ["2024-0101", "2023-0007"]]
    per_group = AuditEvent.objects.filter(action="group.import").order_by("id")
    assert [e.target_id for e in per_group] == [str(group.pk), str(npo.pk)]
    assert per_group[0].changes["name"] == [None, "材木座海岸クリーンの会"]
    assert per_group[0].changes["registration_number"] == [None, "2024-0101"]
    assert "2行目" in per_group[0].summary

    # The confirmation is used up: posting it again imports nothing more.
    again = staff.post(URL, {"token": preview.context["token"]})
    assert again.status_code == 302
    assert CivicGroup.objects.count() == 2


def test_it_imports_nothing_when_a_number_is_taken_between_preview_and_confirm(
    staff: Client,
) -> None:
    preview = upload(staff, csv_bytes([row(), row(registration_number="2024-0102", name="二")]))
    factories.CivicGroupFactory(registration_number="2024-0102")
    response = staff.post(URL, {"token": preview.context["token"]})
    assert response.status_code == 200
    assert [str(e) for e in response.context["parsed"].errors] == [
        "4行目「登録番号」：登録番号 2024-0102 の団体はすでに登録されています。"
    ]
    assert CivicGroup.objects.count() == 1
    assert not AuditEvent.objects.filter(action__in=["registry.import", "group.import"]).exists()


def test_it_refuses_a_tampered_token_or_another_persons_preview(
    staff: Client, as_user: Any, administrator: User
) -> None:
    preview = upload(staff, csv_bytes([row()]))
    token = preview.context["token"]
    tampered = staff.post(URL, {"token": token[:-2] + "xx"})
    assert tampered.status_code == 302 and tampered["Location"] == URL
    other = as_user(administrator).post(URL, {"token": token})
    assert other.status_code == 302 and other["Location"] == URL
    assert not CivicGroup.objects.exists()


def test_the_staff_list_links_to_the_import_for_staff_who_may_use_it(staff: Client) -> None:
    assert URL in staff.get(reverse("registry:staff_list")).content.decode()


def test_it_round_trips_the_staff_export(staff: Client, center_staff: User) -> None:
    rows = [
        row(),
        row(
            registration_number="2022-0042",
            name="一般社団法人 鎌倉歴史ガイド",
            name_kana="カマクラ レキシガイド",
            legal_form="一般社団法人",
            corporate_number="9876543210987",
            purpose="=1+1 と書いても式にならない",
            activities='引用符 "も" カンマ, も\n改行も',
            fields="4;6;2",
            area="市内全域",
            postal_code="",
            founded_on="",
            email="",
            website="",
        ),
    ]
    importer.groups_import(actor=center_staff, data=csv_bytes(rows), filename="first.csv")

    def snapshot() -> dict[str, dict[str, Any]]:
        return {
            g.registration_number: {
                **group_profile(g),
                "registered_until": g.registered_until,
                "first_registered_on": g.first_registered_on,
                "sort_key": g.sort_key,
                "search_text": g.search_text,
            }
            for g in CivicGroup.objects.all()
        }

    before = snapshot()
    exported = staff.get(reverse("registry:staff_list"), {"export": "csv"}).content
    assert exported.startswith(b"\xef\xbb\xbf")
    assert b"'=1+1" in exported  # the export's formula guard
    CivicGroup.objects.all().delete()

    importer.groups_import(actor=center_staff, data=exported, filename="exported.csv")
    assert snapshot() == before
