"""The CJK font printed PDFs embed (README: Printing).

Debian's WenQuanYi Micro Hei / Zen Hei (`apt install fonts-wqy-microhei`) are TrueType collections that
ReportLab embeds, so Chinese text is drawn and can be extracted. Noto CJK cannot be embedded (PostScript
outlines). Without any, ReportLab's built-in STSong-Light is used: Chinese prints, but the font is not
embedded, so the reader's own font shows it.
"""
import os
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
FALLBACK = "STSong-Light"


def cjk_font_path(configured: str | None = None) -> str | None:
    """PRINT_CJK_FONT when it exists, else the first Debian WenQuanYi font found, else None."""
    for path in ((configured,) if configured else ()) + CANDIDATES:
        if path and os.path.isfile(path):
            return path
    return None


@lru_cache(maxsize=None)
def _register_fallback() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK


def font_css(path: str | None) -> tuple[str, str]:
    """(@font-face rule, font-family list): a Latin font first, then the CJK one."""
    if path is None:
        return "", f"Times, {_register_fallback()}"
    return f'@font-face {{ font-family: cjk; src: url("{path}"); }}', "Times, cjk"
