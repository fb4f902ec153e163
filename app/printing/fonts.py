"""The CJK font printed PDFs embed (README: Printing).

Debian's WenQuanYi Micro Hei / Zen Hei (`apt install fonts-wqy-microhei`) are TrueType collections that
ReportLab embeds, so Chinese text is drawn and can be extracted. Noto CJK cannot be embedded (PostScript
outlines). Without any, ReportLab's built-in STSong-Light is used: Chinese prints, but the font is not
embedded, so the reader's own font shows it.

The print workers register the font once each, at start (`pdf_worker.py`): the documents name its family
and never load a font file themselves.
"""
import os
from functools import lru_cache

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
FALLBACK = "STSong-Light"
FAMILY = "cjk"  # what pdf_worker.py registers the TrueType font as


def cjk_font_path(configured: str | None = None) -> str | None:
    """PRINT_CJK_FONT when it exists, else the first Debian WenQuanYi font found, else None."""
    for path in ((configured,) if configured else ()) + CANDIDATES:
        if path and os.path.isfile(path):
            return path
    return None


def families(path: str | None) -> str:
    """The documents' font-family list: a Latin font first, then the CJK one the workers registered."""
    return f"Times, {FAMILY if path else FALLBACK}"


def coverage(path: str):
    """A test of whether the font at `path` draws a code point (its character map, read on first use)."""
    @lru_cache(maxsize=1)
    def points() -> frozenset[int]:
        return frozenset(_ttf(path).face.charToGlyph)

    def covers(point: int) -> bool:
        return point in points()
    return covers


LATIN = {False: "Times-Roman", True: "Times-Bold"}  # the first family of `families`: what draws Latin text


@lru_cache(maxsize=4)
def _ttf(path: str):
    from reportlab.pdfbase.ttfonts import TTFont

    return TTFont("measure", path)


def _draws_in_latin(char: str) -> bool:
    """Times draws what its WinAnsi encoding holds (xhtml2pdf picks the font per character the same way)."""
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return char.isprintable() or char == " "


@lru_cache(maxsize=4)
def measurer(path: str | None):
    """`measure(text, size, bold) -> width in pt` as the print workers will set it: Latin in Times, everything
    else in the CJK font (1 em each when there is none to read). Widths are read once per character."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    cjk = _ttf(path) if path else None
    cache: dict[tuple[str, bool], float] = {}

    def one(char: str, bold: bool) -> float:
        key = (char, bold)
        if key not in cache:
            if _draws_in_latin(char):
                cache[key] = stringWidth(char, LATIN[bold], 1000) / 1000
            else:
                cache[key] = cjk.stringWidth(char, 1000) / 1000 if cjk else 1.0
        return cache[key]

    def measure(text: str, size: float, bold: bool = False) -> float:
        return sum(one(char, bold) for char in text) * size
    return measure
