"""Moving between the query list and certificates as a clerk does (issue 12, defects 5 and 6), JavaScript on and off:
- 重置 in 证书查询 empties the conditions and lists everything, in the one shell (never a page nested in the page);
- a 证书号 opens the certificate in its own tab (reused when clicked again) and the list keeps its conditions;
- 打印 is a dialog over the certificate and its 预览 stays in it (no tab is opened);
- 删除 from the list comes back to the list with its conditions, 删除 from the certificate to 证书查询."""
import re

import pytest
from playwright.sync_api import expect

from app.certificates.models import Certificate
from app.extensions import db
from tests.browser.person import assert_seen, tab_titles

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)


@pytest.fixture
def desk(app, make_certificate):
    """Three 暂存 certificates and one 已申报 of enterprise A; their numbers share everything but the last digits."""
    ids = [make_certificate(invoice_no=f"INV-NAV-{n}") for n in range(3)]
    ids.append(make_certificate(invoice_no="INV-NAV-9", status="declared"))
    with app.app_context():
        numbers = [db.session.get(Certificate, cert_id).cert_no for cert_id in ids]
    return ids, numbers


def _part(numbers) -> str:
    """A part of a 证书号 that every one of them contains (a clerk types a few digits)."""
    return numbers[0][3:11]


class Query:
    """证书查询 as a clerk sees it: in the active tab with JavaScript, the whole page without."""

    def __init__(self, page, js):
        self.page, self.js = page, js

    @property
    def root(self):
        return self.page.locator(".pane.active") if self.js else self.page.locator("body")

    def condition(self, name):
        return self.root.locator(f"#q-{name}")

    @property
    def rows(self):
        return self.root.locator("#results-table tbody tr:has(a.cert-link)")

    def number_link(self, number):
        return self.root.locator("#results-table a.cert-link", has_text=number)

    def open_from_menu(self):
        item = self.page.locator("#sidebar a", has_text="证书查询")
        assert_seen(item, "证书查询 in the menu")
        item.click()
        expect(self.root.locator("h1")).to_have_text("证书查询")

    def set_conditions(self, status_label, number_part):
        """状态 from its drop-down, a part of the 证书号 typed with the keyboard, then 查询 with the mouse."""
        self.condition("status").select_option(label=status_label)
        self.condition("cert_no").click()
        self.page.keyboard.type(number_part)
        button = self.root.locator("#query-button")
        assert_seen(button, "查询")
        button.click()

    def expect_conditions(self, status, number_part):
        expect(self.condition("status")).to_have_value(status)
        expect(self.condition("cert_no")).to_have_value(number_part)

    def tick(self, number):
        box = self.root.get_by_label(f"选择 {number}")
        assert_seen(box, f"the tick box of {number}")
        box.click()
        expect(box).to_be_checked()


def _shell_once(page):
    """One shell: one header, one menu, one tab strip (a page swapped into a part of the page brings its own)."""
    counts = {what: page.locator(what).count() for what in ("header, #header", "#sidebar", "#tabs")}
    assert counts == {"header, #header": 1, "#sidebar": 1, "#tabs": 1}, f"the shell is not on the page once: {counts}"


# ------------------------------------------------------------------ defect 5: 重置
def _reset(page, js, desk, shots):
    ids, numbers = desk
    q = Query(page, js)
    q.open_from_menu()
    expect(q.rows).to_have_count(4)
    q.set_conditions("暂存", _part(numbers))
    expect(q.rows).to_have_count(3)
    expect(q.root.locator("#results-table")).not_to_contain_text(numbers[3])
    q.expect_conditions("draft", _part(numbers))
    reset = q.root.locator("#reset-button")
    assert_seen(reset, "重置")
    reset.click()
    page.wait_for_load_state()
    expect(q.rows).to_have_count(4)
    _shell_once(page)
    expect(q.root.locator("h1")).to_have_count(1)
    expect(q.root.locator("h1")).to_have_text("证书查询")
    for name in ("cert_no", "status", "cert_type", "invoice", "destination", "goods", "creator"):
        expect(q.condition(name)).to_have_value("")
    expect(q.root.locator(".list-actions")).to_contain_text("共 4 票；")  # not "（按条件）"
    assert_seen(q.number_link(numbers[3]), "the 已申报 certificate, listed again")
    assert "status=" not in page.url and "cert_no=" not in page.url, page.url  # a reload keeps the list whole
    if js:
        assert tab_titles(page) == ["首页", "证书查询"]
    shots(page, "after-reset")
    # the page 重置 brought works as before: a new condition, 查询, the list follows (still in the one shell)
    q.set_conditions("暂存", "")
    page.wait_for_load_state()
    expect(q.rows).to_have_count(3)
    _shell_once(page)


