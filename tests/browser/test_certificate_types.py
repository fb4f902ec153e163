"""Certificate types in Chromium, JavaScript on and off (issue: all 20 types): 普惠制 to Japan with
日本进料信息 and `W`, the Korea destination lock, 中国-东盟 third-party invoice guidance."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_certificate_flow import BASIC_TEXT, LOOKUPS, Screen

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
JAPAN = ("destination_country", "日本", "JP", False)
GERMANY = ("destination_country", "德国", "DE", False)


def _new(page, js, type_name, destination=None):
    s = Screen(page, js)
    page.click("#sidebar >> text=新建证书")
    s.click(f"#type-list >> text={type_name}")
    expect(s.root.locator("#basic-form")).to_be_visible()
    for name, value in BASIC_TEXT.items():
        s.root.locator(f"#{name}").fill(value)
    for args in LOOKUPS:
        if args[0] == "destination_country":
            if destination is None:
                continue
            args = destination
        s.lookup(*args)
    s.click("#field-transport_details button.generate")
    return s


def _save(s, expected="已暂存"):
    if s.js:  # earlier messages of the goods and materials sections stay on the page until it is replaced
        s.page.evaluate("for (const f of document.querySelectorAll('.pane.active .flash')) f.remove()")
    s.click("#save-button")
    expect(s.root.locator(".flash-success").filter(has_text=expected)).to_have_count(1)


def _gsp_to_japan(page, js, shots):
    s = _new(page, js, "普惠制原产地证", JAPAN)
    if js:  # the tab follows the destination as it is chosen
        expect(s.root.locator("#materials-tab")).to_be_visible()
    _save(s)
    expect(s.root.locator("#materials-tab")).to_be_visible()
    # 日本进料信息: two materials, the second moved up
    if js:
        s.click("#materials-tab")
    for hs, text in (("3907", "POLYPROPYLENE RESIN"), ("7217", "STEEL WIRE")):
        s.root.locator("#material_hs_code").fill(hs)
        s.root.locator("#material_description").fill(text)
        s.root.locator("#material_quantity").fill("120")
        s.lookup("material_unit", "PCS", "PCS", True)
        s.root.locator("#material_value").fill("860")
        s.click("#material-save")
        expect(s.root.locator("[id^=materials-table-]")).to_contain_text(text)
    s.click("tr[id$='-row-2'][id^=material] button:has-text('上移')")
    expect(s.root.locator("tr[id^=material][id$='-row-1']")).to_contain_text("STEEL WIRE")
    # a goods row with `W`: 辅助项 is the HS heading, read-only, following the HS code
    if js:
        s.click(".cert-tabs [data-cert-tab=goods]")
    s.root.locator("#hs_code").fill("3924.10")
    s.root.locator("#name_cn").fill("塑料餐具")
    s.root.locator("#name_en").fill("PLASTIC TABLEWARE")
    s.root.locator("#quantity").fill("5000")
    s.root.locator("#package_count").fill("50")
    s.lookup("quantity_unit", "PCS", "PCS", True)
    s.lookup("package_unit", "CTNS", "CTNS", True)
    s.lookup("origin_criterion", "W", "W", True)
    aux = s.root.locator("#criterion_aux")
    if js:
        expect(aux).to_have_value("39.24")
        s.root.locator("#hs_code").fill("9603.21")
        expect(aux).to_have_value("96.03")
        expect(aux).to_have_attribute("readonly", "")
    s.click("#field-description button.generate")
    s.click("#goods-save")
    expect(s.root.locator("#goods-table")).to_contain_text("W 96.03" if js else "W 39.24")
    shots(page, "gsp-japan")
    # leaving Japan hides the materials, keeps them and says so
    if js:
        page.keyboard.press("Escape")  # the new row's HS field has the focus and its list open
        s.click(".cert-tabs [data-cert-tab=basic]")
    s.lookup(*GERMANY)
    if js:
        expect(s.root.locator("#materials-tab")).to_be_hidden()
        expect(s.root.locator("#materials-hidden-warning")).to_be_visible()
    _save(s)
    expect(s.root.locator("#materials-tab")).to_be_hidden()
    expect(s.root.locator("#materials-hidden-warning")).to_contain_text("2 项日本进料信息已隐藏")
    s.lookup(*JAPAN)
    _save(s)
    expect(s.root.locator("#materials-tab")).to_be_visible()
    if js:
        s.click("#materials-tab")
    expect(s.root.locator("[id^=materials-table-] tbody tr")).to_have_count(2)


def test_gsp_to_japan_with_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    _gsp_to_japan(page, True, shots)


@NO_JS
def test_gsp_to_japan_without_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    _gsp_to_japan(page, False, shots)


def _korea_locked(page, js):
    s = Screen(page, js)
    page.click("#sidebar >> text=新建证书")
    s.click("#type-list >> text=中国-韩国自贸区原产地证")
    field = s.root.locator("#destination_country")
    expect(field).to_have_value("KR 韩国")
    expect(field).to_have_attribute("readonly", "")
    expect(s.root.locator("#field-destination_country")).to_contain_text("目的地由系统返填")


def test_korea_locks_the_destination_with_js(page, browser_login, live_server, cast):
    browser_login("clerk_a")
    _korea_locked(page, True)


@NO_JS
def test_korea_locks_the_destination_without_js(page, browser_login, live_server, cast):
    browser_login("clerk_a")
    _korea_locked(page, False)


def _third_party(page, js, shots):
    s = _new(page, js, "中国-东盟自贸区原产地证", ("destination_country", "越南", "VN", False))
    guide = s.root.locator("#guide-third_party_invoice")
    expect(guide).to_be_hidden()
    s.root.locator("#third_party_invoice").select_option("1")
    if js:
        expect(guide).to_be_visible()
        expect(s.root.locator("#field-special_terms")).to_have_class(re.compile(r"\bguided\b"))
        expect(s.root.locator("#field-application_remarks")).to_have_class(re.compile(r"\bguided\b"))
    _save(s)
    expect(guide).to_be_visible()
    expect(guide).to_contain_text("原发票号和发票日期填写到申请书“申请书备注”中")
    expect(guide).to_contain_text("第三方发票公司名称和所在国家或地区填写到证书的“特殊条款”中")
    shots(page, "third-party")
    s.click("#declare-button")
    problems = s.root.locator("#declare-problems")
    expect(problems).to_contain_text("请在申请书备注中填写原发票号和发票日期")
    expect(problems).to_contain_text("请在特殊条款中填写第三方发票公司名称及所在国家或地区")


def test_asean_third_party_invoice_guidance_with_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    _third_party(page, True, shots)


@NO_JS
def test_asean_third_party_invoice_guidance_without_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    _third_party(page, False, shots)
