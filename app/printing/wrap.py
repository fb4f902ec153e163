"""Line breaking for the printed forms. Pure: widths come from a `measure(text, size, bold) -> points` function.

English breaks only at spaces and after the hyphen of a compound word, never inside a word ("VESSEL/VOYAGE",
"COSCO PRIDE" stay whole) nor inside a number or code with hyphens (INV-2026-001); Chinese breaks between any
two characters, except that closing punctuation (，。、；：）」…) never starts a line and opening punctuation
(（「《…) never ends one. The documents get one block per line and are laid out without xhtml2pdf's CJK
wrapping (which breaks anywhere, English words included), so the lines print as broken here.

`fit` picks the largest font size at which a text fits its box: no word wider than the box and, where the box
has a height, no more lines than it holds. Only when even the smallest size cannot hold a word is that word
cut between characters (a 40-character number in a 10 mm column), so nothing runs outside its box.
"""
import re
from dataclasses import dataclass
from typing import Callable

Measure = Callable[[str, float, bool], float]  # (text, font size in pt, bold) → width in pt

PT_PER_MM = 72 / 25.4
LEADING = 1.18  # line height / font size as xhtml2pdf lays out one <div> per line (line-height 1.15 + rounding)
SIZES = (8, 7.5, 7, 6.5, 6, 5.5, 5)

# Chinese line-breaking rules (GB/T 15834 and common practice): these never start, resp. end, a line.
CANNOT_START = frozenset("，。、；：？！）】」』》〉〕〗｝”’…—·％‰℃,.;:?!)]}%")
CANNOT_END = frozenset("（【「『《〈〔〖｛“‘([{")
# After the hyphen of a compound word (BACK-|TO-|BACK, CO-|OPERATION), never inside a number or a code
# (INV-2026-001, JP-2026-RCEP-000123 stay whole).
_HYPHEN_SPLIT = re.compile(r"(?<=[A-Za-z]{2}-)(?=[A-Za-z]{2})")


def is_wide(char: str) -> bool:
    """Chinese (and other full-width) characters: a line may break before or after each one."""
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x2FFFF)


@dataclass(frozen=True)
class _Unit:
    text: str
    space_before: bool
    wide: bool


def _units(paragraph: str) -> list[_Unit]:
    """Latin words (cut after inner hyphens), single wide characters, each with whether a space precedes it."""
    units: list[_Unit] = []
    space = False
    for token in paragraph:
        if token.isspace() and not is_wide(token):
            space = bool(units)
            continue
        wide = is_wide(token)
        if not wide and units and not units[-1].wide and not space:
            units[-1] = _Unit(units[-1].text + token, units[-1].space_before, False)
        else:
            units.append(_Unit(token, space, wide))
        space = False
    result = []
    for unit in units:
        if unit.wide:
            result.append(unit)
            continue
        for index, part in enumerate(_HYPHEN_SPLIT.split(unit.text)):
            result.append(_Unit(part, unit.space_before if index == 0 else False, False))
    return result


def _may_break(before: _Unit, after: _Unit, hyphen_cut: bool) -> bool:
    if after.text[0] in CANNOT_START or before.text[-1] in CANNOT_END:
        return False
    return after.space_before or hyphen_cut or before.wide or after.wide


def chunks(paragraph: str, break_after: str = "") -> list[tuple[str, bool]]:
    """The pieces a line may break between: (text, space before it). `break_after` adds characters a line may
    break after (an address: "/", "?", "&")."""
    units = _units(paragraph)
    if break_after:
        split = []
        for unit in units:
            parts = re.split(f"(?<=[{re.escape(break_after)}])(?=.)", unit.text) if not unit.wide else [unit.text]
            split += [_Unit(p, unit.space_before if i == 0 else False, unit.wide) for i, p in enumerate(parts)]
        units = split
    out: list[list] = []
    previous = None
    for unit in units:
        cut = previous is not None and not unit.space_before and not previous.wide and not unit.wide
        if previous is None or _may_break(previous, unit, cut):
            out.append([unit.text, unit.space_before])
        else:
            out[-1][0] += (" " if unit.space_before else "") + unit.text
        previous = unit
    return [(text, space) for text, space in out]


def _cut(text: str, width: float, size: float, bold: bool, measure: Measure) -> list[str]:
    """A piece wider than the line, cut between characters (the last resort)."""
    pieces, current = [], ""
    for char in text:
        if current and measure(current + char, size, bold) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return pieces + ([current] if current else [])


def wrap(text: str, width: float, size: float, measure: Measure, bold: bool = False,
         break_after: str = "") -> tuple[list[str], bool]:
    """`text` (its own line breaks kept) in lines no wider than `width` pt → (lines, whether a piece had to be cut)."""
    lines: list[str] = []
    cut = False
    space = measure(" ", size, bold)
    for paragraph in str(text or "").split("\n"):
        line, used = "", 0.0
        for piece, spaced in chunks(paragraph, break_after):
            w = measure(piece, size, bold)
            gap = space if spaced and line else 0.0
            if line and used + gap + w <= width:
                line, used = line + (" " if gap else "") + piece, used + gap + w
                continue
            if line:
                lines.append(line)
            if w > width:
                cut = True
                *whole, piece = _cut(piece, width, size, bold, measure)
                lines += whole
                w = measure(piece, size, bold)
            line, used = piece, w
        lines.append(line)
    return lines, cut


@dataclass(frozen=True)
class Fitted:
    """A text laid out for a box: its font size (pt) and lines."""
    size: float
    lines: tuple[str, ...]
    overflow: bool = False  # even the smallest size did not fit the height

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def fit(text: str, width_mm: float, height_mm: float | None, measure: Measure, sizes=SIZES, bold: bool = False,
        break_after: str = "") -> Fitted:
    """The largest of `sizes` at which `text` fits `width_mm` (whole words) and `height_mm` (None: any height)."""
    width = width_mm * PT_PER_MM
    height = None if height_mm is None else height_mm * PT_PER_MM
    if not str(text or "").strip():
        return Fitted(sizes[0], ())
    for size in sizes:
        lines, cut = wrap(text, width, size, measure, bold, break_after)
        if not cut and (height is None or len(lines) * size * LEADING <= height):
            return Fitted(size, tuple(lines))
    size = sizes[-1]
    lines, _cut_words = wrap(text, width, size, measure, bold, break_after)
    return Fitted(size, tuple(lines), height is not None and len(lines) * size * LEADING > height)
