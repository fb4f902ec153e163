"""Print layouts: each form's boxes and goods columns in millimetres on A4 (FORMS.md §3). Pure data.

The standard format draws the boxes with their numbers and titles; the overlay (套打) format prints only the
contents at the same positions, shifted by the enterprise's printer offsets, onto pre-printed paper.
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


@dataclass(frozen=True)
class Column:
    key: str
    number: str
    title: str
    width: float  # mm; the description column takes what is left


@dataclass(frozen=True)
class Layout:
    name: str
    boxes: tuple[Box, ...]
    columns: tuple[Column, ...]
    language: str = "en"

    @property
    def goods(self) -> Box:
        return Box("goods", "", "", LEFT, GOODS_TOP, RIGHT - LEFT, GOODS_BOTTOM - GOODS_TOP)

    def column_widths(self) -> list[tuple[Column, float]]:
        fixed = sum(c.width for c in self.columns if c.width)
        return [(c, c.width or (RIGHT - LEFT) - fixed) for c in self.columns]

    def box(self, key: str) -> Box | None:
        return next((b for b in self.boxes if b.key == key), None)


def _stack(x: float, w: float, top: float, bottom: float, parts) -> list[Box]:
    """Boxes one under the other between top and bottom; parts: (key, number, title, relative height)."""
    total = sum(p[3] for p in parts)
    boxes, y = [], top
    for key, number, title, weight in parts:
        h = (bottom - top) * weight / total
        boxes.append(Box(key, number, title, x, y, w, h))
        y += h
    return boxes


def _layout(name, left, right, columns, bottom, language="en") -> Layout:
    boxes = _stack(LEFT, MID - LEFT, TOP, GOODS_TOP, left) + _stack(MID, RIGHT - MID, TOP, GOODS_TOP, right)
    boxes += _stack(LEFT, (RIGHT - LEFT) / 2, GOODS_BOTTOM, BOTTOM, bottom[:1])
    boxes += _stack(LEFT + (RIGHT - LEFT) / 2, (RIGHT - LEFT) / 2, GOODS_BOTTOM, BOTTOM, bottom[1:])
    return Layout(name, tuple(boxes), tuple(Column(*c) for c in columns), language)


HEAD = ("heading", "", "", 3)
EXPORTER, CONSIGNEE, TRANSPORT = ("exporter", "1", "Exporter", 3), ("consignee", "2", "Consignee", 3), \
    ("transport", "3", "Means of transport and route", 2.4)

LAYOUTS = {layout.name: layout for layout in (
    _layout("general",
            [EXPORTER, CONSIGNEE, TRANSPORT, ("destination", "4", "Country / region of destination", 1.4)],
            [HEAD, ("official", "5", "For certifying authority use only", 2)],
            [("marks", "6", "Marks and numbers", 30), ("description", "7", "Number and kind of packages; "
             "description of goods", 0), ("hs", "8", "H.S. Code", 20), ("quantity", "9", "Quantity", 26),
             ("invoice", "10", "Number and date of invoices", 30)],
            [("declaration", "11", "Declaration by the exporter", 1), ("certification", "12", "Certification", 1)]),
    _layout("form_a",
            [("exporter", "1", "Goods consigned from (exporter's business name, address, country)", 3),
             ("consignee", "2", "Goods consigned to (consignee's name, address, country)", 3), TRANSPORT],
            [HEAD, ("official", "4", "For official use", 2)],
            [("item", "5", "Item number", 12), ("marks", "6", "Marks and numbers of packages", 26),
             ("description", "7", "Number and kind of packages; description of goods", 0),
             ("criterion", "8", "Origin criterion", 20), ("quantity", "9", "Gross weight or other quantity", 26),
             ("invoice", "10", "Number and date of invoices", 28)],
            [("certification", "11", "Certification", 1), ("declaration", "12", "Declaration by the exporter", 1)]),
    _layout("form_e",
            [("exporter", "1", "Products consigned from", 3), ("consignee", "2", "Products consigned to", 3),
             ("transport", "3", "Means of transport and route", 2.6)],
            [HEAD, ("official", "4", "For official use", 1.2), ("ticks", "13", "", 1.2)],
            [("item", "5", "Item number", 11), ("marks", "6", "Marks and numbers", 22),
             ("description", "7", "Number and type of packages, description of products, HS number", 0),
             ("criterion", "8", "Origin criteria", 18), ("quantity", "9", "Gross weight or other quantity and "
             "value (FOB)", 28), ("invoice", "10", "Number and date of invoices", 26)],
            [("declaration", "11", "Declaration by the exporter", 1), ("certification", "12", "Certification", 1)]),
    _layout("fta14",
            [("exporter", "1", "Exporter", 2.2), ("producer", "2", "Producer", 2),
             ("consignee", "3", "Consignee / importer", 2.2), ("transport", "4", "Means of transport and route", 2.2)],
            [HEAD, ("official", "5", "Remarks", 2)],
            [("item", "6", "Item number", 11), ("marks", "7", "Marks and numbers", 22),
             ("description", "8", "Number and kind of packages; description of goods", 0),
             ("hs", "9", "HS code", 16), ("criterion", "10", "Origin criterion", 16),
             ("quantity", "11", "Gross weight, quantity or other measures", 24),
             ("invoice", "12", "Number and date of invoice", 24)],
            [("declaration", "13", "Declaration by the exporter", 1), ("certification", "14", "Certification", 1)]),
    _layout("fta15",
            [("exporter", "1", "Exporter", 2.2), ("producer", "2", "Producer", 2),
             ("consignee", "3", "Consignee / importer", 2.2), ("transport", "4", "Means of transport and route", 2.2)],
            [HEAD, ("official", "5", "For official use / remarks", 2)],
            [("item", "6", "Item number", 10), ("marks", "7", "Marks and numbers", 20),
             ("description", "8", "Number and kind of packages; description of goods", 0),
             ("hs", "9", "HS code", 15), ("criterion", "10", "Origin criterion", 15),
             ("quantity", "11", "Gross weight or other quantity", 20), ("fob", "12", "FOB value", 18),
             ("invoice", "13", "Number and date of invoice", 22)],
            [("declaration", "14", "Declaration by the exporter", 1), ("certification", "15", "Certification", 1)]),
    _layout("fta13",
            [("exporter", "1", "Exporter", 2.2), ("producer", "2", "Producer", 2),
             ("consignee", "3", "Importer", 2.2), ("transport", "4", "Means of transport and route", 2.2)],
            [HEAD, ("official", "5", "For official use", 2)],
            [("item", "6", "Item number", 11), ("marks", "7", "Marks and numbers", 22),
             ("description", "8", "Number and kind of packages; description of goods", 0),
             ("hs", "9", "HS code", 16), ("criterion", "10", "Origin criterion", 16),
             ("quantity", "11", "Gross weight or other quantity and FOB value", 30)],
            [("declaration", "12", "Declaration by the exporter", 1), ("certification", "13", "Certification", 1)]),
    _layout("apta",
            [("exporter", "1", "Goods consigned from", 3), ("consignee", "2", "Goods consigned to", 3), TRANSPORT],
            [HEAD, ("official", "4", "For official use", 2)],
            [("item", "5", "Tariff item number", 16), ("marks", "6", "Marks and number of packages", 24),
             ("description", "7", "Number and kind of packages / description of goods", 0),
             ("criterion", "8", "Origin criterion", 18), ("quantity", "9", "Gross weight or other quantity", 24),
             ("invoice", "10", "Number and date of invoices", 28)],
            [("declaration", "11", "Declaration by the exporter", 1), ("certification", "12", "Certificate", 1)]),
    _layout("form_x",
            [("exporter", "1", "Exporter", 3), ("consignee", "2", "Consignee", 3), TRANSPORT],
            [HEAD, ("official", "4", "For official use", 2)],
            [("item", "5", "Item number", 11), ("marks", "6", "Marks and numbers", 22),
             ("description", "7", "Number and kind of packages; description of goods", 0),
             ("criterion", "8", "Origin criterion", 18), ("quantity", "9", "Gross weight or other quantity and "
             "FOB value", 30), ("invoice", "10", "Number and date of invoices", 26)],
            [("declaration", "11", "Declaration by the exporter", 1), ("certification", "12", "Certification", 1)]),
    _layout("ecfa",
            [("exporter", "1", "出口商名称、地址、电话、传真、电子邮件", 2.2), ("producer", "2", "生产者名称、地址", 2),
             ("consignee", "3", "进口商名称、地址、电话", 2.2), ("transport", "4", "运输方式及路线", 2.2)],
            [HEAD, ("official", "5", "备注", 2)],
            [("item", "6", "项目编号", 11), ("marks", "7", "包装唛头及编号", 22),
             ("description", "8", "包装件数及种类；货品名称", 0), ("hs", "9", "HS 编码（进口方）", 18),
             ("criterion", "10", "原产地标准", 16), ("quantity", "11", "毛重或其他数量", 22),
             ("invoice", "12", "发票号码及日期", 24)],
            [("declaration", "13", "出口商声明", 1), ("certification", "14", "签证机构证明", 1)], language="zh"),
    _layout("reexport",
            [EXPORTER, CONSIGNEE, TRANSPORT, ("origin", "4", "Country / region of origin", 1.4)],
            [HEAD, ("official", "5", "For certifying authority use only", 2)],
            [("marks", "6", "Marks and numbers", 30), ("description", "7", "Number and kind of packages; "
             "description of goods", 0), ("hs", "8", "H.S. Code", 20), ("quantity", "9", "Quantity", 26),
             ("invoice", "10", "Number and date of invoices", 30)],
            [("declaration", "11", "Declaration by the re-exporter", 1), ("certification", "12", "Certification", 1)]),
    _layout("processing",
            [EXPORTER, CONSIGNEE, TRANSPORT, ("origin", "4", "Country / region of origin of materials", 1.4)],
            [HEAD, ("official", "5", "For certifying authority use only", 2)],
            [("marks", "6", "Marks and numbers", 30), ("description", "7", "Number and kind of packages; "
             "description of goods", 0), ("hs", "8", "H.S. Code", 20), ("quantity", "9", "Quantity", 26),
             ("invoice", "10", "Number and date of invoices", 30)],
            [("declaration", "11", "Declaration by the applicant", 1),
             ("certification", "12", "Certification of processing / assembly in China", 1)]),
)}


def layout_for(name: str) -> Layout:
    return LAYOUTS.get(name, LAYOUTS["general"])
