"""The printed texts set into a layout: a font size and lines for every box, goods cell and column head, so
that each text stays inside its box (wrap.py). Pure: the font's widths come in as `measure`.

A box holds its number and title (and the form's pre-printed note) at the top, then its content, which gets
the largest size that fits what is left; the overlay format keeps the same room empty above the content, so
the contents land where the standard format puts them. The heading box holds the number, "Page x of y", the
form's title and, on issued certificates, the QR code with the verification address beside it, broken at
"/", "?" and "&" to stay inside the box.
"""
from dataclasses import dataclass

from .boxes import Box, Layout
from .content import Printed
from .wrap import PT_PER_MM, Fitted, Measure, fit

PAD = 1.2  # mm inside every box
CELL_PAD = 0.6  # mm inside a goods cell
SAFETY = 0.8  # mm kept free at the foot of a box
BOX_SIZES = (8, 7.5, 7, 6.5, 6, 5.5, 5, 4.5)
TITLE_SIZES = (6, 5.5, 5)
NOTE_SIZES = (6.5, 6, 5.5, 5)
CELL_SIZES = (7.5, 7, 6.5, 6, 5.5, 5)
HEAD_SIZES = (6, 5.5, 5, 4.5)
TICK_SIZES = (7.5, 7, 6.5, 6, 5.5)
QR_MM = 17.0
TICK_MM = 3.5  # the square of a tick box
TICKS_LEFT = 8.0  # mm before the first tick box (room for the box number)
TICK_GAP = 7.0  # mm between a square and its label and after the label
NUMBER_PT = 9.0


@dataclass(frozen=True)
class SetBox:
    box: Box
    title: Fitted
    note: Fitted
    content: Fitted

    @property
    def above(self) -> float:
        """pt taken by the title and note (kept empty in the overlay format)."""
        return self.title.height + self.note.height


@dataclass(frozen=True)
class Heading:
    box: Box
    title: Fitted
    subtitle: Fitted
    url: Fitted | None


@dataclass(frozen=True)
class Tick:
    """A tick box at its place on the page (mm): its square at x, y, its label beside it."""
    label: str
    marked: bool
    x: float
    y: float
    label_w: float


@dataclass(frozen=True)
class Page:
    boxes: list[SetBox]
    heading: Heading | None
    heads: list[tuple[float, Fitted]]  # goods column heads: (width mm, text)
    rows: list[list[tuple[float, Fitted]]]
    ticks: list[Tick]
    tick_size: float


def _title(box: Box) -> str:
    return f"{box.number}. {box.title}" if box.number and box.title else (box.number or box.title)


def set_box(box: Box, text: str, measure: Measure) -> SetBox:
    width = box.w - 2 * PAD
    title = fit(_title(box), width, None, measure, TITLE_SIZES)
    note = fit(box.note, width, None, measure, NOTE_SIZES)
    room = box.h - 2 * PAD - SAFETY - (title.height + note.height) / PT_PER_MM
    return SetBox(box, title, note, fit(text, width, max(room, 1.0), measure, BOX_SIZES))


def heading(box: Box, title: tuple[str, ...], subtitle: str, url: str | None, measure: Measure) -> Heading:
    width = box.w - 2 * PAD
    url_set = fit(url, width - QR_MM - 2, QR_MM, measure, (6, 5.5, 5, 4.5), break_after="/?&=") if url else None
    sub = fit(subtitle, width, None, measure, (7, 6.5, 6))
    room = box.h - 2 * PAD - SAFETY - (NUMBER_PT * 1.3 + sub.height) / PT_PER_MM - (QR_MM + 1 if url else 0)
    sizes = (10, 9.5, 9, 8.5, 8, 7.5, 7)
    for size in sizes[:-1]:  # the largest size at which each title line stays one line, if it fits the height
        whole = fit("\n".join(title), width - 4, max(room, 1.0), measure, (size,), True)
        if len(whole.lines) == len(title) and not whole.overflow:
            return Heading(box, whole, sub, url_set)
    return Heading(box, fit("\n".join(title), width - 4, max(room, 1.0), measure, sizes, True), sub, url_set)


def tick_size(layout: Layout, ticks: list[tuple[str, bool]], measure: Measure) -> float:
    """One size for every tick label: the largest at which all of them fit side by side in the box."""
    box = layout.box("ticks")
    if box is None or not ticks:
        return TICK_SIZES[0]
    room = (box.w - 2 * PAD - TICKS_LEFT - len(ticks) * (TICK_MM + TICK_GAP)) * PT_PER_MM
    for size in TICK_SIZES:
        if sum(measure(label, size, False) for label, _on in ticks) <= room:
            return size
    return TICK_SIZES[-1]


def typeset(printed: Printed, layout: Layout, measure: Measure, goods_fields=None, url: str | None = None) -> Page:
    """Every box, head and goods cell of `printed` fitted into `layout`."""
    boxes, head = [], None
    for box in layout.boxes:
        if box.key == "heading":
            head = heading(box, printed.title, layout.subtitle, url, measure)
        elif box.key != "ticks":
            boxes.append(set_box(box, printed.boxes.get(box.key, ""), measure))
        else:
            boxes.append(SetBox(box, fit(_title(box), box.w, None, measure, TITLE_SIZES), Fitted(6, ()),
                                Fitted(8, ())))
    columns = layout.column_widths(goods_fields)
    heads = [(w, fit(f"{c.number}. {c.title}" if c.number else c.title, w - 2 * CELL_PAD, layout.head_mm - 2 * CELL_PAD,
                     measure, HEAD_SIZES)) for c, w in columns]
    rows = [[(w, fit(row.get(c.key, ""), w - 2 * CELL_PAD, None, measure, CELL_SIZES)) for c, w in columns]
            for row in printed.rows]
    size = tick_size(layout, printed.ticks, measure)
    return Page(boxes, head, heads, rows, place_ticks(layout, printed.ticks, size, measure), size)


def place_ticks(layout: Layout, ticks: list[tuple[str, bool]], size: float, measure: Measure) -> list[Tick]:
    """The tick boxes side by side across the box, at fixed places (the overlay marks the same squares)."""
    box = layout.box("ticks")
    if box is None:
        return []
    widths = [measure(label, size, False) / PT_PER_MM + 1 for label, _on in ticks]
    spare = box.w - 2 * PAD - TICKS_LEFT - sum(widths) - len(ticks) * (TICK_MM + TICK_GAP)
    step = TICK_GAP + max(spare, 0) / max(len(ticks), 1)
    x, y = box.x + PAD + TICKS_LEFT, box.y + (box.h - TICK_MM) / 2
    placed = []
    for (label, on), width in zip(ticks, widths):
        placed.append(Tick(label, on, x, y, width))
        x += TICK_MM + 1.5 + width + step - 1.5
    return placed
