"""A 一般原产地证 from blank to declared in Chromium, with JavaScript on and off (issue: certificate entry)."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BASIC_TEXT = {"exporter_name": "JIA TRADING CO., LTD.", "exporter_address": "NO. 1 ZHONGSHAN ROAD, SHANGHAI, CHINA",
              "importer_name": "HANS GMBH", "importer_address": "10 HAFENSTRASSE, HAMBURG, GERMANY",
              "invoice_no": "INV-2026-001", "invoice_date": "2026-11-18", "marks": "N/M"}
# (field, what to type with JS, the code without JS, short table?)
LOOKUPS = [("destination_country", "德国", "DE", False), ("issuing_authority", "上海海关", "2200", True),
           ("collecting_authority", "2200", "2200", True), ("trade_mode", "一般贸易", "0110", True),
           ("port_of_loading", "CNSHA", "CNSHA", False), ("port_of_discharge", "hamburg", "DEHAM", False),
           ("transport_mode", "水路", "2", True)]
ROWS = [("9603.21", "牙刷", "TOOTHBRUSH", "2000"), ("3306.10", "牙膏", "TOOTHPASTE", "150"),
        ("3401.11", "香皂", "SOAP", "80")]


class Screen:
    """The certificate page, in the active tab (JS) or the whole page (no JS)."""

    def __init__(self, page, js):
        self.page, self.js = page, js

    @property
    def root(self):
        return self.page.locator(".pane.active") if self.js else self.page

    def lookup(self, name, typed, code, short):
        field = self.root.locator(f"#{name}")
        if self.js:
            field.click()
            field.fill("")
            self.page.keyboard.type(typed)
            expect(self.root.locator(f"#field-{name} .lookup-option.active")).to_be_visible()
            self.page.keyboard.press("Enter")
        elif short:
            field.select_option(code)
        else:
            field.fill(code)

    def click(self, selector):
        self.root.locator(selector).first.click()
        self.page.wait_for_load_state()


def _declare_general_certificate(page, live_server, js, shots):
    s = Screen(page, js)
    page.click("#sidebar >> text=新建证书")
    s.click("#type-list >> text=一般原产地证")
    expect(s.root.locator("#basic-form")).to_be_visible()
    for name, value in BASIC_TEXT.items():
        s.root.locator(f"#{name}").fill(value)
    for args in LOOKUPS:
        s.lookup(*args)
    s.click("#field-transport_details button.generate")
    expect(s.root.locator("#transport_details")).to_have_value("FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA")
    s.click("#save-button")
    expect(s.root.locator(".flash-success")).to_contain_text("已暂存，证书号 C")
    number = re.search(r"C\d{15}", s.root.locator(".flash-success").inner_text()).group(0)
    if js:
        s.click(".cert-tabs [data-cert-tab=goods]")
    for hs, name_cn, name_en, count in ROWS:
        s.root.locator("#hs_code").fill(hs)
        s.root.locator("#name_cn").fill(name_cn)
        s.root.locator("#name_en").fill(name_en)
        s.root.locator("#quantity").fill(str(int(count) * 10))
        s.root.locator("#package_count").fill(count)
        s.lookup("quantity_unit", "PCS", "PCS", True)
        s.lookup("package_unit", "CTNS", "CTNS", True)
        s.click("#field-description button.generate")
        expect(s.root.locator("#description")).to_have_value(re.compile(rf"\({count}\) CTNS OF {name_en}$"))
        s.click("#goods-save")
        expect(s.root.locator("#goods-table")).to_contain_text(name_en)
    rows = s.root.locator("#goods-table tbody tr")
    expect(rows).to_have_count(3)
    s.click("tr[id$='-row-3'] button[title^='上移']")
    expect(s.root.locator("tr[id$='-row-2']")).to_contain_text("SOAP")
    expect(s.root.locator("tr[id$='-row-3']")).to_contain_text("TOOTHPASTE")
    shots(page, "goods")
    # 申报 with a missing field: every problem listed, each a link to the field
    if js:
        s.click(".cert-tabs [data-cert-tab=basic]")
    s.root.locator("#importer_name").fill("")
    s.click("#declare-button")
    problems = s.root.locator("#declare-problems")
    expect(problems).to_contain_text("请填写收货人（进口商）名称")
    shots(page, "problems")
    problems.locator("a[href='#field-importer_name']").click()
    if js:
        assert page.evaluate("document.activeElement.id") == "importer_name"
    s.root.locator("#importer_name").fill("HANS GMBH")
    s.click("#declare-button")
    expect(s.root.locator("#cert-status")).to_have_text("已申报")
    expect(s.root.locator("#send-status")).to_have_text("待发送")
    return s, number


def _copy_and_delete(page, s, number):
    page.on("dialog", lambda dialog: dialog.accept())
    s.click("#cert-toolbar button:has-text('复制')")
    expect(s.root.locator(".flash-success")).to_contain_text("复制成功")
    copy_number = re.search(r"C\d{15}", s.root.locator(".flash-success").inner_text()).group(0)
    assert copy_number != number
    expect(s.root.locator("#invoice_no")).to_have_value("")
    s.click("#cert-toolbar a:has-text('删除')")
    expect(s.root.locator("#delete-confirm")).to_contain_text(copy_number)
    s.click("#confirm-delete")
    expect(s.root.locator(".flash-success")).to_contain_text(f"证书 {copy_number} 已删除")


def test_declare_copy_and_delete_with_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    s, number = _declare_general_certificate(page, live_server, True, shots)
    _copy_and_delete(page, s, number)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_declare_copy_and_delete_without_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    s, number = _declare_general_certificate(page, live_server, False, shots)
    _copy_and_delete(page, s, number)
