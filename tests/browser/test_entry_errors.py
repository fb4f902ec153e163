"""What a clerk sees when something is wrong (issue 12, defects 2–4), JavaScript on and off:
- after a goods row is saved the editor for the next row is empty (it never carries the last description);
- every 申报 problem is marked on its own field, on every tab, the tab shows a mark, the list links focus the field;
- a refused 暂存 from the top of the page lists the errors at the top and puts the keyboard on the first bad field."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.certificates.models import Certificate
from app.extensions import db
from tests.browser.person import CertScreen, assert_focused, assert_marked_in_error, assert_seen, geometry

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)


def _open(page, live_server, cert_id, js):
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, js)
    expect(s.basic).to_be_visible()
    return s


def _fill_row(s, name_en, count, describe=True):
    editor = s.goods_editor
    s.fill("hs_code", "9603.21", editor)
    if s.js:
        s.page.keyboard.press("Escape")
    s.fill("name_cn", "牙刷", editor)
    s.fill("name_en", name_en, editor)
    s.fill("quantity", "100", editor)
    s.fill("package_count", count, editor)
    s.lookup("quantity_unit", "PCS", "PCS", editor)
    s.lookup("package_unit", "CTNS", "CTNS", editor)
    if describe:
        s.generate("description", editor)
        expect(s.control("description", s.goods_editor)).to_have_value(re.compile(name_en))
    s.click("button[name=action][value=save]", s.goods_editor)


def _next_row_editor_is_empty(page, live_server, app, make_certificate, js):
    cert_id = make_certificate(items=0)
    s = _open(page, live_server, cert_id, js)
    s.tab("goods")
    _fill_row(s, "TOOTHBRUSH", "2000")
    expect(s.row("goods", 1)).to_contain_text("TWO THOUSAND (2000) CTNS OF TOOTHBRUSH")
    editor = s.goods_editor
    expect(editor.locator("h3")).to_have_text("新增货物（第 2 项）")
    expect(s.control("description", editor)).to_have_value("")
    expect(s.control("name_en", editor)).to_have_value("")
    # the second row saved without 生成 does not inherit the first row's description
    _fill_row(s, "TOOTHPASTE", "150", describe=False)
    expect(s.row("goods", 2)).to_contain_text("TOOTHPASTE")
    expect(s.row("goods", 2).locator("td.description")).to_have_text("")
    with app.app_context():
        items = db.session.get(Certificate, cert_id).items
        assert [i.description for i in items] == ["TWO THOUSAND (2000) CTNS OF TOOTHBRUSH", None]


def test_the_next_row_editor_is_empty_after_a_save_with_js(page, browser_login, live_server, app, cast,
                                                          make_certificate):
    browser_login("clerk_a")
    _next_row_editor_is_empty(page, live_server, app, make_certificate, True)


@NO_JS
def test_the_next_row_editor_is_empty_after_a_save_without_js(page, browser_login, live_server, app, cast,
                                                             make_certificate):
    browser_login("clerk_a")
    _next_row_editor_is_empty(page, live_server, app, make_certificate, False)


def _problems_marked_on_every_tab(page, live_server, app, make_certificate, js, shots):
    cert_id = make_certificate(items=2)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        cert.items[1].net_weight = 5000  # more than the gross weight
        cert.importer_name = None
        db.session.commit()
    s = _open(page, live_server, cert_id, js)
    s.declare()
    expect(s.summary).to_contain_text("请填写收货人（进口商）名称")
    expect(s.summary).to_contain_text("第 2 项：净重不能大于毛重")
    if js:  # each tab holding an error shows a mark with the count
        basic_tab = s.root.locator(".cert-tabs [data-cert-tab=basic] .tab-mark")
        goods_tab = s.root.locator(".cert-tabs [data-cert-tab=goods] .tab-mark")
        assert_seen(basic_tab, "mark on 基本信息")
        expect(basic_tab).to_have_text("1")
        assert_seen(goods_tab, "mark on 货物信息")
        expect(goods_tab).to_have_text("1")
    assert_marked_in_error(page, s.control("importer_name"), "请填写收货人（进口商）名称")
    shots(page, "basic-marked")
    # the goods problem: its link opens the goods tab, row 2 is open in its place with the field marked
    s.summary.locator("a", has_text="净重不能大于毛重").click()
    editor = s.root.locator("tr.editing form.goods-editor")
    expect(editor).to_have_count(1)
    expect(editor.locator("h3")).to_have_text("编辑第 2 项货物")
    net = s.control("net_weight", editor)
    assert_marked_in_error(page, net, "净重不能大于毛重")
    if js:
        expect(net).to_be_focused()
        expect(s.basic).to_be_hidden()  # the goods tab is showing
    shots(page, "goods-marked")
    # corrected and saved in place: the row closes, the mark goes with it
    net.fill("900")
    s.click("button[name=action][value=save]", editor)
    expect(s.root.locator("tr.editing")).to_have_count(0)
    expect(s.row("goods", 2)).to_contain_text("1200 / 900 KGS")


def test_declare_problems_are_marked_on_their_fields_with_js(page, browser_login, live_server, app, cast,
                                                             make_certificate, shots):
    browser_login("clerk_a")
    _problems_marked_on_every_tab(page, live_server, app, make_certificate, True, shots)


@NO_JS
def test_declare_problems_are_marked_on_their_fields_without_js(page, browser_login, live_server, app, cast,
                                                                make_certificate, shots):
    browser_login("clerk_a")
    _problems_marked_on_every_tab(page, live_server, app, make_certificate, False, shots)


def _refused_save_from_the_top(page, live_server, app, make_certificate, js, shots):
    cert_id = make_certificate(items=1)
    s = _open(page, live_server, cert_id, js)
    marks = s.control("marks")
    marks.fill("AS PER INVOICE")
    page.evaluate("() => window.scrollTo(0, 0)")
    s.save()  # the 暂存 at the top; 唛头 is far below the fold
    expect(s.summary).to_contain_text("唛头不能填写 AS PER INVOICE")
    expect(s.summary).to_contain_text("尚未保存")
    marks = s.control("marks")
    assert_focused(marks)
    assert_seen(marks, "the first bad field, on screen")
    assert_marked_in_error(page, marks, "唛头不能填写 AS PER INVOICE")
    expect(marks).to_have_value("AS PER INVOICE")  # what was typed is kept
    shots(page, "refused-save")
    # the summary link brings the field back into view (and with JS puts the keyboard on it)
    page.evaluate("() => window.scrollTo(0, 0)")
    s.summary.locator("a", has_text="唛头").click()
    if js:
        assert_focused(s.control("marks"))
    page.wait_for_timeout(200)
    assert geometry(s.control("marks"))["inside"], "the link did not bring the field into view"
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.marks).where(Certificate.id == cert_id)) == "N/M"


def test_a_refused_save_shows_the_errors_and_lands_on_the_field_with_js(page, browser_login, live_server, app, cast,
                                                                        make_certificate, shots):
    browser_login("clerk_a")
    _refused_save_from_the_top(page, live_server, app, make_certificate, True, shots)


@NO_JS
def test_a_refused_save_shows_the_errors_and_lands_on_the_field_without_js(page, browser_login, live_server, app,
                                                                           cast, make_certificate, shots):
    browser_login("clerk_a")
    _refused_save_from_the_top(page, live_server, app, make_certificate, False, shots)
