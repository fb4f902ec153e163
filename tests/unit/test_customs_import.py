"""The customs import XML (app/exchange/customs_import.py) and its documentation (docs/customs-import.md): the
XML is well-formed, every mapped field appears with the certificate's value, and the doc lists exactly the
module's mapping — which element names are unverified among them."""
import re
from pathlib import Path

import pytest
from lxml import etree

from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from app.exchange import customs_import as ci

DOC = Path(__file__).resolve().parents[2] / "docs" / "customs-import.md"
SAMPLE_VALUES = {"text": "{name} 的值", "textarea": "{name} 第一行\n第二行", "date": "2026-11-0{n}", "bool": True,
                 "lookup": "C{n}", "phone": "+86 21 5555 00{n}", "email": "{name}@example.com",
                 "number": "12{n}.5000", "integer": "2{n}"}


def _sample(specs: dict) -> dict:
    return {name: SAMPLE_VALUES[spec.kind].format(name=name, n=n % 10)
            if isinstance(SAMPLE_VALUES[spec.kind], str) else SAMPLE_VALUES[spec.kind]
            for n, (name, spec) in enumerate(specs.items())}


@pytest.fixture
def snapshot() -> dict:
    """A change certificate with a third-party invoice and every field filled, as services.snapshot gives it."""
    items = [{"item_no": n, **_sample(GOODS_FIELDS), "currency": "USD", "amount": f"{n}000.50"} for n in (1, 2)]
    return {"cert_no": "C263100000010002", "cert_type": "C", "kind": "change", "original_cert_no": "C263100000010001",
            "co_reg_no": "310000001", "org_code": "91350100M000100Y43", "applicant_name_cn": "甲进出口有限公司",
            "declaration_no": None, "undertaking_text": "本申请人承诺……", "undertaking_at": "2026-11-20T02:00:00Z",
            **_sample(BASIC_FIELDS), "change": {"reason": "发票号有误", "content": "发票号 INV-1 改为 INV-2"},
            "items": items}


def _expected(row: ci.Mapped, values: dict) -> str:
    value = values.get(row.field)
    if row.kind == "bool":
        return ci.TRUE if value else ci.FALSE
    if value in (None, ""):
        return ""
    if row.kind in ("number", "integer"):
        return re.sub(r"\.?0+$", "", str(value)) if "." in str(value) else str(value)
    return str(value)


def test_the_message_is_well_formed_utf8_under_its_root(snapshot):
    xml = ci.build(snapshot)
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(xml)
    assert root.tag == ci.ROOT and root.tag.startswith("Certificat")  # what the notice's sample shows
    assert "元素名未经核实" in root[0].text  # the file says so itself
    assert [child.tag for child in root if isinstance(child.tag, str)] == [s.element for s in ci.SECTIONS.values()]


def test_every_mapped_field_appears_with_the_certificates_value(snapshot):
    root = etree.fromstring(ci.build(snapshot))
    values = {**snapshot, "reason": "发票号有误", "change_content": "发票号 INV-1 改为 INV-2",
              "invoice_amount": "3001", "invoice_currency": "USD"}
    for row in ci.MAPPING:
        section = ci.SECTIONS[row.section]
        block = root.find(section.element)
        if section.row:
            rows = block.findall(section.row)
            assert len(rows) == 2
            for element, item in zip(rows, snapshot["items"]):
                assert element.findtext(row.element) == _expected(row, item), row
        else:
            assert block.find(row.element) is not None, row
            assert block.findtext(row.element) == _expected(row, values), row


def test_dates_and_numbers_are_written_in_one_form(snapshot):
    root = etree.fromstring(ci.build(snapshot))
    head = root.find("CertificateHead")
    assert head.findtext("ApplyDate") == snapshot["application_date"]  # YYYY-MM-DD
    goods = root.find("CertificateList").findall("CertificateGoods")
    assert goods[0].findtext("Amount") == "1000.5" and goods[1].findtext("GoodsNo") == "2"
    assert root.find("InvoiceInfo").findtext("InvoiceAmount") == "3001"  # 1000.50 + 2000.50


def test_a_new_certificate_without_third_party_invoice_has_neither_section(snapshot):
    snapshot.update(kind="normal", third_party_invoice=False)
    snapshot.pop("change")
    root = etree.fromstring(ci.build(snapshot))
    assert root.find("ChangeReissueInfo") is None and root.find("NonPartyCorp") is None
    assert root.find("CertificateHead").findtext("ThirdPartyInvoiceFlag") == ci.FALSE


def test_an_empty_draft_gives_empty_elements_and_goods_in_two_currencies_no_total(snapshot):
    empty = {name: None for name in snapshot} | {"items": [
        {"item_no": 1, "amount": "10", "currency": "USD"}, {"item_no": 2, "amount": "5", "currency": "EUR"}]}
    root = etree.fromstring(ci.build(empty))
    assert root.find("CertificateHead").findtext("ExporterName") == ""
    invoice = root.find("InvoiceInfo")
    assert invoice.findtext("InvoiceAmount") == "" and invoice.findtext("InvoiceCurrency") == ""


def test_characters_xml_cannot_hold_are_dropped_not_a_failure(snapshot):
    snapshot["remarks"] = "A\x0bB\x1fC"
    assert etree.fromstring(ci.build(snapshot)).find("CertificateHead").findtext("Remarks") == "ABC"


def test_every_field_of_the_system_is_mapped_or_left_out_with_a_reason():
    mapped = {row.field for row in ci.MAPPING}
    assert set(BASIC_FIELDS) - mapped == set()
    assert set(GOODS_FIELDS) - mapped == set()
    assert all(reason for reason in ci.NOT_MAPPED.values())


def test_element_names_are_unique_within_a_section():
    for key in ci.SECTIONS:
        names = [row.element for row in ci.MAPPING if row.section == key]
        assert len(names) == len(set(names)), key
        assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name) for name in names)


def test_a_row_marked_verified_names_its_source():
    for row in ci.MAPPING:
        assert row.source and (not row.verified or row.source != ci.OURS), row


def _doc_rows() -> list[tuple[str, str, str, bool]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split(ci.TABLE_START, 1)[1].split(ci.TABLE_END, 1)[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append((cells[0], cells[1].strip("`"), cells[3].strip("`"), cells[4] == "是"))
    return rows


def test_the_doc_lists_exactly_the_modules_mapping():
    text = DOC.read_text(encoding="utf-8")
    table = text.split(ci.TABLE_START, 1)[1].split(ci.TABLE_END, 1)[0].strip()
    assert table == ci.markdown_table(), "run python -m app.exchange.customs_import and paste its table"
    unverified_in_doc = {(section, field, element) for section, field, element, ok in _doc_rows() if not ok}
    unverified_in_module = {(ci.SECTIONS[r.section].title, r.field, r.element) for r in ci.MAPPING if not r.verified}
    assert unverified_in_doc == unverified_in_module


def test_the_doc_states_the_counts_of_the_module():
    verified, unverified = ci.counts()
    assert f"已核实 {verified} 项，未核实 {unverified} 项" in DOC.read_text(encoding="utf-8")
