"""The exchange messages (app/exchange/messages.py) against their XSDs: round trips, the examples of
docs/exchange.md, bad input, and the XSD keeping up with fieldspecs. Plain dicts: no Flask, no database."""
import copy
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS
from app.exchange import messages
from app.exchange.messages import (NS, MessageError, build_declaration, build_receipts, normalise_snapshot,
                                   parse_declaration, parse_receipts, validate)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SENT_AT = datetime(2024, 5, 6, 9, 30, tzinfo=timezone(timedelta(hours=8)))
XS = "{http://www.w3.org/2001/XMLSchema}"


# ---------------------------------------------------------------- snapshots, as services.snapshot makes them
def _blank(specs) -> dict:
    return {name: (False if spec.kind == "bool" else None) for name, spec in specs.items()}


def item(no: int, **values) -> dict:
    return {"item_no": no, **_blank(GOODS_FIELDS), **values}


def material(no: int, **values) -> dict:
    return {"item_no": no, **_blank(MATERIAL_FIELDS), **values}


def snapshot(cert_type: str, serial: str, items: list, **values) -> dict:
    data = {"cert_no": f"{cert_type}24310600123{serial}", "cert_type": cert_type, "kind": None,
            "original_cert_no": None, "co_reg_no": "310600123", "org_code": "91310115MA1K4B2C3X",
            "applicant_name_cn": "上海示例进出口有限公司", **_blank(BASIC_FIELDS)}
    data.update(
        exporter_name="SHANGHAI EXAMPLE IMPORT & EXPORT CO., LTD.",
        exporter_address="ROOM 1201, NO. 88 CENTURY AVENUE,\nPUDONG, SHANGHAI 200120, CHINA",
        exporter_phone="021-58881234", exporter_email="export@example.cn",
        importer_name="HANOI TRADING JOINT STOCK COMPANY", importer_address="12 LY THUONG KIET, HANOI, VIETNAM",
        application_date="2024-05-06", destination_country="VN", issuing_authority="2200",
        collecting_authority="2200", trade_mode="0110", port_of_loading="CNSHA", port_of_discharge="VNHPH",
        transport_mode="2", vessel_voyage="COSCO TAICANG V.024S", departure_date="2024-05-10",
        transport_details="FROM SHANGHAI, CHINA TO HAIPHONG, VIETNAM BY SEA", marks="N/M",
        invoice_no="SE24-0507", invoice_date="2024-04-28",
    )
    data.update(values, items=items)
    return data


TO_USA = {"destination_country": "US", "port_of_discharge": "USLAX", "importer_name": "TO WHOM IT MAY CONCERN",
          "importer_address": None, "transport_details": "FROM SHANGHAI, CHINA TO LOS ANGELES, USA BY SEA"}


def general() -> dict:
    """一般原产地证 to the USA, Chinese in the goods names and a remark with line breaks."""
    return snapshot("C", "0001", [
        item(1, hs_code="6109100021", name_cn="全棉针织男式T恤", name_en="MEN'S COTTON KNITTED T-SHIRTS",
             quantity="1200.000", quantity_unit="PCS", package_count=40, package_unit="CTNS",
             gross_weight="480.5000", net_weight="440.0000", weight_unit="KGS", amount="9600.00", currency="USD",
             description="FORTY (40) CARTONS OF MEN'S COTTON KNITTED T-SHIRTS"),
        item(2, non_goods=True, description="*** 以下空白 ***"),
    ], **TO_USA, remarks="L/C NO. 12345\r\nISSUED BY BANK OF CHINA")


def gsp_japan() -> dict:
    """普惠制 to Japan: the goods use Japanese materials (日本进料信息)."""
    return snapshot("G", "0002", [
        item(1, hs_code="8516400000", name_cn="电熨斗", name_en="ELECTRIC IRONS", quantity="500",
             quantity_unit="PCS", package_count=50, package_unit="CTNS", origin_criterion="W",
             criterion_aux="85.16", description="FIFTY (50) CARTONS OF ELECTRIC IRONS"),
    ], destination_country="JP", port_of_discharge="JPYOK", importer_name="TOKYO HOME APPLIANCES K.K.",
        importer_address="1-2-3 SHIBA, MINATO-KU, TOKYO, JAPAN",
        transport_details="FROM SHANGHAI, CHINA TO YOKOHAMA, JAPAN BY SEA",
        japan_materials=[
            material(1, hs_code="853310", description="FIXED CARBON RESISTORS", quantity="1000.0000",
                     unit="PCS", value="120.50"),
            material(2, hs_code="854231", description="CONTROL CHIPS", quantity="500", unit="PCS", value="800.00"),
        ])


