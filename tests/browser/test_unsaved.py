"""Unsaved typing is never thrown away without a word (issue 12, defect 9): with JavaScript, 新建, a tab's ×,
关闭全部选项卡 and a row's 复制 (which replaces the goods section) ask first when something typed is not saved yet;
after a successful 暂存 nothing asks. Without JavaScript 新建 is a plain link (the browser's own page load)."""
import pytest
from playwright.sync_api import expect

from app.certificates.models import Certificate
from app.extensions import db
from tests.browser.person import CertScreen, Dialogs, assert_seen, tab_titles

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)


def _number(app, cert_id):
    with app.app_context():
        return db.session.get(Certificate, cert_id).cert_no


def _open(page, live_server, cert_id):
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, True)
    expect(s.basic).to_be_visible()
    return s


def _type(s, name, text, within=None):
    """Click into the field and type at the end of what it holds, as a clerk does."""
    control = s.control(name, within)
    assert_seen(control, name)
    control.click()
    s.page.keyboard.press("End")
    s.page.keyboard.type(text)
    return control


def _asked(page, dialogs, count, what):
    """The browser's confirm box came up (count of them so far), with the unsaved-input message."""
    for _ in range(30):
        if len(dialogs.seen) >= count:
            break
        page.wait_for_timeout(100)
    assert len(dialogs.seen) == count, f"{what}: no confirm box asked before the typing was thrown away " \
                                       f"(boxes so far: {dialogs.seen})"
    assert "尚未保存" in dialogs.seen[-1], dialogs.seen[-1]


def _not_asked(page, dialogs, count, what):
    page.wait_for_timeout(500)
    assert len(dialogs.seen) == count, f"{what}: a confirm box asked although nothing was unsaved: {dialogs.seen}"


def test_new_with_unsaved_typing_asks_and_cancel_keeps_it(page, browser_login, live_server, app, make_certificate,
                                                          shots):
    cert_id = make_certificate(items=1)
    number = _number(app, cert_id)
    browser_login("clerk_a")
    dialogs = Dialogs(page)
    s = _open(page, live_server, cert_id)
    importer = _type(s, "importer_name", " AG")
    new = s.root.locator(".cert-toolbar a", has_text="新建")
    assert_seen(new, "新建")
    new.click()  # answered 取消
    _asked(page, dialogs, 1, "新建")
    page.wait_for_timeout(300)
    expect(s.root.locator("h1")).to_contain_text(number)
    expect(importer).to_have_value("HANS GMBH AG")
    assert_seen(importer, "the typing, kept")
    shots(page, "new-cancelled")
    # the second time the clerk means it: 确定 → the blank form of the same type
    dialogs.answer(True)
    new.click()
    _asked(page, dialogs, 2, "新建 again")
    expect(s.root.locator("h1")).to_have_text("一般原产地证")
    expect(s.basic).to_have_attribute("action", "/certificates/new/C")
    expect(s.control("importer_name")).to_have_value("")
    expect(page.locator("#tabs .tab.active")).to_contain_text("新建")
    shots(page, "new-form")


def test_closing_a_tab_with_unsaved_typing_asks_and_after_a_save_does_not(page, browser_login, live_server, app,
                                                                         make_certificate, shots):
    cert_id = make_certificate(items=1)
    number = _number(app, cert_id)
    browser_login("clerk_a")
    dialogs = Dialogs(page)
    s = _open(page, live_server, cert_id)
    address = _type(s, "exporter_address", " (PUDONG)")
    titles = tab_titles(page)
    assert titles == ["首页", number], titles
    close = page.locator("#tabs .tab.active .tab-close")
    assert_seen(close, "the tab's ×")
    close.click()  # answered 取消
    _asked(page, dialogs, 1, "×")
    assert tab_titles(page) == titles
    expect(page.locator("#tabs .tab.active")).to_contain_text(number)
    expect(address).to_have_value("NO. 1 ZHONGSHAN ROAD, SHANGHAI, CHINA (PUDONG)")
    # 关闭全部选项卡 asks too
    page.locator("#tab-menu-button").click()
    close_all = page.locator("#tab-menu button", has_text="关闭全部选项卡")
    assert_seen(close_all, "关闭全部选项卡")
    close_all.click()  # answered 取消
    _asked(page, dialogs, 2, "关闭全部选项卡")
    assert tab_titles(page) == titles
    expect(address).to_have_value("NO. 1 ZHONGSHAN ROAD, SHANGHAI, CHINA (PUDONG)")
    shots(page, "close-cancelled")
    # 暂存, then × closes without a question
    s.save()
    expect(s.root.locator(".flash-success")).to_contain_text("已暂存")
    expect(s.control("exporter_address")).to_have_value("NO. 1 ZHONGSHAN ROAD, SHANGHAI, CHINA (PUDONG)")
    page.locator("#tabs .tab.active .tab-close").click()
    _not_asked(page, dialogs, 2, "× after 暂存")
    assert tab_titles(page) == ["首页"], tab_titles(page)
    with app.app_context():
        assert db.session.get(Certificate, cert_id).exporter_address.endswith("(PUDONG)")


