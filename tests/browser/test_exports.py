"""Downloads in Chromium, JavaScript on and off (issue 16): the clerk clicks 导出Excel beside 证书查询's results and on
a certificate's toolbar with the mouse, the file arrives (the page stays as it was) and opens in a spreadsheet
program; the sysadmin exports a 参数表 table as Excel. Screenshots at 1366×768 and 390×844."""
import io

import openpyxl
import pytest
from lxml import etree
from playwright.sync_api import expect

from app.certificates.models import Certificate
from app.extensions import db
from tests.browser.person import assert_seen

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


@pytest.fixture
def certs(app, make_certificate):
    ids = [make_certificate(items=2, invoice_no="INV-2026-001"), make_certificate(items=1, invoice_no="INV-2026-002"),
           make_certificate(items=1, invoice_no="ZZ-1")]
    with app.app_context():
        return [(cert_id, db.session.get(Certificate, cert_id).cert_no) for cert_id in ids]


def _click(page, locator, what):
    """A click with the mouse where a person sees the element."""
    box = assert_seen(locator, what)
    page.mouse.click(box["left"] + box["width"] / 2, box["top"] + box["height"] / 2)


def _download(page, locator, what):
    with page.expect_download() as download:
        _click(page, locator, what)
    return download.value


def _workbook(file):
    """The downloaded file as a spreadsheet program opens it (Playwright keeps it under a name without .xlsx)."""
    with open(file.path(), "rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()))


def _sized_shots(page, shots, name, locator):
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        assert_seen(locator, f"{name} at {width}×{height}")
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert overflow[0] <= overflow[1] + 1, f"{name}: wider than the window at {width}×{height}: {overflow}"
        shots(page, f"{name}-{width}x{height}")
    page.set_viewport_size({"width": 1366, "height": 768})


def _flow(page, live_server, js, certs, shots):
    root = page.locator(".pane.active") if js else page
    page.set_viewport_size({"width": 1366, "height": 768})
    _click(page, page.locator("#sidebar a", has_text="证书查询"), "the menu's 证书查询")
    rows = root.locator("#results-table tbody tr")
    expect(rows).to_have_count(3)
    root.locator("#q-invoice").fill("INV")
    _click(page, root.locator("#query-button"), "查询")
    expect(rows).to_have_count(2)
    file = _download(page, root.locator("#export-xlsx"), "导出Excel")
    assert file.suggested_filename.startswith("证书查询_") and file.suggested_filename.endswith(".xlsx")
    sheet = _workbook(file)["证书查询"]
    lines = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert lines[1][:2] == ["发票号", "INV"] and lines[3][:2] == ["结果", "共 2 票"]
    header = lines.index(["证书号", "类型", "申请日期", "目的地", "发票号", "状态", "更新时间"])
    assert sorted(row[0] for row in lines[header + 1:]) == sorted(number for _id, number in certs[:2])
    expect(rows).to_have_count(2)  # the list is still there, with its conditions
    expect(root.locator("#q-invoice")).to_have_value("INV")
    _sized_shots(page, shots, "query", root.locator("#export-xlsx"))

    # the certificate's toolbar: the workbook with its goods, and the customs XML
    cert_id, number = certs[0]
    page.goto(f"{live_server}/certificates/{cert_id}")
    toolbar = root.locator(f"#c{cert_id}-toolbar")
    file = _download(page, toolbar.locator(f"#c{cert_id}-export-xlsx"), "the toolbar's 导出Excel")
    assert file.suggested_filename == f"一般原产地证_{number}.xlsx"
    book = _workbook(file)
    assert book.sheetnames == ["基本信息", "货物信息"]
    assert [c.value for c in book["基本信息"][2]] == ["证书号", number]
    assert book["货物信息"].max_row == 3 and book["货物信息"]["C2"].value == "牙刷"
    file = _download(page, toolbar.locator(f"#c{cert_id}-export-customs"), "导出海关导入XML")
    assert file.suggested_filename == f"海关导入_{number}.xml"
    with open(file.path(), "rb") as handle:
        xml = etree.parse(io.BytesIO(handle.read())).getroot()
    assert xml.find("CertificateHead").findtext("CertNo") == number
    assert len(xml.find("CertificateList")) == 2
    expect(toolbar).to_be_visible()  # still on the certificate
    _sized_shots(page, shots, "certificate", toolbar.locator(f"#c{cert_id}-export-customs"))


def test_a_clerk_exports_with_the_mouse_with_js(page, browser_login, live_server, certs, shots):
    browser_login("clerk_a")
    _flow(page, live_server, True, certs, shots)


@NO_JS
def test_a_clerk_exports_with_the_mouse_without_js(page, browser_login, live_server, certs, shots):
    browser_login("clerk_a")
    _flow(page, live_server, False, certs, shots)


@pytest.mark.parametrize("js", [pytest.param(True, id="js"), pytest.param(False, id="nojs", marks=NO_JS)])
def test_the_sysadmin_exports_a_code_table_as_excel(page, browser_login, live_server, shots, js, cast):
    browser_login("root_admin")
    root = page.locator(".pane.active") if js else page
    page.set_viewport_size({"width": 1366, "height": 768})
    _click(page, page.locator("#sidebar a", has_text="参数表"), "the menu's 参数表")
    _click(page, root.locator("a[href='/admin/refdata/transport_mode']"), "运输方式")
    file = _download(page, root.locator("#transport_mode-export-xlsx"), "导出 Excel")
    assert file.suggested_filename == "参数表_运输方式_transport_mode.xlsx"
    sheet = _workbook(file)["运输方式"]
    assert [c.value for c in sheet[1]] == ["code", "name_zh", "name_en", "category", "active", "sort", "attrs", "source"]
    assert "水路运输" in [row[1].value for row in sheet.iter_rows(min_row=2)]
    expect(root.locator("#transport_mode-import-form")).to_be_visible()
    _sized_shots(page, shots, f"refdata-{'js' if js else 'nojs'}", root.locator("#transport_mode-export-xlsx"))
