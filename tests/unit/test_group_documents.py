"""Group documents: content sniffing, size limit, who may download, and as attachments."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kyodo.accounts.models import User
from kyodo.registry.models import CivicGroup, GroupDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def _zip(**parts: str | bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip(**{"[Content_Types].xml": "<Types/>", "word__document.xml": "<w:document/>"})


def _xlsx() -> bytes:
    return _zip(**{"[Content_Types].xml": "<Types/>", "xl__workbook.xml": "<workbook/>"})


def _upload(client: Client, group: CivicGroup, name: str, content: bytes, public: bool = False):  # type: ignore[no-untyped-def]
    data = {"kind": "rules", "file": SimpleUploadedFile(name, content)}
    if public:
        data["is_public"] = "on"
    return client.post(f"/my/groups/{group.pk}/documents/", data, follow=True)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("会則.pdf", EXE),  # a renamed program
        ("会則.pdf", "これはテキストです。PDFではありません。".encode()),
        ("会則.docx", b"PK\x03\x04" + b"\x00" * 30),  # a broken archive named .docx
        ("会則.docx", _zip(**{"setup.exe": EXE})),  # any zip renamed .docx
        ("会計.xlsx", _zip(**{"[Content_Types].xml": "<Types/>", "payload.js": "x"})),
        ("setup.exe", EXE),
        ("会則.html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_it_refuses_files_by_their_content_not_their_name(
    as_user: Callable[[User], Client],
    representative_a: User,
    group_a: CivicGroup,
    name: str,
    content: bytes,
) -> None:
    response = _upload(as_user(representative_a), group_a, name, content)
    assert "PDF・Word（.docx）・Excel（.xlsx）・PNG・JPEG のファイルを選んでください。" in (
        response.content.decode()
    )
    assert not GroupDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("会則.pdf", PDF, "application/pdf"),
        ("rules.PDF", PDF, "application/pdf"),
        (
            "名簿.docx",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("会計.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "名簿（拡張子なし）",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("写真.png", PNG, "image/png"),
    ],
)
def test_it_accepts_real_documents_and_records_the_sniffed_type(
    as_user: Callable[[User], Client],
    representative_a: User,
    group_a: CivicGroup,
    name: str,
    content: bytes,
    mime: str,
) -> None:
    response = _upload(as_user(representative_a), group_a, name, content)
    assert "書類を登録しました。" in response.content.decode()
    document = GroupDocument.objects.get()
    assert document.content_type == mime
    assert document.original_name == name
    assert document.size == len(content)


def test_it_refuses_a_file_over_the_size_limit(
    settings: object, as_user: Callable[[User], Client], representative_a: User, group_a: CivicGroup
) -> None:
    settings.KYODO_MAX_UPLOAD_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    big = PDF + b"0" * (1024 * 1024)
    response = _upload(as_user(representative_a), group_a, "大きい.pdf", big)
    assert "ファイルが大きすぎます（上限 1 MB）。" in response.content.decode()
    assert not GroupDocument.objects.exists()


def test_it_refuses_an_empty_file(
    as_user: Callable[[User], Client], representative_a: User, group_a: CivicGroup
) -> None:
    response = _upload(as_user(representative_a), group_a, "空.pdf", b"")
    assert not GroupDocument.objects.exists()
    assert "空" in response.content.decode()


def test_it_refuses_uploads_by_plain_members(
    as_user: Callable[[User], Client], member_a: User, group_a: CivicGroup
) -> None:
    response = as_user(member_a).post(
        f"/my/groups/{group_a.pk}/documents/",
        {"kind": "rules", "file": SimpleUploadedFile("会則.pdf", PDF)},
    )
    assert response.status_code == 403
    assert not GroupDocument.objects.exists()


@pytest.fixture
def documents(
    as_user: Callable[[User], Client], representative_a: User, group_a: CivicGroup
) -> dict[str, GroupDocument]:
    client = as_user(representative_a)
    _upload(client, group_a, "役員名簿.pdf", PDF, public=False)
    _upload(client, group_a, "会則.pdf", PDF, public=True)
    client.logout()
    return {
        "private": GroupDocument.objects.get(original_name="役員名簿.pdf"),
        "public": GroupDocument.objects.get(original_name="会則.pdf"),
    }


def test_it_refuses_a_private_document_to_outsiders(
    client: Client,
    as_user: Callable[[User], Client],
    documents: dict[str, GroupDocument],
    member_b: User,
) -> None:
    url = f"/documents/{documents['private'].pk}/"
    assert client.get(url).status_code == 302  # anonymous: log in first
    response = as_user(member_b).get(url)
    assert response.status_code == 403
    assert "団体のメンバーとセンター職員だけが見られます" in response.content.decode()


def test_it_serves_documents_as_attachments_with_the_original_name(
    client: Client,
    as_user: Callable[[User], Client],
    documents: dict[str, GroupDocument],
    member_a: User,
    group_a: CivicGroup,
) -> None:
    public = client.get(f"/documents/{documents['public'].pk}/")
    assert public.status_code == 200
    assert public["Content-Disposition"].startswith("attachment;")
    assert "%E4%BC%9A%E5%89%87.pdf" in public["Content-Disposition"]  # 会則.pdf, encoded
    assert public["Content-Type"] == "application/pdf"
    assert public["X-Content-Type-Options"] == "nosniff"
    assert b"".join(public.streaming_content) == PDF
    # The public page lists only the public one.
    page = client.get(f"/groups/{group_a.pk}/").content.decode()
    assert "会則.pdf" in page and "役員名簿.pdf" not in page

    private = as_user(member_a).get(f"/documents/{documents['private'].pk}/")
    assert private.status_code == 200
    assert private["Content-Disposition"].startswith("attachment;")


def test_it_stops_serving_public_documents_of_a_lapsed_group(
    client: Client, documents: dict[str, GroupDocument], group_a: CivicGroup
) -> None:
    import datetime as dt

    group_a.registered_until = dt.date(2000, 3, 31)
    group_a.save(update_fields=["registered_until"])
    assert client.get(f"/documents/{documents['public'].pk}/").status_code == 302
