"""The CJK font printed PDFs embed (README: Printing).

Debian's WenQuanYi Micro Hei / Zen Hei (`apt install fonts-wqy-microhei`) are TrueType collections that
ReportLab embeds, so Chinese text is drawn and can be extracted. Noto CJK cannot be embedded (PostScript
outlines). Without any, ReportLab's built-in STSong-Light is used: Chinese prints, but the font is not
embedded, so the reader's own font shows it.

The print workers register the font once each, at start (`pdf_worker.py`): the documents name its family
and never load a font file themselves.
"""
import os

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
    from functools import lru_cache

    @lru_cache(maxsize=1)
    def points() -> frozenset[int]:
        from reportlab.pdfbase.ttfonts import TTFont

        return frozenset(TTFont("coverage", path).face.charToGlyph)

    def covers(point: int) -> bool:
        return point in points()
    return covers