def test_copying_a_row_with_unsaved_typing_in_the_goods_editor_asks(page, browser_login, live_server, app,
                                                                   make_certificate, shots):
    cert_id = make_certificate(items=2)
    browser_login("clerk_a")
    dialogs = Dialogs(page)
    s = _open(page, live_server, cert_id)
    s.tab("goods")
    rows = s.root.locator(".goods-table tbody tr[data-row-id], .goods-table tbody tr[id*='-row-']")
    expect(rows).to_have_count(2)
    name = _type(s, "name_en", "SOAP", s.goods_editor)
    copy = s.row("goods", 1).locator("button[value=copy]")
    assert_seen(copy, "复制 of row 1")
    copy.click()  # answered 取消
    _asked(page, dialogs, 1, "复制 of a row")
    page.wait_for_timeout(300)
    expect(rows).to_have_count(2)
    expect(name).to_have_value("SOAP")
    assert_seen(name, "the typing in the goods editor, kept")
    shots(page, "copy-cancelled")
    dialogs.answer(True)
    s.row("goods", 1).locator("button[value=copy]").click()
    _asked(page, dialogs, 2, "复制 again")
    expect(rows).to_have_count(3)
    expect(s.control("name_en", s.goods_editor)).to_have_value("")



def test_new_in_another_tab_does_not_drop_an_unsaved_new_form(page, browser_login, live_server, app,
                                                              make_certificate, shots):
    """A 新建 form of 中国-东盟 holds typing in its tab; in another tab the clerk presses 新建 on a saved 中国-东盟
    certificate. That new page is of the same kind (one tab per kind): the typing of the first tab must not vanish
    without a word — either a confirm box asks, or the typing is still there to be seen."""
    cert_id = make_certificate(cert_type="E", destination_country="VN")
    number = _number(app, cert_id)
    browser_login("clerk_a")
    dialogs = Dialogs(page)
    page.locator("#sidebar a", has_text="新建证书").click()
    page.locator(".pane.active #type-list a", has_text="中国-东盟").click()
    s = CertScreen(page, True)
    expect(s.basic).to_be_visible()
    _type(s, "exporter_name", "TYPED, NOT SAVED CO.")
    # the saved certificate from 证书查询, in its own tab
    page.locator("#sidebar a", has_text="证书查询").click()
    page.locator(".pane.active #results-table a.cert-link", has_text=number).click()
    page.locator(".pane.active").get_by_role("link", name="修改", exact=True).click()
    expect(s.root.locator("h1")).to_contain_text(number)
    assert "新建中国-东盟自贸区原产地证" in tab_titles(page), tab_titles(page)  # the typing is in its tab
    s.root.locator(".cert-toolbar a", has_text="新建").click()
    page.wait_for_timeout(1000)
    shots(page, "after-new")
    kept = page.locator(".pane form.cert-form input[name=exporter_name]").evaluate_all(
        "(inputs) => inputs.filter((i) => i.value === 'TYPED, NOT SAVED CO.').length")
    assert dialogs.seen or kept, \
        f"the unsaved 新建 form of the other tab was thrown away without a word (tabs now {tab_titles(page)})"
    if kept and not dialogs.seen:  # kept: the clerk can get at it
        page.locator("#tabs .tab a", has_text="新建中国-东盟自贸区原产地证").first.click()
        assert_seen(s.control("exporter_name"), "the kept typing")
        expect(s.control("exporter_name")).to_have_value("TYPED, NOT SAVED CO.")

@NO_JS
def test_without_js_new_is_a_plain_link(page, browser_login, live_server, app, make_certificate):
    cert_id = make_certificate(items=1)
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/{cert_id}")
    new = page.locator(".cert-toolbar a", has_text="新建")
    assert_seen(new, "新建")
    assert new.evaluate("(el) => el.tagName") == "A"
    assert new.get_attribute("href") == "/certificates/new/C"
    new.click()
    page.wait_for_url(f"{live_server}/certificates/new/C")
    expect(page.locator("h1")).to_have_text("一般原产地证")