def test_reset_empties_the_conditions_in_the_one_shell_with_js(page, browser_login, live_server, desk, shots):
    browser_login("clerk_a")
    _reset(page, True, desk, shots)


@NO_JS
def test_reset_empties_the_conditions_without_js(page, browser_login, live_server, desk, shots):
    browser_login("clerk_a")
    _reset(page, False, desk, shots)


# ------------------------------------------------------------------ defect 6: tabs, 打印, 删除 (JS on)
def _cert_tab(page, number):
    return page.locator("#tabs .tab", has_text=number)


def test_a_certificate_number_opens_its_own_tab_and_the_list_keeps_its_place(page, browser_login, live_server,
                                                                              desk, shots):
    ids, numbers = desk
    browser_login("clerk_a")
    q = Query(page, True)
    q.open_from_menu()
    q.set_conditions("暂存", _part(numbers))
    expect(q.rows).to_have_count(3)
    list_pane = page.locator(".pane.active")
    list_pane_id = list_pane.get_attribute("id")
    link = q.number_link(numbers[0])
    assert_seen(link, "the 证书号 in the list")
    link.click()
    # the certificate in a tab of its own, the active one
    expect(page.locator("#tabs .tab")).to_have_count(3)
    expect(page.locator("#tabs .tab.active")).to_contain_text(numbers[0])
    heading = page.locator(".pane.active h1")
    expect(heading).to_contain_text(numbers[0])
    assert_seen(heading, "the certificate's heading")
    assert page.locator(".pane.active").get_attribute("id") != list_pane_id, "the certificate replaced the list"
    expect(page.locator(f"#{list_pane_id}")).to_be_hidden()
    shots(page, "certificate-tab")
    # the 证书查询 tab is still the list, with its conditions and results
    page.locator("#tabs .tab a", has_text="证书查询").click()
    expect(q.root.locator("h1")).to_have_text("证书查询")
    q.expect_conditions("draft", _part(numbers))
    expect(q.rows).to_have_count(3)
    # the same 证书号 again: the same tab, no second one
    q.number_link(numbers[0]).click()
    expect(page.locator("#tabs .tab.active")).to_contain_text(numbers[0])
    expect(page.locator(".pane.active h1")).to_contain_text(numbers[0])
    assert tab_titles(page) == ["首页", "证书查询", numbers[0]], tab_titles(page)
    # the menu's 证书查询 shows the list (not the certificate that was opened from it)
    page.locator("#sidebar a", has_text="证书查询").click()
    expect(page.locator("#tabs .tab.active")).to_contain_text("证书查询")
    expect(q.root.locator("h1")).to_have_text("证书查询")
    q.expect_conditions("draft", _part(numbers))
    expect(q.rows).to_have_count(3)
    assert tab_titles(page) == ["首页", "证书查询", numbers[0]], tab_titles(page)
    shots(page, "list-kept")


