"""Which characters a certificate can carry: those its print font draws.

Without a font registered (unit tests, or no CJK font installed), a character is printable when it is a letter,
mark, digit, punctuation, space or symbol of the Basic Multilingual Plane that is not a pictograph: control
characters (but tab and line breaks), format characters (zero-width joiners), private-use, unassigned and
surrogate code points, emoji and the other astral-plane symbols are not. When printing registers its font
(`use_font_coverage`, at app start), a character must also be one the font has a glyph for.
"""
import unicodedata
from typing import Callable

ALLOWED_CONTROLS = frozenset("\t\n\r")
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})
# Pictographs in the BMP that fonts for documents do not draw: misc symbols, dingbats, arrows-and-shapes
# emoji, variation selectors (which turn a character into its emoji form).
PICTOGRAPHS = ((0x2600, 0x27BF), (0x2B00, 0x2BFF), (0xFE00, 0xFE0F), (0x1F000, 0x10FFFF))

_coverage: dict[str, Callable[[int], bool]] = {}


def use_font_coverage(covers: Callable[[int], bool]) -> None:
    """Printing tells which code points its font draws."""
    _coverage["font"] = covers


def printable(char: str) -> bool:
    if char in ALLOWED_CONTROLS:
        return True
    point = ord(char)
    if unicodedata.category(char) in REFUSED_CATEGORIES or any(lo <= point <= hi for lo, hi in PICTOGRAPHS):
        return False
    covers = _coverage.get("font")
    return covers(point) if covers and char not in " \u00a0" else True


def unprintable(text: str) -> list[str]:
    """The distinct characters of `text` a certificate cannot print, in order of appearance."""
    seen = []
    for char in text or "":
        if char not in seen and not printable(char):
            seen.append(char)
    return seen


def shown(chars: list[str]) -> str:
    """How refused characters are named to the clerk: the character (when visible) and its code point."""
    return "、".join(f"“{c}”(U+{ord(c):04X})" if unicodedata.category(c)[0] not in "CZ" else f"U+{ord(c):04X}"
                    for c in chars[:5]) + ("等" if len(chars) > 5 else "")
