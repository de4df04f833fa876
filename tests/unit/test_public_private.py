"""What a group keeps private never leaks: public page, open-data CSV, directory, search."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kyodo.accounts.models import User
from kyodo.registry import services
from kyodo.registry.models import PUBLISHABLE_ITEMS, CivicGroup, DocumentKind, GroupRole
from tests import factories

pytestmark = pytest.mark.django_db

PRIVATE_VALUES = {
    "representative_name": "秘密野 代表子",
    "representative_kana": "ヒミツノ ダイヒョウコ",
    "contact_name": "内緒川 連絡郎",
    "postal_code": "248-0099",
    "address": "鎌倉市秘密町9-8-7",
    "phone": "0467-99-8877",
    "email": "hidden-contact@example.jp",
    "website": "https://hidden-site.example.jp/",
    "social_links": "https://sns.example.jp/hidden-account",
    "corporate_number": "9876543210987",
    "purpose": "非公開の目的テキスト",
    "activities": "非公開の活動テキスト",
    "activity_days": "非公開の活動日テキスト",
}


@pytest.fixture
def secretive(db: None) -> CivicGroup:
    return factories.CivicGroupFactory(
        registered=True,
        name="ひみつの会",
        name_kana="ひみつのかい",
        public_items=[],
        founded_on=dt.date(2011, 3, 11),
        member_count=4321,
        officer_count=8,
        citizen_member_count=4000,
        **PRIVATE_VALUES,
    )


def _public_csv_row(client: Client, name: str) -> dict[str, str]:
    response = client.get("/groups/export.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    return next(r for r in rows if r["団体名"] == name)


def _assert_no_private_value(text: str) -> None:
    for field, value in PRIVATE_VALUES.items():
        assert value not in text, f"private {field} leaked"
    assert "4321" not in text
    assert "平成23年3月11日" not in text and "2011-03-11" not in text


def test_it_keeps_every_private_item_off_the_public_group_page(
    client: Client, secretive: CivicGroup
) -> None:
    response = client.get(f"/groups/{secretive.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ひみつの会" in html
    _assert_no_private_value(html)


def test_it_keeps_every_private_item_out_of_the_open_data_csv(
    client: Client, secretive: CivicGroup
) -> None:
    row = _public_csv_row(client, "ひみつの会")
    assert row["ふりがな"] == "ひみつのかい"
    for column in (
        "代表者名",
        "所在地",
        "電話番号",
        "メールアドレス",
        "ウェブサイト",
        "設立年月日",
        "会員数",
        "目的",
        "主な活動",
        "活動日",
    ):
        assert row[column] == "", column
    _assert_no_private_value(client.get("/groups/export.csv").content.decode("utf-8-sig"))


def test_it_keeps_private_items_out_of_directory_results(
    client: Client, secretive: CivicGroup
) -> None:
    html = client.get("/groups/").content.decode()
    assert "ひみつの会" in html
    _assert_no_private_value(html)


@pytest.mark.parametrize(
    "query",
    [
        "0467-99-8877",
        "04679988877",
        "秘密野",
        "ヒミツノ ダイヒョウコ",
        "内緒川",
        "秘密町",
        "hidden-contact",
        "非公開の活動",
    ],
)
def test_it_does_not_match_a_directory_search_on_a_private_value(
    client: Client, secretive: CivicGroup, query: str
) -> None:
    for url in ("/groups/", "/groups/export.csv"):
        response = client.get(url, {"q": query})
        assert "ひみつの会" not in response.content.decode("utf-8-sig"), (url, query)


def test_it_shows_items_once_the_group_makes_them_public(
    client: Client, secretive: CivicGroup
) -> None:
    secretive.public_items = [key for key, _label in PUBLISHABLE_ITEMS]
    secretive.save(update_fields=["public_items"])
    html = client.get(f"/groups/{secretive.pk}/").content.decode()
    for field, value in PRIVATE_VALUES.items():
        if field != "representative_kana":  # the page shows the name, not its reading
            assert value in html, field
    assert "平成23年3月11日" in html
    row = _public_csv_row(client, "ひみつの会")
    assert row["代表者名"] == "秘密野 代表子"
    assert row["電話番号"] == "0467-99-8877"
    assert row["所在地"] == "248-0099 鎌倉市秘密町9-8-7"
    assert row["会員数"] == "4321"
    assert "非公開の活動テキスト" in client.get("/groups/").content.decode()


def test_it_publishes_only_the_ticked_items(client: Client, secretive: CivicGroup) -> None:
    secretive.public_items = ["phone"]
    secretive.save(update_fields=["public_items"])
    html = client.get(f"/groups/{secretive.pk}/").content.decode()
    assert "0467-99-8877" in html
    assert "秘密野 代表子" not in html
    assert "hidden-contact@example.jp" not in html
    row = _public_csv_row(client, "ひみつの会")
    assert row["電話番号"] == "0467-99-8877"
    assert row["代表者名"] == row["メールアドレス"] == ""


# --- private pages ---------------------------------------------------------------------


@pytest.fixture
def private_document(secretive: CivicGroup) -> int:
    rep = factories.member(secretive, GroupRole.REPRESENTATIVE)
    document = services.document_upload(
        actor=rep,
        group=secretive,
        kind=DocumentKind.OFFICERS,
        upload=SimpleUploadedFile("名簿.pdf", b"%PDF-1.4\n% officers\n", "application/pdf"),
        is_public=False,
    )
    return document.pk


def _private_urls(group: CivicGroup, document_pk: int) -> list[str]:
    return [
        f"/my/groups/{group.pk}/",
        f"/groups/{group.pk}/certificate/",
        f"/documents/{document_pk}/",
    ]


def test_it_sends_anonymous_visitors_of_private_pages_to_log_in(
    client: Client, secretive: CivicGroup, private_document: int
) -> None:
    for url in _private_urls(secretive, private_document):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_it_refuses_private_pages_to_non_members_with_the_reason(
    as_user: Callable[[User], Client],
    resident: User,
    member_b: User,
    department_staff: User,
    secretive: CivicGroup,
    private_document: int,
) -> None:
    for person in (resident, member_b, department_staff):
        client = as_user(person)
        for url in _private_urls(secretive, private_document):
            response = client.get(url)
            assert response.status_code == 403, (person, url)
            assert "団体のメンバーとセンター職員だけが見られます" in response.content.decode()
            _assert_no_private_value(response.content.decode())


def test_it_opens_private_pages_to_members_and_center_staff(
    as_user: Callable[[User], Client],
    center_staff: User,
    office_staff: User,
    secretive: CivicGroup,
    private_document: int,
) -> None:
    member = factories.member(secretive, GroupRole.MEMBER)
    for person in (member, center_staff, office_staff):
        client = as_user(person)
        my_page = client.get(f"/my/groups/{secretive.pk}/")
        assert my_page.status_code == 200
        assert "秘密野 代表子" in my_page.content.decode()
        assert client.get(f"/groups/{secretive.pk}/certificate/").status_code == 200
        download = client.get(f"/documents/{private_document}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
