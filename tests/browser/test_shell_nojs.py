"""The same shell with JavaScript off: plain links and forms, full pages, nothing broken."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.browser_context_args(java_script_enabled=False)]


def test_log_in_and_navigate_with_plain_pages(page, browser_login, live_server, cast, shots):
    browser_login("admin_a")
    expect(page.locator(".tab-menu")).to_be_hidden()  # JS-only controls stay out of the way
    page.click("#sidebar >> text=用户管理")
    page.wait_for_url(live_server + "/users")
    expect(page.locator("#tabs .tab.active")).to_have_text("用户管理")
    page.fill("#username", "nojs_user")
    page.fill("#display_name", "无脚本")
    page.fill("#user-create-form #password", "Nojs-pass123")
    page.click("#user-create-form button[type=submit]")
    page.wait_for_url(live_server + "/users")
    expect(page.locator(".flash-success")).to_contain_text("nojs_user")
    expect(page.locator("#user-table")).to_contain_text("无脚本")
    shots(page, "users")


def test_bad_input_comes_back_with_messages_and_the_typed_values(page, browser_login, cast):
    browser_login("admin_a")
    page.click("#sidebar >> text=我的资质")
    page.fill("#co_reg_no", "123")
    page.fill("#name_cn", "甲公司")
    page.click("#qualification-form button[type=submit]")
    expect(page.locator("#field-co_reg_no .field-error")).to_contain_text("产地证备案号为 9 位")
    expect(page.locator("#name_cn")).to_have_value("甲公司")


def test_the_menu_collapse_is_a_plain_form(page, browser_login, live_server, cast):
    browser_login("clerk_a")
    page.click("#menu-toggle button")
    page.wait_for_load_state()
    expect(page.locator("body")).to_have_class(re.compile("menu-collapsed"))
    expect(page.locator("#sidebar .label").first).to_be_hidden()


def test_refreshing_the_captcha_without_js_keeps_the_username(page, live_server, cast):
    page.goto(live_server + "/login")
    first = page.locator("input[name=captcha_id]").get_attribute("value")
    page.fill("#username", "clerk_a")
    page.click("text=换一张")
    page.wait_for_load_state()
    assert page.locator("input[name=captcha_id]").get_attribute("value") != first
    expect(page.locator("#username")).to_have_value("clerk_a")


def test_logout_works_without_js(page, browser_login, live_server, cast):
    browser_login("clerk_a")
    page.click("#logout")
    page.wait_for_url(live_server + "/login")
    expect(page.locator(".flash")).to_contain_text("安全退出")
