"""Lookup fields in Chromium: keyboard-only choice, the query dialog, and the JS-off fallbacks."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _open_initial_values(page):
    page.click("#sidebar >> text=初始值设置")
    page.wait_for_selector("#initial-values-form")
    page.wait_for_selector("#issuing_authority.lookup-input")  # the ▼ fields are ready (htmx settles, then enhances)


def test_type_part_of_a_name_enter_fills_enter_again_moves_on(page, browser_login, cast, shots):
    browser_login("clerk_a")
    _open_initial_values(page)
    page.click("#issuing_authority")
    page.keyboard.type("上海")
    expect(page.locator("ul.lookup-options .lookup-option.active")).to_contain_text("上海海关")
    shots(page, "typing")
    page.keyboard.press("Enter")
    expect(page.locator("#issuing_authority")).to_have_value("2200 上海海关")
    assert page.evaluate("document.activeElement.id") == "issuing_authority"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "collecting_authority"
    page.keyboard.type("2200")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "trade_mode"
    page.keyboard.type("一般")
    page.keyboard.press("Enter")
    expect(page.locator("#trade_mode")).to_have_value("0110 一般贸易")
    page.click("#initial-values-form button.primary")
    expect(page.locator("#initial-values-form")).to_contain_text("初始值已保存")
    page.reload()
    page.wait_for_selector("#initial-values-form")
    expect(page.locator("#issuing_authority")).to_have_value("2200 上海海关")
    expect(page.locator("#collecting_authority")).to_have_value("2200 上海海关")


def test_arrow_keys_move_through_the_server_list(page, browser_login, cast):
    browser_login("clerk_a")
    _open_initial_values(page)
    page.click("#port_of_loading")
    page.keyboard.type("cnn")
    expect(page.locator("ul.lookup-options .lookup-option").first).to_contain_text("CNN")
    second = page.locator("ul.lookup-options .lookup-option").nth(1).get_attribute("data-code")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#port_of_loading").startswith(second + " ")


def test_the_query_dialog_opens_from_the_label_and_fills_the_field(page, browser_login, cast, shots):
    browser_login("clerk_a")
    _open_initial_values(page)
    page.click("label[for=port_of_loading]")
    expect(page.locator("#modal .lookup-results")).to_be_visible()
    expect(page.locator("#modal input[name=q]")).to_be_focused()  # the caret is in the search box: ready
    page.fill("#modal input[name=q]", "汉堡")
    page.keyboard.press("Enter")
    expect(page.locator("#modal .lookup-results tbody tr")).to_have_count(1)
    shots(page, "dialog")
    page.click("#modal button.pick")
    expect(page.locator("#modal")).to_have_count(0)
    expect(page.locator("#port_of_loading")).to_have_value("DEHAM 汉堡")


def test_enter_never_submits_and_ctrl_enter_makes_a_new_line(page, browser_login, cast):
    browser_login("clerk_a")
    _open_initial_values(page)
    page.click("#exporter_name")
    page.keyboard.type("JIA TRADING CO., LTD.")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "exporter_address"
    expect(page.locator("#initial-values-form")).not_to_contain_text("初始值已保存")
    page.keyboard.type("NO. 1 ROAD")
    page.keyboard.press("Control+Enter")
    page.keyboard.type("SHANGHAI, CHINA")
    expect(page.locator("#exporter_address")).to_have_value("NO. 1 ROAD\nSHANGHAI, CHINA")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "exporter_phone"


def test_a_bad_value_is_refused_beside_the_field_and_kept(page, browser_login, cast):
    browser_login("clerk_a")
    _open_initial_values(page)
    page.fill("#port_of_loading", "ATLANTIS")
    page.click("#initial-values-form button.primary")
    expect(page.locator("#field-port_of_loading .field-error")).to_contain_text("请从港口中选择")
    expect(page.locator("#port_of_loading")).to_have_value("ATLANTIS")


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_js_short_tables_are_selects_and_long_ones_use_the_search_page(page, browser_login, live_server,
                                                                              cast, shots):
    browser_login("clerk_a")
    page.goto(live_server + "/initial-values")
    page.select_option("#issuing_authority", "2200")
    page.select_option("#collecting_authority", "2200")
    page.fill("#exporter_name", "JIA TRADING CO., LTD.")
    page.fill("#port_of_loading", "宁波")
    page.click("#field-port_of_loading button.lookup-search")
    expect(page.locator("h1")).to_contain_text("查询港口")
    page.fill("input[name=q]", "宁波")
    page.click(".lookup-search-form button[type=submit]")
    shots(page, "search-page")
    page.click(".lookup-results button:has-text('选择') >> nth=0")
    expect(page.locator("#port_of_loading")).to_have_value("CNNGB 宁波")
    expect(page.locator("#exporter_name")).to_have_value("JIA TRADING CO., LTD.")
    expect(page.locator("#issuing_authority")).to_have_value("2200")
    page.click("#initial-values-form button.primary")
    expect(page.locator(".flash-success")).to_contain_text("初始值已保存")
    expect(page.locator("#port_of_loading")).to_have_value("CNNGB 宁波")
