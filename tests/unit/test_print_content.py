"""What the printed forms say (app/printing/content.py, application.py, declaration.py, typeset.py), without Flask:
criteria, FOB where RVC applies, tick boxes, back-to-back remarks, the 申请书 rows, the declaration text."""
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from app.certificates.types import TYPES
from app.printing import application, content, declaration, typeset
from app.printing.layouts import LAYOUTS, layout_for

NAMES = {("country", "JP"): "JAPAN", ("country", "CN"): "CHINA", ("country", "TH"): "THAILAND",
         ("authority_place", "2200"): "SHANGHAI, CHINA", ("port", "THLCH"): "LAEM CHABANG"}
ZH = {("authority", "2200"): "上海海关", ("country", "TH"): "泰国", ("package_unit", "CTNS"): "纸箱",
      ("weight_unit", "KGS"): "千克", ("trade_mode", "0110"): "一般贸易"}


def name(table, code):
    return NAMES.get((table, code), code or "")


def zh(table, code):
    return ZH.get((table, code), code or "")


def item(position=1, **changes):
    values = dict(position=position, hs_code="96032100", importing_hs=None, name_cn="牙刷", name_en="TOOTHBRUSH",
                  quantity=Decimal("20000"), quantity_unit="PCS", package_count=2000, package_unit="CTNS",
                  gross_weight=Decimal("1200"), net_weight=None, weight_unit="KGS", amount=Decimal("5000"),
                  currency="USD", origin_criterion="CTC", criterion_aux=None, criterion_extra=None,
                  origin_country="CN", description="TWO THOUSAND (2000) CTNS OF TOOTHBRUSH", non_goods=False)
    return SimpleNamespace(**{**values, **changes})


def cert(items=None, **changes):
    values = dict(cert_no="RC2631000000100001", kind="new", original_cert_no=None,
                  exporter_name="JIA TRADING CO., LTD.",
                  exporter_address="NO. 1 ZHONGSHAN ROAD, SHANGHAI, CHINA", exporter_phone=None, exporter_fax=None,
                  exporter_email=None, producer_name=None, producer_address=None, producer_confidential=False,
                  importer_name="HANS GMBH", importer_address="HAMBURG", application_date=date(2026, 11, 20),
                  destination_country="TH", issuing_authority="2200", collecting_authority="2200",
                  trade_mode="0110", port_of_loading="CNSHA", port_of_discharge="THLCH", transport_mode="2",
                  vessel_voyage=None, departure_date=date(2026, 11, 19), transport_details="BY SEA", marks="N/M",
                  invoice_no="INV-1", invoice_date=date(2026, 11, 18), special_terms=None, remarks=None,
                  exhibition=False, exhibition_info=None, third_party_invoice=False, application_remarks=None,
                  origin_country=None, back_to_back=False, btb_cert_no=None, btb_cert_date=None, btb_party=None,
                  btb_origin=None, de_minimis=False, undertaking_text=None, undertaking_at=None,
                  declaration_no=None, applicant_name_cn="甲进出口有限公司", co_reg_no="310000001",
                  org_code="91350100M000100Y43", reason=None, change_content=None,
                  items=items if items is not None else [item()])
    return SimpleNamespace(**{**values, **changes})


def attrs(_agreement, code):
    return {"RVC": {"needs_value": True, "needs_fob": True}}.get(code, {})


def test_criteria_print_with_their_value_and_additional_criterion():
    assert content.criterion_text("RVC", "45", None, {"needs_value": True}) == "RVC 45%"
    assert content.criterion_text("RVC", "45%", None, {"needs_value": True}) == "RVC 45%"
    assert content.criterion_text("CTC", None, "ACU", {}) == "CTC ACU"
    assert content.criterion_text("RVC", "40%", None, {"needs_value": True, "print_value_only": True}) == "40%"
    assert content.criterion_text("W", "96.03", None, {}) == "W 96.03"


def test_rcep_rows_show_the_fob_value_only_where_rvc_applies_and_their_country_of_origin():
    c = cert([item(1), item(2, origin_criterion="RVC", criterion_aux="45", origin_country="JP")])
    rows = content.goods_rows(c, TYPES["RC"], LAYOUTS["rcep"], name, attrs)
    assert "FOB" not in rows[0]["quantity"] and rows[0]["origin_country"] == "CHINA" and rows[0]["hs"] == "960321"
    assert rows[1]["quantity"].endswith("FOB USD 5000") and rows[1]["criterion"] == "RVC 45%"
    assert rows[1]["origin_country"] == "JAPAN" and rows[1]["description"].endswith("**********")


def test_the_rcep_tick_boxes_follow_the_certificate():
    rcep = LAYOUTS["rcep"]
    assert content.ticks(cert(), TYPES["RC"], rcep) == [("BACK-TO-BACK COO", False), ("THIRD-PARTY INVOICING", False),
                                                        ("ISSUED RETROACTIVELY", False)]
    late = cert(back_to_back=True, third_party_invoice=True, departure_date=date(2026, 11, 16))
    assert [on for _label, on in content.ticks(late, TYPES["RC"], rcep)] == [True, True, True]