def asean_third_party() -> dict:
    """中国-东盟 (Form E) to Vietnam, invoiced by a third party in Hong Kong, in two currencies."""
    return snapshot("E", "0003", [
        item(1, hs_code="940360", name_cn="木制家具", name_en="WOODEN FURNITURE", quantity="20", quantity_unit="SETS",
             package_count=20, package_unit="CASES", amount="4000.50", currency="USD", origin_criterion="WO",
             description="TWENTY (20) CASES OF WOODEN FURNITURE"),
        item(2, hs_code="940161", name_cn="软垫木框架座椅", name_en="UPHOLSTERED WOODEN CHAIRS", quantity="80",
             quantity_unit="PCS", package_count=8, package_unit="CASES", amount="1999.50", currency="USD",
             origin_criterion="RVC", criterion_aux="45%", description="EIGHT (8) CASES OF UPHOLSTERED CHAIRS"),
        item(3, hs_code="442199", name_cn="木制衣架", name_en="WOODEN HANGERS", quantity="3000",
             quantity_unit="PCS", package_count=30, package_unit="CTNS", amount="1500", currency="EUR",
             origin_criterion="WO", description="THIRTY (30) CARTONS OF WOODEN HANGERS"),
    ], producer_name="AVAILABLE UPON REQUEST", producer_confidential=True, third_party_invoice=True,
        invoice_no="HK-88021", invoice_date="2024-04-30",
        application_remarks="原发票号 SE24-0507，发票日期 2024-04-28",
        special_terms="THIRD PARTY INVOICING: GOLDEN BRIDGE TRADING LIMITED, HONG KONG, CHINA")


def change() -> dict:
    """An 更改 of an issued 一般原产地证: the importer's address was wrong."""
    return snapshot("C", "0004", [
        item(1, hs_code="6109100021", name_cn="全棉针织男式T恤", name_en="MEN'S COTTON KNITTED T-SHIRTS",
             quantity="1200", quantity_unit="PCS", package_count=40, package_unit="CTNS",
             description="FORTY (40) CARTONS OF MEN'S COTTON KNITTED T-SHIRTS"),
    ], **TO_USA, kind="change", original_cert_no="C243106001230001",
        change={"reason": "收货人地址填写错误", "content": "收货人地址改为 200 MAIN STREET, LOS ANGELES, CA 90012, USA"})


def receipts() -> list[dict]:
    utc8 = timezone(timedelta(hours=8))
    return [
        {"receipt_id": 1041, "message_id": "declare-3-v1", "cert_no": "E243106001230003", "seq": 1,
         "time": datetime(2024, 5, 6, 9, 31, 2, tzinfo=utc8), "code": "RECEIVED", "text": "报文已接收",
         "status": "received", "issue_date": None, "officer": None},
        {"receipt_id": 1057, "message_id": "declare-3-v1", "cert_no": "E243106001230003", "seq": 2,
         "time": datetime(2024, 5, 6, 10, 5, tzinfo=utc8), "code": "ACCEPTED", "text": "申报已受理，等待审核",
         "status": "accepted", "issue_date": None, "officer": None},
        {"receipt_id": 1102, "message_id": None, "cert_no": "E243106001230003", "seq": 3,
         "time": datetime(2024, 5, 7, 14, 20, 45, tzinfo=utc8), "code": "ISSUED", "text": "审核通过，请到签证机构领证。",
         "status": "issued", "issue_date": "2024-05-07", "officer": "王审核"},
        {"receipt_id": 1103, "message_id": "declare-4-v2", "cert_no": "C243106001230004", "seq": 1,
         "time": datetime(2024, 5, 7, 6, 21, tzinfo=timezone.utc), "code": "R-07",
         "text": "退证：第1项货物描述与发票不符，请修改后重新申报。", "status": "returned", "issue_date": None,
         "officer": "李审核"},
    ]


