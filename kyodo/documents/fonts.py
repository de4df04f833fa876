"""The fonts documents are printed in, from Debian's packages (the Makefile installs them).

BIZ UD明朝 / BIZ UDゴシック (Morisawa's universal-design faces) print everything they have;
IPAex takes any glyph they lack, and IPAmj明朝 (the government's 文字情報基盤 font, every
kanji of the family register) takes the rest: 𠮷 (U+20BB7) is in none of the others. The
fallback is per glyph, so a name like 𠮷田 mixes faces only on the one character.
The Noto CJK collection is deliberately not used (a 100 MB collection per weight slows
every compile and embeds poorly in Word).
"""

from __future__ import annotations

from pathlib import Path

# (Debian package, font file)
FONT_FILES: tuple[tuple[str, str], ...] = (
    (
        "fonts-morisawa-bizud-mincho",
        "/usr/share/fonts/truetype/bizud-mincho/BIZUDMincho-Regular.ttf",
    ),
    (
        "fonts-morisawa-bizud-gothic",
        "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf",
    ),
    ("fonts-morisawa-bizud-gothic", "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Bold.ttf"),
    ("fonts-ipaexfont-mincho", "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"),
    ("fonts-ipaexfont-gothic", "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    ("fonts-ipamj-mincho", "/usr/share/fonts/truetype/ipamj/ipamjm.ttf"),
)

# Family names as the renderers ask for them, in fallback order.
MINCHO = ("BIZ UDMincho", "IPAexMincho", "IPAmjMincho")
GOTHIC = ("BIZ UDGothic", "IPAexGothic", "IPAmjMincho")
# Word files name the Japanese face; Word itself falls back per glyph on the reader's machine.
WORD_MINCHO = "BIZ UD明朝"
WORD_GOTHIC = "BIZ UDゴシック"


class FontsMissing(RuntimeError):
    pass


def font_files() -> list[str]:
    """The directories of the font files, or FontsMissing naming the Debian packages to install."""
    missing = sorted({package for package, path in FONT_FILES if not Path(path).is_file()})
    if missing:
        raise FontsMissing(
            "Documents need these Debian font packages: "
            + " ".join(missing)
            + " (make fonts installs them as root)."
        )
    return sorted({str(Path(path).parent) for _package, path in FONT_FILES})