def test_back_to_the_query_from_a_certificate_finds_the_list_as_it_was(page, browser_login, live_server, desk,
                                                                      shots):
    """返回证书查询 on a certificate opened from the list goes back to that list: its conditions and results, not a
    fresh list in place of the one the clerk had."""
    ids, numbers = desk
    browser_login("clerk_a")
    q = Query(page, True)
    q.open_from_menu()
    q.set_conditions("暂存", _part(numbers))
    expect(q.rows).to_have_count(3)
    q.number_link(numbers[0]).click()
    expect(page.locator(".pane.active h1")).to_contain_text(numbers[0])
    back = page.locator(".pane.active a", has_text="返回证书查询")
    assert_seen(back, "返回证书查询")
    back.click()
    page.wait_for_timeout(500)
    expect(page.locator("#tabs .tab.active")).to_contain_text("证书查询")
    expect(q.root.locator("h1")).to_have_text("证书查询")
    shots(page, "back-to-query")
    q.expect_conditions("draft", _part(numbers))
    expect(q.rows).to_have_count(3)
    assert tab_titles(page).count("证书查询") == 1, tab_titles(page)

def test_print_is_a_dialog_over_the_certificate_and_its_preview_stays_in_it(page, browser_login, live_server,
                                                                              app, make_certificate, cast, shots):
    cert_id = make_certificate(items=1)
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/{cert_id}")
    certificate = page.locator(".pane.active .certificate")
    expect(certificate).to_be_visible()
    titles = tab_titles(page)
    button = page.locator(".pane.active .cert-toolbar a", has_text="打印")
    assert_seen(button, "打印")
    button.click()
    dialog = page.locator("#modal .modal-box")
    expect(page.locator("#modal")).to_have_count(1)
    assert_seen(dialog, "the print dialog")
    expect(dialog).to_contain_text("请选择打印类型")
    expect(certificate).to_be_visible()  # the certificate is still there, under the dialog
    assert tab_titles(page) == titles
    preview = dialog.get_by_role("button", name="预览")
    assert_seen(preview, "预览 in the dialog")
    preview.click()
    frame = page.locator("#modal iframe")
    expect(frame).to_be_visible(timeout=20000)
    assert_seen(dialog, "the dialog, now with the preview")
    assert tab_titles(page) == titles, "the preview opened a tab"
    expect(certificate).to_be_visible()
    shots(page, "preview-in-dialog")
    page.keyboard.press("Escape")
    expect(page.locator("#modal")).to_have_count(0)
    assert_seen(page.locator(".pane.active .certificate h1"), "the certificate, once the dialog is closed")


def test_delete_from_the_list_comes_back_to_the_list_with_its_conditions(page, browser_login, live_server, desk,
                                                                         shots):
    ids, numbers = desk
    browser_login("clerk_a")
    asked = []  # issue 18: 删除 asked twice, a browser confirm and then the page; the page alone asks now
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    q = Query(page, True)
    q.open_from_menu()
    q.set_conditions("暂存", _part(numbers))
    expect(q.rows).to_have_count(3)
    q.tick(numbers[1])
    q.root.locator("#op-delete").click()
    expect(q.root.locator("#delete-confirm")).to_contain_text(numbers[1])
    confirm = q.root.locator("#confirm-delete")
    assert_seen(confirm, "确认删除")
    confirm.click()
    flash = q.root.locator(".flash-success")
    expect(flash).to_contain_text(f"证书 {numbers[1]} 已删除")
    assert_seen(flash.first, "the success message")
    assert asked == [], f"删除 asked again in a browser dialog: {asked}"
    expect(q.root.locator("h1")).to_have_text("证书查询")  # not a blank 新建 form
    expect(q.root.locator("form.cert-form")).to_have_count(0)
    q.expect_conditions("draft", _part(numbers))
    expect(q.rows).to_have_count(2)
    expect(q.root.locator("#results-table")).not_to_contain_text(numbers[1])
    assert tab_titles(page) == ["首页", "证书查询"], tab_titles(page)
    _shell_once(page)
    shots(page, "deleted-from-list")
    # the list it came back to is the list as before: a 证书号 opens its own tab, the list stays
    q.number_link(numbers[0]).click()
    expect(page.locator("#tabs .tab.active")).to_contain_text(numbers[0])
    assert tab_titles(page) == ["首页", "证书查询", numbers[0]], tab_titles(page)
    page.locator("#tabs .tab a", has_text="证书查询").click()
    q.expect_conditions("draft", _part(numbers))
    expect(q.rows).to_have_count(2)