def build(data: dict, message_id: str = "declare-1-v1") -> bytes:
    return build_declaration(data, message_id=message_id, sent_at=SENT_AT)


# ---------------------------------------------------------------- round trips
@pytest.mark.parametrize("make", [general, gsp_japan, asean_third_party, change])
def test_declaration_round_trip(make):
    data = make()
    parsed = parse_declaration(build(data, "declare-42-v3"))
    assert parsed["message_id"] == "declare-42-v3"
    assert parsed["sent_at"] == SENT_AT and parsed["sent_at"].utcoffset() == timedelta(0)
    assert parsed["certificate"] == normalise_snapshot(data)
    assert set(parsed["certificate"]) == set(normalise_snapshot(data))


def test_normalised_values():
    data = normalise_snapshot(general())
    first = data["items"][0]
    assert (first["quantity"], first["gross_weight"], first["net_weight"], first["amount"]) == \
        ("1200", "480.5", "440", "9600")
    assert first["package_count"] == 40 and data["kind"] == "normal"
    assert normalise_snapshot({**general(), "kind": "new"})["kind"] == "normal"
    odd = normalise_snapshot({**general(), "items": [item(1, quantity="12.50", package_count="7", amount="0.000",
                                                          name_cn="", non_goods=None)]})
    assert odd["items"][0].items() >= {"quantity": "12.5", "package_count": 7, "amount": "0", "name_cn": None,
                                       "non_goods": False}.items()
    assert normalise_snapshot(gsp_japan())["japan_materials"][0]["quantity"] == "1000"


def test_sections_of_the_message():
    tree = etree.fromstring(build(asean_third_party()))
    ns = {"co": NS}
    assert [etree.QName(child).localname for child in tree] == ["Head", "Goods", "ThirdParty", "Invoice"]
    assert tree.findtext("co:ThirdParty/co:ThirdPartyInvoice", namespaces=ns) == "true"
    assert tree.findtext("co:ThirdParty/co:OriginalInvoice", namespaces=ns) == "原发票号 SE24-0507，发票日期 2024-04-28"
    assert tree.findtext("co:ThirdParty/co:ThirdPartyCompany", namespaces=ns).startswith("THIRD PARTY INVOICING")
    assert tree.findtext("co:Invoice/co:ItemCount", namespaces=ns) == "3"
    totals = {el.get("currency"): el.text for el in tree.iterfind("co:Invoice/co:TotalAmount", ns)}
    assert totals == {"EUR": "1500", "USD": "6000"}
    assert tree.get("sentAt") == "2024-05-06T01:30:00Z"
    changed = etree.fromstring(build(change()))
    assert changed.findtext("co:ChangeReissue/co:OriginalCertNo", namespaces=ns) == "C243106001230001"
    assert changed.find("co:ThirdParty", ns) is None and changed.find("co:JapanMaterials", ns) is None
    assert len(etree.fromstring(build(gsp_japan())).findall("co:JapanMaterials/co:Material", ns)) == 2


def test_false_booleans_and_empty_fields_are_left_out():
    xml = build(general())
    assert b"<NonGoods>true</NonGoods>" in xml
    assert b"ProducerConfidential" not in xml and b"ExporterFax" not in xml and b"ThirdParty" not in xml


def test_chinese_text_survives_as_utf8():
    data = general()
    data["items"][0]["name_cn"] = "全棉针织男式T恤（藏青色）、《样品》€½"
    xml = build(data)
    assert "全棉针织男式T恤（藏青色）、《样品》€½".encode() in xml and xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert parse_declaration(xml)["certificate"]["items"][0]["name_cn"] == "全棉针织男式T恤（藏青色）、《样品》€½"
    assert parse_declaration(xml)["certificate"]["remarks"] == "L/C NO. 12345\r\nISSUED BY BANK OF CHINA"


def test_reissue_without_content_and_empty_japan_materials():
    data = {**change(), "kind": "reissue", "change": {"reason": "原证遗失", "content": None}}
    assert parse_declaration(build(data))["certificate"]["change"] == {"reason": "原证遗失", "content": None}
    empty = {**gsp_japan(), "japan_materials": []}
    assert parse_declaration(build(empty))["certificate"]["japan_materials"] == []


