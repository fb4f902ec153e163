"""A 一般原产地证 from blank to declared in Chromium, with JavaScript on and off: basic information, three goods rows
(生成, 保存, 上移), 申报 with a problem marked on its field, then 复制 and 删除."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.person import CertScreen, assert_marked_in_error, assert_seen

pytestmark = pytest.mark.browser

BASIC_TEXT = {"exporter_name": "JIA TRADING CO., LTD.", "exporter_address": "NO. 1 ZHONGSHAN ROAD, SHANGHAI, CHINA",
              "importer_name": "HANS GMBH", "importer_address": "10 HAFENSTRASSE, HAMBURG, GERMANY",
              "invoice_no": "INV-2026-001", "invoice_date": "2026-11-18", "marks": "N/M"}
# (field, what to type with JS, the code without JS)
LOOKUPS = [("destination_country", "德国", "DE"), ("issuing_authority", "上海海关", "2200"),
           ("collecting_authority", "2200", "2200"), ("trade_mode", "一般贸易", "0110"),
           ("port_of_loading", "CNSHA", "CNSHA"), ("port_of_discharge", "hamburg", "DEHAM"),
           ("transport_mode", "水路", "2")]
ROWS = [("9603.21", "牙刷", "TOOTHBRUSH", "2000"), ("3306.10", "牙膏", "TOOTHPASTE", "150"),
        ("3401.11", "香皂", "SOAP", "80")]


def open_new(s: CertScreen, type_name: str) -> None:
    s.page.click("#sidebar >> text=新建证书")
    s.click(f"#type-list a:has-text('{type_name}')")
    expect(s.basic).to_be_visible()


def fill_basic(s: CertScreen, lookups=LOOKUPS) -> None:
    for name, value in BASIC_TEXT.items():
        s.fill(name, value)
    for args in lookups:
        s.lookup(*args)
    s.generate("transport_details", s.basic)
    expect(s.control("transport_details")).to_have_value(re.compile(r"^FROM SHANGHAI, CHINA TO "))


def add_row(s: CertScreen, hs, name_cn, name_en, count) -> None:
    editor = s.goods_editor
    s.fill("hs_code", hs, editor)
    if s.js:
        s.page.keyboard.press("Escape")  # the HS list opened as the code was typed
    s.fill("name_cn", name_cn, editor)
    s.fill("name_en", name_en, editor)
    s.fill("quantity", str(int(count) * 10), editor)
    s.fill("package_count", count, editor)
    s.lookup("quantity_unit", "PCS", "PCS", editor)
    s.lookup("package_unit", "CTNS", "CTNS", editor)
    s.generate("description", editor)
    expect(s.control("description", s.goods_editor)).to_have_value(re.compile(rf"\({count}\) CTNS? OF {name_en}$"))
    s.click("button[name=action][value=save]", s.goods_editor)
    expect(s.root.locator(".goods-table")).to_contain_text(name_en)


def declare_general_certificate(page, js, shots):
    s = CertScreen(page, js)
    open_new(s, "一般原产地证")
    fill_basic(s)
    s.save()
    expect(s.root.locator(".flash-success")).to_contain_text("已暂存，证书号 C")
    number = re.search(r"C\d{15}", s.root.locator(".flash-success").inner_text()).group(0)
    s.tab("goods")
    for row in ROWS:
        add_row(s, *row)
    expect(s.root.locator(".goods-table tbody tr[data-row-id]")).to_have_count(3)
    s.click("button[value=up]", s.row("goods", 3))
    expect(s.row("goods", 2)).to_contain_text("SOAP")
    expect(s.row("goods", 3)).to_contain_text("TOOTHPASTE")
    shots(page, "goods")
    # 申报 with a missing field: listed at the top and marked on the field itself
    s.tab("basic")
    s.fill("importer_name", "")
    s.declare()
    expect(s.summary).to_contain_text("请填写收货人（进口商）名称")
    assert_seen(s.summary, "problem list")
    assert_marked_in_error(page, s.control("importer_name"), "请填写收货人（进口商）名称")
    shots(page, "problems")
    s.summary.locator("a", has_text="收货人").click()
    if js:
        expect(s.control("importer_name")).to_be_focused()
    s.fill("importer_name", "HANS GMBH")
    s.declare()
    expect(s.root.locator(".live-cert-status")).to_have_text("已申报")
    expect(s.root.locator(".live-send-status")).to_have_text("待发送")
    expect(s.root.locator(".cert-status")).to_have_count(0)  # said once, in the block that keeps it current
    return s, number


def copy_and_delete(page, s, number):
    page.on("dialog", lambda dialog: dialog.accept())
    s.click(".cert-toolbar button:has-text('复制')")
    expect(s.root.locator(".flash-success")).to_contain_text("复制成功")
    copy_number = re.search(r"C\d{15}", s.root.locator(".flash-success").inner_text()).group(0)
    assert copy_number != number
    expect(s.control("invoice_no")).to_have_value("")
    s.click(".cert-toolbar a:has-text('删除')")
    expect(s.root.locator("#delete-confirm")).to_contain_text(copy_number)
    s.click("#confirm-delete")
    expect(s.root.locator(".flash-success")).to_contain_text(f"证书 {copy_number} 已删除")
    expect(s.root.locator("h1")).to_have_text("证书查询")  # back to the list, not a blank 新建 form


def test_declare_copy_and_delete_with_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    s, number = declare_general_certificate(page, True, shots)
    copy_and_delete(page, s, number)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_declare_copy_and_delete_without_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    s, number = declare_general_certificate(page, False, shots)
    copy_and_delete(page, s, number)
