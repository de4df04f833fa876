"""Every page of every document keeps its ink inside the page's margins (rendered with
pdftoppm and checked pixel by pixel), and every font is embedded as a subset (pdffonts)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kyodo.documents import pdf, registry, services
from tests.documents.conftest import BLANK_KEYS, KEYS, Scene, document_for

pytestmark = pytest.mark.django_db

DPI = 36
# The page margins are 22 mm (document.typ); the header and the page number sit in the top
# and bottom margins, so those bands are checked to 10 mm, the sides to 18 mm.
SIDE_MM, EDGE_MM = 18, 10


def _pages(data: bytes, tmp_path: Path) -> list[tuple[int, int, bytes]]:
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), str(source), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    pages = []
    for image in sorted(tmp_path.glob("page*.pgm")):
        raw = image.read_bytes()
        # P5 header: magic, width, height, maxval, each separated by white space.
        magic, width, height, maxval, pixels = raw.split(maxsplit=4)
        assert magic == b"P5" and maxval == b"255"
        pages.append((int(width), int(height), pixels))
    return pages


def _ink_outside(width: int, height: int, pixels: bytes) -> list[tuple[int, int]]:
    side = round(SIDE_MM * DPI / 25.4)
    edge = round(EDGE_MM * DPI / 25.4)
    inked = []
    for y in range(height):
        row = pixels[y * width : (y + 1) * width]
        columns = (
            range(width)
            if y < edge or y >= height - edge
            else [
                *range(side),
                *range(width - side, width),
            ]
        )
        inked += [(x, y) for x in columns if row[x] < 200]
    return inked


def _check(data: bytes, tmp_path: Path) -> None:
    pages = _pages(data, tmp_path)
    assert pages
    for number, (width, height, pixels) in enumerate(pages, start=1):
        assert abs(width - round(210 * DPI / 25.4)) <= 1, "A4 width"
        assert abs(height - round(297 * DPI / 25.4)) <= 1, "A4 height"
        assert _ink_outside(width, height, pixels) == [], f"ink in the margin of page {number}"
        # and the page is not blank
        assert min(pixels) < 100
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "doc.pdf")], capture_output=True, check=True
    ).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows, "the document uses fonts"
    for row in rows:
        name, *_rest = row.split()
        emb, sub = row.split()[-5], row.split()[-4]
        assert (emb, sub) == ("yes", "yes"), f"{name} is not embedded as a subset"
        assert "Noto" not in name
        assert name.split("+", 1)[1].startswith(("BIZUD", "IPAex", "IPAmj")), name


@pytest.mark.parametrize("key", KEYS)
def test_it_keeps_every_page_inside_the_margins_with_fonts_embedded(
    scene: Scene, key: str, tmp_path: Path
) -> None:
    _check(pdf.render(document_for(scene, key)), tmp_path)


@pytest.mark.parametrize("key", BLANK_KEYS)
def test_it_keeps_the_blank_forms_inside_the_margins(key: str, tmp_path: Path) -> None:
    _check(pdf.render(services.blank_build(doc_type=registry.get(key))), tmp_path)


def test_it_keeps_hostile_long_latin_text_inside_the_margins(office_staff, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.documents.conftest import build_scene

    unbroken = (
        "https://example.jp/" + "a" * 300 + " <script>alert(1)</script> #set page(width: 1mm)"
    )
    scene = build_scene(office_staff, title=unbroken[:200], long=unbroken)
    _check(pdf.render(document_for(scene, "proposal")), tmp_path)