def test_delete_from_the_certificate_page_goes_to_the_query(page, browser_login, live_server, desk, shots):
    ids, numbers = desk
    browser_login("clerk_a")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server}/certificates/{ids[2]}")
    root = page.locator(".pane.active")
    delete = root.locator(".cert-toolbar a", has_text="删除")
    assert_seen(delete, "删除")
    delete.click()
    expect(root.locator("#delete-confirm")).to_contain_text(numbers[2])
    root.locator("#confirm-delete").click()
    expect(root.locator(".flash-success")).to_contain_text(f"证书 {numbers[2]} 已删除")
    expect(root.locator("h1")).to_have_text("证书查询")
    expect(root.locator("form.cert-form")).to_have_count(0)
    expect(root.locator("#results-table a.cert-link")).to_have_count(3)
    expect(root.locator("#results-table")).not_to_contain_text(numbers[2])
    expect(page.locator("#tabs .tab.active")).to_contain_text("证书查询")
    _shell_once(page)
    shots(page, "deleted-from-certificate")


# ------------------------------------------------------------------ defect 6 without JS: plain links and pages
@NO_JS
def test_without_js_the_number_is_a_link_and_print_a_page(page, browser_login, live_server, desk, shots):
    ids, numbers = desk
    browser_login("clerk_a")
    q = Query(page, False)
    q.open_from_menu()
    link = q.number_link(numbers[0])
    assert link.evaluate("(el) => el.tagName") == "A"
    assert link.get_attribute("href") == f"/certificates/{ids[0]}/detail"
    assert link.get_attribute("target") in (None, "", "_self")
    link.click()
    page.wait_for_url(f"{live_server}/certificates/{ids[0]}/detail")
    expect(page.locator("h1")).to_contain_text(numbers[0])
    page.get_by_role("link", name="修改", exact=True).click()
    page.wait_for_url(f"{live_server}/certificates/{ids[0]}")
    button = page.locator(".cert-toolbar a", has_text="打印")
    assert_seen(button, "打印")
    button.click()
    expect(page.locator("h1")).to_contain_text("打印")
    expect(page.locator("#header")).to_have_count(1)
    page.get_by_role("button", name="预览").click()
    page.wait_for_load_state()
    expect(page.locator("iframe")).to_be_visible(timeout=20000)
    assert "/preview" in page.url, page.url
    shots(page, "print-page")


@NO_JS
def test_without_js_delete_returns_to_the_list_or_the_query(page, browser_login, live_server, desk, shots):
    ids, numbers = desk
    browser_login("clerk_a")
    q = Query(page, False)
    q.open_from_menu()
    q.set_conditions("暂存", _part(numbers))
    page.wait_for_load_state()
    expect(q.rows).to_have_count(3)
    q.tick(numbers[1])
    q.root.locator("#op-delete").click()
    expect(page.locator("#delete-confirm")).to_contain_text(numbers[1])
    page.locator("#confirm-delete").click()
    page.wait_for_load_state()
    expect(page.locator(".flash-success")).to_contain_text(f"证书 {numbers[1]} 已删除")
    expect(page.locator("h1")).to_have_text("证书查询")
    q.expect_conditions("draft", _part(numbers))
    expect(q.rows).to_have_count(2)
    assert re.search(r"/certificates\?.*status=draft", page.url), page.url
    shots(page, "deleted-from-list")
    # from the certificate's own page: 删除, 确认删除, then 证书查询
    page.goto(f"{live_server}/certificates/{ids[2]}")
    page.locator(".cert-toolbar a", has_text="删除").click()
    expect(page.locator("#delete-confirm")).to_contain_text(numbers[2])
    page.locator("#confirm-delete").click()
    page.wait_for_load_state()
    expect(page.locator(".flash-success")).to_contain_text(f"证书 {numbers[2]} 已删除")
    expect(page.locator("h1")).to_have_text("证书查询")
    expect(page.locator("form.cert-form")).to_have_count(0)
