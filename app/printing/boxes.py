"""The geometry of a printed form: boxes and goods columns in millimetres on A4. Pure data and builders.

A layout is a left and a right column of boxes above the goods band, optional full-width boxes under it
(RCEP's remarks and tick boxes), the two boxes side by side (declaration, certification) and optional
full-width boxes at the foot (Form E's box 13). The standard format draws every box with its number, title and
any pre-printed form text (`note`); the overlay (套打) format prints only the contents, at the same places.
"""
from dataclasses import dataclass

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, MID, RIGHT = 10.0, 110.0, 200.0
TOP, GOODS_TOP, GOODS_BOTTOM, BOTTOM = 10.0, 118.0, 232.0, 287.0


@dataclass(frozen=True)
class Box:
    key: str  # what goes in it (content.py)
    number: str
    title: str
    x: float
    y: float
    w: float
    h: float
    note: str = ""  # text pre-printed on the form under the title (standard format only)


@dataclass(frozen=True)
class Column:
    key: str
    number: str
    title: str
    width: float  # mm; the description column (0) takes what is left
    needs: str | None = None  # a goods field the type must have for the column to print


@dataclass(frozen=True)
class Layout:
    name: str
    boxes: tuple[Box, ...]
    columns: tuple[Column, ...]
    language: str = "en"
    title: tuple[str, ...] = ()  # the form's title lines; () → the type's English name
    subtitle: str = "ISSUED IN THE PEOPLE'S REPUBLIC OF CHINA"
    number_label: str = "Certificate No."
    goods_top: float = GOODS_TOP
    goods_bottom: float = GOODS_BOTTOM
    head_mm: float = 10.0  # the column titles at the top of the goods band
    ticks: tuple[tuple[str, str], ...] = ()  # (what it marks, printed label) in the form's order
    fob_only_rvc: bool = False  # the quantity box shows the FOB value only on rows whose criterion is RVC
    agreement_en: str = ""  # the agreement the declaration and certification texts name

    @property
    def goods(self) -> Box:
        return Box("goods", "", "", LEFT, self.goods_top, RIGHT - LEFT, self.goods_bottom - self.goods_top)

    def columns_for(self, goods_fields=None) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.needs or goods_fields is None or c.needs in goods_fields)

    def column_widths(self, goods_fields=None) -> list[tuple[Column, float]]:
        columns = self.columns_for(goods_fields)
        fixed = sum(c.width for c in columns if c.width)
        return [(c, c.width or (RIGHT - LEFT) - fixed) for c in columns]

    def box(self, key: str) -> Box | None:
        return next((b for b in self.boxes if b.key == key), None)


def stack(x: float, w: float, top: float, bottom: float, parts) -> list[Box]:
    """Boxes one under the other between top and bottom; parts: (key, number, title, relative height[, note])."""
    total = sum(p[3] for p in parts)
    boxes, y = [], top
    for key, number, title, weight, *note in parts:
        h = (bottom - top) * weight / total
        boxes.append(Box(key, number, title, x, y, w, h, *note))
        y += h
    return boxes


def build(name, left, right, columns, bottom, *, goods=(GOODS_TOP, GOODS_BOTTOM), below=(), foot=(),
          **options) -> Layout:
    """A layout from its parts. `below` and `foot`: full-width (key, number, title, height mm[, note]) boxes
    under the goods band and under the declaration/certification pair."""
    top, bottom_of_goods = goods
    boxes = stack(LEFT, MID - LEFT, TOP, top, left) + stack(MID, RIGHT - MID, TOP, top, right)
    y = bottom_of_goods
    for key, number, title, h, *note in below:
        boxes.append(Box(key, number, title, LEFT, y, RIGHT - LEFT, h, *note))
        y += h
    pair_bottom = BOTTOM - sum(part[3] for part in foot)
    half = (RIGHT - LEFT) / 2
    boxes += stack(LEFT, half, y, pair_bottom, bottom[:1]) + stack(LEFT + half, half, y, pair_bottom, bottom[1:])
    y = pair_bottom
    for key, number, title, h, *note in foot:
        boxes.append(Box(key, number, title, LEFT, y, RIGHT - LEFT, h, *note))
        y += h
    return Layout(name, tuple(boxes), tuple(Column(*c) for c in columns), goods_top=top,
                  goods_bottom=bottom_of_goods, **options)
