"""Print layouts: each form's boxes and goods columns in millimetres on A4 (FORMS.md §3). Pure data.

The forms of the manual are here; RCEP, the 2019 Form E, the newer FTAs and the origin declaration are in
`layouts_agreements.py`. The standard format draws the boxes with their numbers and titles; the overlay (套打)
format prints only the contents at the same positions, shifted by the enterprise's printer offsets, onto
pre-printed paper.
"""
from .boxes import (BOTTOM, GOODS_BOTTOM, GOODS_TOP, LEFT, MID, PAGE_H, PAGE_W, RIGHT, TOP, Box, Column,  # noqa: F401
                    Layout, build)
from .layouts_agreements import AGREEMENT_LAYOUTS

HEAD = ("heading", "", "", 3)
EXPORTER, CONSIGNEE, TRANSPORT = ("exporter", "1", "Exporter", 3), ("consignee", "2", "Consignee", 3), \
    ("transport", "3", "Means of transport and route", 2.4)

LAYOUTS = {layout.name: layout for layout in (
    build("general",
          [EXPORTER, CONSIGNEE, TRANSPORT, ("destination", "4", "Country / region of destination", 1.4)],
          [HEAD, ("official", "5", "For certifying authority use only", 2)],
          [("marks", "6", "Marks and numbers", 30), ("description", "7", "Number and kind of packages; "
           "description of goods", 0), ("hs", "8", "H.S. Code", 20), ("quantity", "9", "Quantity", 26),
           ("invoice", "10", "Number and date of invoices", 30)],
          [("declaration", "11", "Declaration by the exporter", 1), ("certification", "12", "Certification", 1)]),
    build("form_a",
          [("exporter", "1", "Goods consigned from (exporter's business name, address, country)", 3),
           ("consignee", "2", "Goods consigned to (consignee's name, address, country)", 3), TRANSPORT],
          [HEAD, ("official", "4", "For official use", 2)],
          [("item", "5", "Item number", 12), ("marks", "6", "Marks and numbers of packages", 26),
           ("description", "7", "Number and kind of packages; description of goods", 0),
           ("criterion", "8", "Origin criterion", 20), ("quantity", "9", "Gross weight or other quantity", 26),
           ("invoice", "10", "Number and date of invoices", 28)],
          [("certification", "11", "Certification", 1), ("declaration", "12", "Declaration by the exporter", 1)]),
    build("fta14",
          [("exporter", "1", "Exporter", 2.2), ("producer", "2", "Producer", 2),
           ("consignee", "3", "Consignee / importer", 2.2), ("transport", "4", "Means of transport and route", 2.2)],
          [HEAD, ("official", "5", "Remarks", 2)],
          [("item", "6", "Item number", 11), ("marks", "7", "Marks and numbers", 22),
           ("description", "8", "Number and kind of packages; description of goods", 0),
           ("hs", "9", "HS code", 16), ("criterion", "10", "Origin criterion", 16),
           ("quantity", "11", "Gross weight, quantity or other measures", 24),
           ("invoice", "12", "Number and date of invoice", 24)],
          [("declaration", "13", "Declaration by the exporter", 1), ("certification", "14", "Certification", 1)]),
    build("fta15",
          [("exporter", "1", "Exporter", 2.2), ("producer", "2", "Producer", 2),
           ("consignee", "3", "Consignee / importer", 2.2), ("transport", "4", "Means of transport and route", 2.2)],
          [HEAD, ("official", "5", "For official use / remarks", 2)],
          [("item", "6", "Item number", 10), ("marks", "7", "Marks and numbers", 20),
           ("description", "8", "Number and kind of packages; description of goods", 0),
           ("hs", "9", "HS code", 15), ("criterion", "10", "Origin criterion", 15),
           ("quantity", "11", "Gross weight or other quantity", 20), ("fob", "12", "FOB value", 18),
           ("invoice", "13", "Number and date of invoice", 22)],
          [("declaration", "14", "Declaration by the exporter", 1), ("certification", "15", "Certification", 1)]),
    # China-Pakistan (FORMS.md §3.7): box 7 holds marks, packages, description and the importing country's HS code;
    # 10 the invoice, 11 the remarks.
    build("fta13",
          [("exporter", "1", "Exporter", 2.2), ("consignee", "2", "Consignee", 2.2),
           ("producer", "3", "Producer", 2), ("transport", "4", "Means of transport and route", 2.2)],
          [HEAD, ("official", "5", "For official use", 1.3), ("remarks", "11", "Remarks", 1.3)],
          [("item", "6", "Item number", 11), ("marks", "7", "Marks and numbers", 22),
           ("description", "", "Number and kind of packages; description of goods; HS code of the importing "
            "country", 0), ("criterion", "8", "Origin criterion", 16),
           ("quantity", "9", "Gross weight or other quantity and FOB value", 28),
           ("invoice", "10", "Number and date of invoice", 26)],
          [("declaration", "12", "Declaration by the exporter", 1), ("certification", "13", "Certification", 1)]),
    build("apta",
          [("exporter", "1", "Goods consigned from", 3), ("consignee", "2", "Goods consigned to", 3), TRANSPORT],
          [HEAD, ("official", "4", "For official use", 2)],
          [("item", "5", "Tariff item number", 16), ("marks", "6", "Marks and number of packages", 24),
           ("description", "7", "Number and kind of packages / description of goods", 0),
           ("criterion", "8", "Origin criterion", 18), ("quantity", "9", "Gross weight or other quantity", 24),
           ("invoice", "10", "Number and date of invoices", 28)],
          [("declaration", "11", "Declaration by the exporter", 1), ("certification", "12", "Certificate", 1)]),
    build("form_x",
          [("exporter", "1", "Exporter", 3), ("consignee", "2", "Consignee", 3), TRANSPORT],
          [HEAD, ("official", "4", "For official use", 2)],
          [("item", "5", "Item number", 11), ("marks", "6", "Marks and numbers", 22),
           ("description", "7", "Number and kind of packages; description of goods", 0),
           ("criterion", "8", "Origin criterion", 18), ("quantity", "9", "Gross weight or other quantity and "
           "FOB value", 30), ("invoice", "10", "Number and date of invoices", 26)],
          [("declaration", "11", "Declaration by the exporter", 1), ("certification", "12", "Certification", 1)]),
    build("ecfa",
          [("exporter", "1", "出口商名称、地址、电话、传真、电子邮件", 2.2), ("producer", "2", "生产者名称、地址", 2),
           ("consignee", "3", "进口商名称、地址、电话", 2.2), ("transport", "4", "运输方式及路线", 2.2)],
          [HEAD, ("official", "5", "备注", 2)],
          [("item", "6", "项目编号", 11), ("marks", "7", "包装唛头及编号", 22),
           ("description", "8", "包装件数及种类；货品名称", 0), ("hs", "9", "HS 编码（进口方）", 18),
           ("criterion", "10", "原产地标准", 16), ("quantity", "11", "毛重或其他数量", 22),
           ("invoice", "12", "发票号码及日期", 24)],
          [("declaration", "13", "出口商声明", 1), ("certification", "14", "签证机构证明", 1)], language="zh",
          number_label="证书号", title=("海峡两岸经济合作框架协议原产地证书",), subtitle=""),
    build("reexport",
          [EXPORTER, CONSIGNEE, TRANSPORT, ("origin", "4", "Country / region of origin", 1.4)],
          [HEAD, ("official", "5", "For certifying authority use only", 2)],
          [("marks", "6", "Marks and numbers", 30), ("description", "7", "Number and kind of packages; "
           "description of goods", 0), ("hs", "8", "H.S. Code", 20), ("quantity", "9", "Quantity", 26),
           ("invoice", "10", "Number and date of invoices", 30)],
          [("declaration", "11", "Declaration by the re-exporter", 1), ("certification", "12", "Certification", 1)]),
    build("processing",
          [EXPORTER, CONSIGNEE, TRANSPORT, ("origin", "4", "Country / region of origin of materials", 1.4)],
          [HEAD, ("official", "5", "For certifying authority use only", 2)],
          [("marks", "6", "Marks and numbers", 30), ("description", "7", "Number and kind of packages; "
           "description of goods", 0), ("hs", "8", "H.S. Code", 20), ("quantity", "9", "Quantity", 26),
           ("invoice", "10", "Number and date of invoices", 30)],
          [("declaration", "11", "Declaration by the applicant", 1),
           ("certification", "12", "Certification of processing / assembly in China", 1)]),
    *AGREEMENT_LAYOUTS,
)}


def layout_for(name: str) -> Layout:
    return LAYOUTS.get(name, LAYOUTS["general"])