def test_receipts_round_trip():
    batch = receipts() + [{**receipts()[3], "receipt_id": 1200, "seq": 2, "code": "RETURNED", "officer": "",
                           "text": "退证：第1项货物描述与发票不符；\n" * 200}]
    xml = build_receipts(batch)
    parsed = parse_receipts(xml)
    assert parsed == batch
    assert all(r["time"].utcoffset() == timedelta(0) for r in parsed)
    assert "审核通过，请到签证机构领证。".encode() in xml


def test_empty_receipt_batch():
    xml = build_receipts([])
    validate("receipt", xml)
    assert parse_receipts(xml) == []


# ---------------------------------------------------------------- the examples of docs/exchange.md
EXAMPLE_SOURCES = {"declaration.xml": asean_third_party, "declaration-gsp-japan.xml": gsp_japan,
                   "declaration-change.xml": change}


def test_every_example_validates():
    files = sorted(EXAMPLES.glob("*.xml"))
    assert files, f"no examples in {EXAMPLES}"
    for path in files:
        xml = path.read_bytes()
        receipt = etree.QName(etree.fromstring(xml)).localname == "Receipts"
        validate("receipt" if receipt else "declaration", xml)
        if receipt:
            assert parse_receipts(xml) == receipts()
        else:
            assert parse_declaration(xml)["certificate"] == normalise_snapshot(EXAMPLE_SOURCES[path.name]())


# ---------------------------------------------------------------- bad input
def _edited(xml: bytes, old: bytes, new: bytes) -> bytes:
    assert old in xml
    return xml.replace(old, new, 1)


@pytest.mark.parametrize("kind, xml, words", [
    ("declaration", b"<Declaration xmlns='urn:co-declaration:exchange:1'><Head>", "格式正确"),
    ("declaration", b"", "格式正确"),
    ("declaration", b'<!DOCTYPE d [<!ENTITY x "y">]><Declaration>&x;</Declaration>', "DOCTYPE"),
    ("receipt", b"<Receipts xmlns='urn:example:other' version='1'/>", "receipt.xsd"),
    ("declaration", b"<Receipts xmlns='urn:co-declaration:exchange:1' version='1'/>", "declaration.xsd"),
    ("invoice", b"<Receipts xmlns='urn:co-declaration:exchange:1' version='1'/>", "报文种类"),
])
def test_malformed_or_foreign_documents(kind, xml, words):
    with pytest.raises(MessageError, match=words):
        validate(kind, xml)


def test_wrong_namespace_is_refused():
    xml = _edited(build(general()), NS.encode(), b"urn:example:other")
    with pytest.raises(MessageError, match="declaration.xsd"):
        parse_declaration(xml)


def test_missing_cert_no_is_refused():
    xml = _edited(build(general()), b"<CertNo>C243106001230001</CertNo>", b"")
    with pytest.raises(MessageError, match="CertNo"):
        parse_declaration(xml)


def test_bad_date_is_refused():
    xml = _edited(build(general()), b"<ApplicationDate>2024-05-06<", b"<ApplicationDate>2024-02-30<")
    with pytest.raises(MessageError, match="ApplicationDate"):
        parse_declaration(xml)


def test_receipt_with_unknown_status_is_refused():
    xml = _edited(build_receipts(receipts()), b"<Status>issued</Status>", b"<Status>approved</Status>")
    with pytest.raises(MessageError, match="Status"):
        parse_receipts(xml)
    with pytest.raises(MessageError, match="回执"):
        build_receipts([{**receipts()[0], "status": "approved"}])


def test_receipts_repeating_a_seq_are_refused():
    with pytest.raises(MessageError):
        build_receipts([receipts()[0], {**receipts()[1], "seq": 1}])