def test_form_e_marks_only_the_boxes_the_type_has():
    marked = cert(exhibition=True, de_minimis=True)
    ticks = dict(content.ticks(marked, TYPES["E"], LAYOUTS["form_e"]))
    assert ticks == {"Third Party Invoicing": False, "Exhibition": True, "Back-to-Back CO": False,
                     "Issued Retroactively": False, "De Minimis": True}


def test_back_to_back_particulars_go_to_box_14_and_box_5_stays_for_the_importing_customs():
    c = cert(back_to_back=True, btb_cert_no="JP-1", btb_cert_date=date(2026, 10, 2), btb_party="JP", btb_origin="JP",
             third_party_invoice=True, special_terms="ABC PTE. LTD., SINGAPORE")
    boxes = content.boxes(c, TYPES["RC"], LAYOUTS["rcep"], name, None, None)
    assert boxes["official"] == ""
    assert boxes["remarks"].split("\n") == [
        "BACK-TO-BACK COO BASED ON ORIGINAL CERTIFICATE NO. JP-1 DATED 2026-10-02, ISSUED BY JAPAN; ORIGINAL "
        "COUNTRY OF ORIGIN: JAPAN", "THIRD-PARTY INVOICING: ABC PTE. LTD., SINGAPORE"]
    assert "These goods are exported to: THAILAND" in boxes["declaration"]
    assert boxes["transport"] == "BY SEA\nDEPARTURE DATE: 2026-11-19\nPORT OF DISCHARGE: LAEM CHABANG"


def test_form_e_puts_the_third_party_company_in_box_7():
    c = cert(third_party_invoice=True, special_terms="ABC PTE. LTD., SINGAPORE")
    rows = content.goods_rows(c, TYPES["E"], LAYOUTS["form_e"], name, attrs)
    assert rows[-1]["description"].endswith("THIRD PARTY INVOICING: ABC PTE. LTD., SINGAPORE\n**********")
    assert "ABC PTE" not in content.boxes(c, TYPES["E"], LAYOUTS["form_e"], name, None, None)["official"]


def test_the_newer_ftas_name_their_agreement():
    for code in ("GE", "MU", "KH", "NI", "EC", "RS", "MV"):
        layout = layout_for(TYPES[code].layout)
        declaration_text, certification = content.statements(layout, "X", "SHANGHAI, CHINA", "2026-11-20", None)
        assert layout.agreement_en in declaration_text and layout.agreement_en in certification
        assert layout.title == ("CERTIFICATE OF ORIGIN", f"Form for the {layout.agreement_en}")


def test_the_application_form_names_the_authority_in_chinese():
    form = application.build(cert([item(1), item(2)], undertaking_text="本人承诺。",
                                  undertaking_at=datetime(2026, 11, 20, 2)), TYPES["RC"], zh, "2026-11-20 10:00")
    cells = {label: value for row in form.grid for label, value, _span in row}
    assert cells["签证机构"] == "上海海关" and cells["领证机构"] == "上海海关"
    assert cells["商品FOB总值"] == "USD 10000" and cells["包装数量或毛重"] == "4000 纸箱；毛重 2400 千克"
    assert cells["商品名称"] == "牙刷 等 2 项" and cells["证书种类"] == "新证" and cells["贸易方式"] == "一般贸易"
    assert form.undertaking == "本人承诺。" and form.undertaking_title == "申请人承诺（2026-11-20 10:00 确认）"
    assert form.title == "RCEP原产地证书申请书" and form.goods_criteria


def test_a_declaration_fills_in_the_approval_number_only():
    assert declaration.statement("No. {approval_no} {other}", "CN-1") == "No. CN-1 {other}"
    assert declaration.statement("No. {approval_no}.", None) == "No. …….", "no approval on the date"
    assert declaration.place(cert(issuing_authority=None), name) == "SHANGHAI, CHINA"


def test_typeset_keeps_every_box_and_cell_inside_its_width():
    def measure(text, size, bold=False):
        return len(text) * size * 0.5

    c = cert([item(1, description="X" * 300)], remarks="LONG " * 300)
    printed = content.build(c, TYPES["RC"], LAYOUTS["rcep"], name, None, None, attrs)
    page = typeset.typeset(printed, LAYOUTS["rcep"], measure, TYPES["RC"].goods_fields, "https://example/verify/X?k=1")
    for s in page.boxes:
        assert s.content.height <= (s.box.h - 2 * typeset.PAD) * typeset.PT_PER_MM - s.above + 0.01 or \
            s.content.overflow
        assert all(measure(line, s.content.size) <= (s.box.w - 2 * typeset.PAD) * typeset.PT_PER_MM
                   for line in s.content.lines)
    for width, cell in page.rows[0]:
        assert all(measure(line, cell.size) <= (width - 2 * typeset.CELL_PAD) * typeset.PT_PER_MM
                   for line in cell.lines)
    assert len(page.ticks) == 3 and page.ticks[0].x < page.ticks[1].x < page.ticks[2].x
    ticks = LAYOUTS["rcep"].box("ticks")
    assert page.ticks[-1].x + typeset.TICK_MM + page.ticks[-1].label_w < ticks.x + ticks.w
