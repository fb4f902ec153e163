"""The shell in Chromium with JavaScript on: captcha login, tabs, 关闭其他选项卡, menu collapse."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_login_with_captcha_and_refresh_it(page, live_server, app, cast, shots):
    page.goto(live_server + "/login")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the module script has run
    first = page.locator("input[name=captcha_id]").get_attribute("value")
    page.click("text=换一张")
    expect(page.locator("input[name=captcha_id]")).not_to_have_value(first)
    cid = page.locator("input[name=captcha_id]").get_attribute("value")
    # (wait_for_function would evaluate a string, which our CSP rightly forbids: poll instead)
    for _ in range(50):
        if page.evaluate("() => { const i = document.getElementById('captcha-image'); "
                         "return i.complete && i.naturalWidth > 0; }"):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the new captcha picture did not load")
    page.fill("#username", "admin_a")
    page.fill("#password", "Passw0rd-test")
    page.fill("#captcha", app.config["CAPTCHAS"][cid])
    shots(page, "login")
    page.click("#login-button")
    page.wait_for_url(live_server + "/")
    expect(page.locator("#header")).to_contain_text("甲进出口有限公司")


def test_a_wrong_captcha_shows_a_message_beside_it(page, live_server, cast):
    page.goto(live_server + "/login")
    page.fill("#username", "admin_a")
    page.fill("#password", "Passw0rd-test")
    page.fill("#captcha", "0000")
    page.click("#login-button")
    expect(page.locator("#field-captcha .field-error")).to_contain_text("验证码错误")
    expect(page.locator("#username")).to_have_value("admin_a")


def _tab_titles(page):
    return [t.strip().rstrip("×").strip() for t in page.locator("#tabs .tab").all_inner_texts()]


def test_menu_items_open_tabs_that_keep_their_content(page, browser_login, live_server, cast, shots):
    browser_login("admin_a")
    page.click("#sidebar >> text=用户管理")
    expect(page.locator(".pane.active #user-table")).to_be_visible()
    page.click("#sidebar >> text=我的资质")
    expect(page.locator(".pane.active #qualification-form")).to_be_visible()
    assert _tab_titles(page) == ["首页", "用户管理", "我的资质"]
    page.fill("#platform_account", "typed-not-saved")
    page.click("#tabs >> text=用户管理")
    expect(page.locator(".pane.active #user-table")).to_be_visible()
    expect(page.locator("#qualification-form")).to_be_hidden()
    page.click("#tabs >> text=我的资质")
    expect(page.locator("#platform_account")).to_have_value("typed-not-saved")
    assert page.url == live_server + "/qualification"
    shots(page, "tabs")
    # The same menu item again activates its tab rather than opening another.
    page.click("#sidebar >> text=用户管理")
    assert _tab_titles(page) == ["首页", "用户管理", "我的资质"]


def test_close_other_tabs_and_close_all(page, browser_login, cast):
    browser_login("admin_a")
    for item in ("用户管理", "我的资质", "操作日志"):
        page.click(f"#sidebar >> text={item}")
        expect(page.locator("#tabs .tab.active")).to_contain_text(item)
    page.click("#tabs >> text=我的资质")
    page.click("#tab-menu-button")
    page.click("text=关闭其他选项卡")
    assert _tab_titles(page) == ["首页", "我的资质"]
    expect(page.locator(".pane.active #qualification-form")).to_be_visible()
    assert page.locator(".pane").count() == 2
    page.click("#tab-menu-button")
    page.click("text=关闭全部选项卡")
    assert _tab_titles(page) == ["首页"]
    expect(page.locator(".pane.active h1")).to_contain_text("欢迎")


def test_a_tab_closes_with_its_cross(page, browser_login, cast):
    browser_login("admin_a")
    page.click("#sidebar >> text=用户管理")
    page.click("#sidebar >> text=操作日志")
    page.click("#tabs .tab.active .tab-close")
    assert _tab_titles(page) == ["首页", "用户管理"]
    expect(page.locator("#tabs .tab.active")).to_contain_text("用户管理")


def test_tabs_scroll_when_there_are_many(page, browser_login, cast):
    page.set_viewport_size({"width": 700, "height": 600})
    browser_login("admin_a")
    for item in ("新建证书", "证书查询", "初始值设置", "我的资质", "用户管理", "操作日志"):
        page.click(f"#sidebar >> text={item}")
    viewport = page.locator("#tabs-viewport")
    assert page.evaluate("el => el.scrollWidth > el.clientWidth", viewport.element_handle())
    before = page.evaluate("el => el.scrollLeft", viewport.element_handle())
    page.click(".tab-scroll[data-scroll='-1']")
    assert page.evaluate("el => el.scrollLeft", viewport.element_handle()) < before


def test_the_menu_collapses_to_icons_and_stays_collapsed(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    width = page.locator("#sidebar").bounding_box()["width"]
    page.click("#menu-toggle button")
    expect(page.locator("body")).to_have_class(re.compile("menu-collapsed"))
    page.wait_for_timeout(300)
    assert page.locator("#sidebar").bounding_box()["width"] < width / 2
    expect(page.locator("#sidebar .label").first).to_be_hidden()
    expect(page.locator("#sidebar .icon").first).to_be_visible()
    shots(page, "collapsed")
    page.reload()
    expect(page.locator("body")).to_have_class(re.compile("menu-collapsed"))
    page.click("#menu-toggle button")
    expect(page.locator("body")).not_to_have_class(re.compile("menu-collapsed"))


def test_a_form_in_a_tab_shows_errors_beside_fields_without_leaving_the_tab(page, browser_login, cast):
    browser_login("admin_a")
    page.click("#sidebar >> text=我的资质")
    page.fill("#co_reg_no", "123")
    page.click("#qualification-form button[type=submit]")
    expect(page.locator("#field-co_reg_no .field-error")).to_contain_text("产地证备案号为 9 位")
    expect(page.locator("#co_reg_no")).to_have_value("123")
    assert _tab_titles(page) == ["首页", "我的资质"]
    page.fill("#co_reg_no", "310000001")
    page.click("#qualification-form button[type=submit]")
    expect(page.locator("#qualification-form")).to_contain_text("资质备案已保存")


def test_logout_ends_the_session(page, browser_login, live_server, cast):
    browser_login("clerk_a")
    page.click("#logout")
    page.wait_for_url(live_server + "/login")
    page.goto(live_server + "/certificates")
    assert page.url.startswith(live_server + "/login")