@pytest.mark.parametrize("change_to, words", [
    ({"items": []}, "Goods"),
    ({"exporter_name": "X" * 201}, "ExporterName"),
    ({"cert_type": "c"}, "CertType"),
    ({"kind": "cancel"}, "Kind"),
    ({"application_date": "06/05/2024"}, "ApplicationDate"),
    ({"remarks": "bell \x07"}, "不能写成 XML"),
    ({"original_cert_no": None}, "OriginalCertNo"),  # a change names the certificate it changes
    ({"change": {"reason": "", "content": None}}, "Reason"),
])
def test_snapshots_that_cannot_make_a_message(change_to, words):
    with pytest.raises(MessageError, match=words) as caught:
        build({**change(), **change_to})
    assert "C243106001230004" in str(caught.value)


def test_bad_numbers_and_times():
    with pytest.raises(MessageError, match="quantity"):
        build({**general(), "items": [item(1, quantity="twelve")]})
    with pytest.raises(MessageError, match="时区"):
        build_declaration(general(), message_id="m-1", sent_at=datetime(2024, 5, 6, 9, 30))
    with pytest.raises(MessageError, match="messageId"):
        build_declaration(general(), message_id="has space", sent_at=SENT_AT)


# ---------------------------------------------------------------- the XSD keeps up with fieldspecs
def _xsd_type(spec) -> str:
    return {"date": "co:Date", "number": "xs:decimal", "integer": "xs:integer",
            "bool": "xs:boolean"}.get(spec.kind, f"co:Text{spec.max_length}")


def schema_gaps(xsd: etree._Element) -> list[str]:
    """Every field of fieldspecs without its element (of the right type) in the sequence of its section."""
    def sequence(type_name: str) -> dict[str, str | None]:
        found = xsd.find(f"{XS}complexType[@name='{type_name}']/{XS}sequence")
        return {el.get("name"): el.get("type") for el in found.iterfind(f"{XS}element")}

    expected = {"Head": BASIC_FIELDS, "Invoice": BASIC_FIELDS, "Item": GOODS_FIELDS, "Material": MATERIAL_FIELDS}
    gaps = []
    for section, specs in expected.items():
        declared = sequence(section)
        wanted = [name for name in messages.LAYOUT[section] if name in specs]
        for name in wanted:
            if declared.get(messages.tag(name)) != _xsd_type(specs[name]):
                gaps.append(f"{section}/{messages.tag(name)}: {declared.get(messages.tag(name))}")
        tags = [messages.tag(name) for name in wanted]
        present = [tag for tag in declared if tag in tags]
        if present != [tag for tag in tags if tag in present]:
            gaps.append(f"{section}: elements not in the order of fieldspecs")
    flag = messages.tag(messages.THIRD_PARTY_FLAG)
    if sequence("ThirdParty").get(flag) != "xs:boolean":
        gaps.append(f"ThirdParty/{flag}")
    return gaps


def _declaration_xsd() -> etree._Element:
    return etree.parse(str(messages.SCHEMA_DIR / "declaration.xsd")).getroot()


def test_every_field_of_fieldspecs_is_in_the_xsd():
    placed = set(messages.LAYOUT["Head"]) | set(messages.LAYOUT["Invoice"]) | {messages.THIRD_PARTY_FLAG}
    assert set(BASIC_FIELDS) <= placed
    assert list(messages.LAYOUT["Item"]) == list(GOODS_FIELDS)
    assert list(messages.LAYOUT["Material"]) == list(MATERIAL_FIELDS)
    assert schema_gaps(_declaration_xsd()) == []


@pytest.mark.parametrize("section, element", [("Head", "Marks"), ("Item", "NonGoods"), ("Material", "Value"),
                                              ("Invoice", "InvoiceDate"), ("ThirdParty", "ThirdPartyInvoice")])
def test_a_field_missing_from_the_xsd_is_detected(section, element):
    xsd = copy.deepcopy(_declaration_xsd())
    found = xsd.find(f"{XS}complexType[@name='{section}']/{XS}sequence/{XS}element[@name='{element}']")
    found.getparent().remove(found)
    assert any(element in gap for gap in schema_gaps(xsd))


def test_a_field_with_the_wrong_length_is_detected():
    xsd = copy.deepcopy(_declaration_xsd())
    xsd.find(f"{XS}complexType[@name='Head']/{XS}sequence/{XS}element[@name='ExporterName']").set("type", "co:Text100")
    assert schema_gaps(xsd) == ["Head/ExporterName: co:Text100"]
