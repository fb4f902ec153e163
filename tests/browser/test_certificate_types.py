"""Certificate types in Chromium, JavaScript on and off (issue: all 20 types): 普惠制 to Japan with
日本进料信息 and `W`, the Korea destination lock, 中国-东盟 third-party invoice guidance and destinations."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.person import CertScreen
from tests.browser.test_certificate_flow import BASIC_TEXT, LOOKUPS, open_new

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
JAPAN = ("destination_country", "日本", "JP")
NORWAY = ("destination_country", "挪威", "NO")  # GSP: a donor that still gives China GSP


def _new(page, js, type_name, destination=None):
    s = CertScreen(page, js)
    open_new(s, type_name)
    for name, value in BASIC_TEXT.items():
        s.fill(name, value)
    for args in LOOKUPS:
        if args[0] == "destination_country":
            if destination is None:
                continue
            args = destination
        s.lookup(*args)
    s.generate("transport_details", s.basic)
    return s


def _save(s, expected="已暂存"):
    if s.js:  # earlier messages of the goods and materials sections stay on the page until it is replaced
        s.page.evaluate("() => { for (const f of document.querySelectorAll('.pane.active .flash')) f.remove(); }")
    s.save()
    expect(s.root.locator(".flash-success").filter(has_text=expected)).to_have_count(1)


def _gsp_to_japan(page, js, shots):
    s = _new(page, js, "普惠制原产地证", JAPAN)
    tab = s.root.locator("[id$='-materials-tab']")
    if js:  # the tab follows the destination as it is chosen
        expect(tab).to_be_visible()
    _save(s)
    expect(tab).to_be_visible()
    # 日本进料信息: two materials, the second moved up
    s.tab("materials")
    for hs, text in (("3907", "POLYPROPYLENE RESIN"), ("7217", "STEEL WIRE")):
        editor = s.materials_editor
        s.fill("hs_code", hs, editor)
        s.fill("description", text, editor)
        s.fill("quantity", "120", editor)
        s.lookup("unit", "PCS", "PCS", editor)
        s.fill("value", "860", editor)
        s.click("button[name=action][value=save]", editor)
        expect(s.root.locator(".materials-table")).to_contain_text(text)
    s.click("button[value=up]", s.row("materials", 2))
    expect(s.row("materials", 1)).to_contain_text("STEEL WIRE")
    # a goods row with `W`: 辅助项 is the HS heading, read-only, following the HS code
    s.tab("goods")
    editor = s.goods_editor
    s.fill("hs_code", "3924.10", editor)
    if js:
        page.keyboard.press("Escape")
    s.fill("name_cn", "塑料餐具", editor)
    s.fill("name_en", "PLASTIC TABLEWARE", editor)
    s.fill("quantity", "5000", editor)
    s.fill("package_count", "50", editor)
    s.lookup("quantity_unit", "PCS", "PCS", editor)
    s.lookup("package_unit", "CTNS", "CTNS", editor)
    s.lookup("origin_criterion", "W", "W", editor)
    aux = s.box("criterion_aux", editor).locator("input")
    if js:
        expect(aux).to_have_value("39.24")
        s.fill("hs_code", "9603.21", editor)
        page.keyboard.press("Escape")
        expect(aux).to_have_value("96.03")
        expect(aux).to_have_attribute("readonly", "")
    s.generate("description", editor)
    s.click("button[name=action][value=save]", s.goods_editor)
    expect(s.root.locator(".goods-table")).to_contain_text("W 96.03" if js else "W 39.24")
    shots(page, "gsp-japan")
    # leaving Japan hides the materials, keeps them and says so
    s.tab("basic")
    s.lookup(*NORWAY)
    warning = s.root.locator("[id$='-materials-hidden-warning']")
    if js:
        expect(tab).to_be_hidden()
        expect(warning).to_be_visible()
    _save(s)
    expect(tab).to_be_hidden()
    expect(warning).to_contain_text("2 项日本进料信息已隐藏")
    s.lookup(*JAPAN)
    _save(s)
    expect(tab).to_be_visible()
    s.tab("materials")
    expect(s.root.locator(".materials-table tbody tr[data-row-id]")).to_have_count(2)


# Japan ended GSP for China in 2019-04: `japan_gsp` is the sysadmin's 参数表 edit that lets a certificate dated
# today reach 日本进料信息 (the tab is kept for the manual's fidelity and for old certificates).
def test_gsp_to_japan_with_js(page, browser_login, live_server, cast, shots, japan_gsp):
    browser_login("clerk_a")
    _gsp_to_japan(page, True, shots)


@NO_JS
def test_gsp_to_japan_without_js(page, browser_login, live_server, cast, shots, japan_gsp):
    browser_login("clerk_a")
    _gsp_to_japan(page, False, shots)


def _korea_locked(page, js):
    s = CertScreen(page, js)
    open_new(s, "中国-韩国自贸区原产地证")
    field = s.control("destination_country")
    expect(field).to_have_value("KR 韩国")
    expect(field).to_have_attribute("readonly", "")
    expect(s.box("destination_country")).to_contain_text("目的地由系统返填")


def test_korea_locks_the_destination_with_js(page, browser_login, live_server, cast):
    browser_login("clerk_a")
    _korea_locked(page, True)


@NO_JS
def test_korea_locks_the_destination_without_js(page, browser_login, live_server, cast):
    browser_login("clerk_a")
    _korea_locked(page, False)


def _third_party(page, js, shots):
    s = _new(page, js, "中国-东盟自贸区原产地证", ("destination_country", "越南", "VN"))
    guide = s.root.locator("[id^='guide-'][id$='third_party_invoice']")
    expect(guide).to_be_hidden()
    s.box("third_party_invoice").locator("select").select_option("1")
    if js:
        expect(guide).to_be_visible()
        expect(s.box("special_terms")).to_have_class(re.compile(r"\bguided\b"))
        expect(s.box("application_remarks")).to_have_class(re.compile(r"\bguided\b"))
    _save(s)
    expect(guide).to_be_visible()
    expect(guide).to_contain_text("原发票号和发票日期填写到申请书“申请书备注”中")
    expect(guide).to_contain_text("第三方发票公司名称和所在国家或地区填写到证书的“特殊条款”中")
    shots(page, "third-party")
    s.declare()
    expect(s.summary).to_contain_text("请在申请书备注中填写原发票号和发票日期")
    expect(s.summary).to_contain_text("请在特殊条款中填写第三方发票公司名称及所在国家或地区")


def test_asean_third_party_invoice_guidance_with_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    _third_party(page, True, shots)


@NO_JS
def test_asean_third_party_invoice_guidance_without_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    _third_party(page, False, shots)
