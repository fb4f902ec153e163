"""Issue 15 in Chromium, JavaScript on and off, as a clerk and an enterprise admin work it: 新建证书 offers the types in
force for a destination on a date (and says why not for the rest), an RCEP certificate to Japan with a CTC and an RVC
row declared (and refused without 申请人承诺, nothing lost), and an approved exporter's 原产地声明 to Switzerland from
the approval registered on 经核准出口商 to its 23-character 声明编号 in 证书查询."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.person import CertScreen, HeldRequest, assert_focused, assert_seen, geometry
from tests.browser.test_certificate_flow import BASIC_TEXT, LOOKUPS

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}


def both_sizes(page: Page, shots, name: str) -> None:
    """The page as it is now, at a desktop's size and a phone's (then back to the desktop)."""
    page.evaluate("() => window.scrollTo(0, 0)")
    page.set_viewport_size(DESKTOP)
    shots(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(150)
    shots(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(150)


def _reddish(css: str) -> bool:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return r > 150 and g < 90 and b < 90


# ---------------------------------------------------------------- 新建证书: the types for a destination on a date
class Chooser:
    """新建证书 as a person uses it: pick 目的地国家/地区, type 申请日期; with JS the list follows at once, without
    JS 查看可用的证书类型 reloads the page."""

    def __init__(self, page: Page, js: bool):
        self.page, self.js = page, js

    @property
    def root(self):
        return self.page.locator(".pane.active") if self.js else self.page.locator("body")

    @property
    def form(self):
        return self.root.locator("#choose-type-form")

    @property
    def offers(self):
        return self.root.locator("#type-offers")

    def open(self) -> None:
        self.page.click("#sidebar >> text=新建证书")
        expect(self.form).to_be_visible()

    def choose(self, destination_label: str, on: str) -> None:
        """目的地 from the drop-down (its text as a person reads it), then the date typed in."""
        summary = self.offers.locator("#type-offers-summary")
        select = self.form.locator("select[name=destination]")
        assert_seen(select, "目的地国家/地区")
        value = select.locator("option", has_text=destination_label).first.get_attribute("value")
        select.select_option(value)
        date = self.form.locator("input[name=on]")
        assert_seen(date, "申请日期")
        if date.input_value() != on:
            date.fill(on)  # (sends `change`: with JS the list follows)
        if not self.js:
            button = self.form.locator("#choose-type-button")
            assert_seen(button, "查看可用的证书类型")
            button.click()
            self.page.wait_for_load_state()
        expect(summary).to_contain_text(f"（{value}），申请日期 {on}")
        if self.js:
            self.settled()

    def settled(self) -> None:
        """The list a person reads is the last one: no answer swaps it again within half a second."""
        for _ in range(20):
            shown = self.offers.element_handle()
            self.page.wait_for_timeout(500)
            if shown.evaluate("(el) => el.isConnected"):
                return
        raise AssertionError("the list of types keeps changing")

    def offered(self, code: str):
        return self.offers.locator(f"#new-type-{code}")

    def refused(self, code: str):
        return self.offers.locator(f"#refused-type-{code}")

    def assert_offered(self, code: str) -> None:
        assert_seen(self.offered(code), f"offer {code}")
        expect(self.refused(code)).to_have_count(0)

    def assert_refused(self, code: str, reason: str) -> None:
        expect(self.offered(code)).to_have_count(0)
        item = self.refused(code)
        expect(item.locator(".reason")).to_contain_text(reason)
        # the refused list is open when a destination is chosen: the reason is there to be read
        expect(self.offers.locator("details#type-refused")).to_have_attribute("open", "")
        assert_seen(item, f"refused {code}")


def _chooser(page, js, shots):
    c = Chooser(page, js)
    c.open()
    c.choose("印度尼西亚", "2022-12-30")
    c.assert_refused("RC", "2023-01-02")
    both_sizes(page, shots, "indonesia-2022-12-30")
    c.choose("印度尼西亚", "2023-01-02")
    c.assert_offered("RC")
    c.choose("德国", "2026-12-01")
    c.assert_refused("G", "挪威")
    both_sizes(page, shots, "germany")
    c.choose("挪威", "2026-12-01")
    c.assert_offered("G")
    both_sizes(page, shots, "norway")
    return c


def test_new_certificate_offers_the_types_in_force_with_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    c = _chooser(page, True, shots)
    # A slow answer: the date is changed while the list for the new destination is still on its way. The list
    # shown at the end is the one for what the form says now (destination and date), not for the first change.
    select, date = c.form.locator("select[name=destination]"), c.form.locator("input[name=on]")
    held = HeldRequest(page, "GET", r"^/certificates/new$")
    select.select_option("ID")
    held.wait()
    date.fill("2022-12-30")
    page.wait_for_timeout(300)
    held.release()
    expect(c.offers.locator("#type-offers-summary")).to_contain_text("（ID），申请日期")
    page.wait_for_timeout(1000)
    expect(c.offers.locator("#type-offers-summary")).to_contain_text("（ID），申请日期 2022-12-30")
    c.assert_refused("RC", "2023-01-02")


@NO_JS
def test_new_certificate_offers_the_types_in_force_without_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    _chooser(page, False, shots)


# ---------------------------------------------------------------- RCEP原产地证书 to Japan
JP_LOOKUPS = [(name, *(("JPTYO", "JPTYO") if name == "port_of_discharge" else rest))
              for name, *rest in LOOKUPS if name != "destination_country"]
# (HS, 中文名, English name, 件数, 原产地标准, 辅助项, 金额 USD, RCEP原产国 typed with JS, its code)
RCEP_ROWS = [("9603.21", "牙刷", "TOOTHBRUSH", "2000", "CTC", "", "", "中国", "CN"),
             ("3306.10", "牙膏", "TOOTHPASTE", "150", "RVC", "45%", "5000", "日本", "JP")]


def _rcep_row(s: CertScreen, hs, name_cn, name_en, count, criterion, aux, amount, country_typed, country) -> None:
    editor = s.goods_editor
    assert_seen(s.box("criterion_extra", editor), "附加标准")  # the third criterion field, for ACU / DMI
    s.fill("hs_code", hs, editor)
    if s.js:
        s.page.keyboard.press("Escape")  # the HS list opened as the code was typed
    s.fill("name_cn", name_cn, editor)
    s.fill("name_en", name_en, editor)
    s.fill("quantity", str(int(count) * 10), editor)
    s.fill("package_count", count, editor)
    s.lookup("quantity_unit", "PCS", "PCS", editor)
    s.lookup("package_unit", "CTNS", "CTNS", editor)
    s.lookup("origin_criterion", criterion, criterion, editor)
    if aux:
        s.fill("criterion_aux", aux, editor)
    if amount:
        s.fill("amount", amount, editor)
        s.lookup("currency", "USD", "USD", editor)
    s.lookup("origin_country", country_typed, country, editor)
    s.generate("description", editor)
    s.click("button[name=action][value=save]", s.goods_editor)
    expect(s.root.locator(".goods-table")).to_contain_text(name_en)


def _rcep_to_japan(page, js, shots):
    c = Chooser(page, js)
    c.open()
    c.choose("日本", "2026-12-01")
    c.offered("RC").click()
    page.wait_for_load_state()
    s = CertScreen(page, js)
    expect(s.basic).to_be_visible()
    destination = s.control("destination_country")
    expect(destination).to_have_value(re.compile(r"JP|日本"))
    assert_seen(destination, "目的地")
    for name, value in BASIC_TEXT.items():
        s.fill(name, value)
    for args in JP_LOOKUPS:
        s.lookup(*args)
    s.generate("transport_details", s.basic)
    expect(s.control("transport_details")).to_have_value(re.compile(r"^FROM SHANGHAI, CHINA TO TOKYO"))
    s.save()
    expect(s.root.locator(".flash-success")).to_contain_text("已暂存，证书号 ")
    s.tab("goods")
    for row in RCEP_ROWS:
        _rcep_row(s, *row)
    rows = s.root.locator(".goods-table tbody tr[data-row-id]")
    expect(rows).to_have_count(2)
    expect(s.row("goods", 1)).to_contain_text(re.compile(r"CTC\s*（CN）"))  # the criterion and box 11's country
    expect(s.row("goods", 2)).to_contain_text(re.compile(r"RVC\s*45%\s*（JP）"))
    expect(s.row("goods", 2)).to_contain_text("USD 5000")
    both_sizes(page, shots, "rcep-goods")
    # 申报 without 申请人承诺: said beside the box, the keyboard on it, nothing lost (the remark just typed, the rows)
    s.tab("basic")
    s.fill("remarks", "KEPT AS TYPED")
    s.declare(undertaking=False)
    box = s.basic.locator("input[name=undertaking]")
    _assert_undertaking_refused(page, s, box)
    expect(s.control("remarks")).to_have_value("KEPT AS TYPED")
    expect(s.control("destination_country")).to_have_value(re.compile(r"JP|日本"))
    expect(box).not_to_be_checked()
    both_sizes(page, shots, "rcep-no-undertaking")
    s.tab("goods")
    expect(rows).to_have_count(2)
    s.tab("basic")
    s.declare()
    _declared(s)
    expect(s.root.locator(".live-cert-status")).to_have_text("已申报")
    both_sizes(page, shots, "rcep-declared")


def _declared(s: CertScreen) -> str:
    """申报 went through: the success message (read at once: what it says), else the problems listed fail the test."""
    flash = s.root.locator(".flash-success", has_text="申报成功")
    try:
        expect(flash).to_be_visible()
    except AssertionError:
        listed = s.summary.all_inner_texts()
        raise AssertionError(f"no 申报成功; the page lists: {listed}") from None
    said = flash.inner_text()
    assert_seen(flash, "申报成功")
    return said


def _assert_undertaking_refused(page, s: CertScreen, box) -> None:
    """The problem is said beside the 申请人承诺 box, in red; the box is marked invalid, seen and focused."""
    expect(s.summary).to_contain_text("申请人承诺")
    assert_seen(box, "申请人承诺 box")
    expect(box).to_have_attribute("aria-invalid", "true")
    message = s.basic.locator("[data-field=undertaking] .field-error")
    expect(message).to_be_visible()
    assert message.get_attribute("id") in (box.get_attribute("aria-describedby") or "").split(), \
        "the message is not what the box is described by"
    assert_seen(message, "the undertaking message")
    assert _reddish(message.evaluate("(el) => getComputedStyle(el).color")), "the message is not red"
    near, b = geometry(message), geometry(box)
    assert abs(near["top"] - b["top"]) < 60, f"the message is not beside the box: {near} / {b}"
    assert_focused(box)


def test_rcep_to_japan_with_ctc_and_rvc_rows_is_declared_with_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    _rcep_to_japan(page, True, shots)


@NO_JS
def test_rcep_to_japan_with_ctc_and_rvc_rows_is_declared_without_js(page, browser_login, live_server, cast, shots):
    browser_login("clerk_a")
    _rcep_to_japan(page, False, shots)


# ---------------------------------------------------------------- 原产地声明 by an approved exporter, to Switzerland
APPROVAL = "CH3100AE01"
VS_NAME = "中国-瑞士自贸区原产地声明"


def _register_approval(page, js, shots) -> None:
    """The enterprise admin registers the approval on 经核准出口商 (the menu item)."""
    page.click("#sidebar >> text=经核准出口商")
    root = page.locator(".pane.active") if js else page.locator("body")
    form = root.locator("#ae-new-form")
    expect(form).to_be_visible()
    number = form.locator("input[name=approval_no]")
    assert_seen(number, "核准出口商编号")
    number.click()
    page.keyboard.type(APPROVAL)
    swiss = form.get_by_label("中国-瑞士自由贸易协定")
    assert_seen(swiss, "中国-瑞士自由贸易协定 box")
    swiss.click()
    expect(swiss).to_be_checked()
    for name, value in (("valid_from", "2026-01-01"), ("valid_until", "2027-12-31")):
        date = form.locator(f"input[name={name}]")
        assert_seen(date, name)
        date.fill(value)
    both_sizes(page, shots, "approval-form")
    button = form.locator("#ae-new-submit")
    assert_seen(button, "登记")
    button.click()
    page.wait_for_load_state()
    expect(root.locator(".flash-success")).to_contain_text(f"核准出口商编号 {APPROVAL} 已登记")
    row = root.locator("#approved-exporter-table tbody tr", has_text=APPROVAL)
    expect(row).to_contain_text("中国-瑞士自由贸易协定")
    expect(row).to_contain_text("2027-12-31")
    assert_seen(row, "the approval's row")
    both_sizes(page, shots, "approval-registered")


def _log_out(page) -> None:
    button = page.locator("#logout")
    assert_seen(button, "退出")
    button.click()
    page.wait_for_load_state()
    expect(page.locator("#login-button")).to_be_visible()


def _swiss_declaration(page, js, shots) -> str:
    c = Chooser(page, js)
    c.open()
    c.choose("瑞士", "2026-12-01")
    c.assert_offered("VS")
    both_sizes(page, shots, "switzerland-offers")
    c.offered("VS").click()
    page.wait_for_load_state()
    s = CertScreen(page, js)
    expect(s.basic).to_be_visible()
    expect(s.control("destination_country")).to_have_value(re.compile(r"CH|瑞士"))
    for name in ("exporter_name", "exporter_address", "importer_name", "importer_address", "invoice_no",
                 "invoice_date"):
        s.fill(name, {"importer_name": "ALPEN AG", "importer_address": "1 BAHNHOFSTRASSE, ZURICH, SWITZERLAND"}.get(
            name, BASIC_TEXT[name]))
    s.lookup("issuing_authority", "上海海关", "2200")
    for gone in ("port_of_loading", "transport_details", "marks"):  # a declaration is printed on the invoice
        expect(s.box(gone)).to_have_count(0)
    both_sizes(page, shots, "declaration-form")
    s.save()
    expect(s.root.locator(".flash-success")).to_contain_text("已暂存")
    s.tab("goods")
    editor = s.goods_editor
    s.fill("hs_code", "9603.21", editor)
    if js:
        page.keyboard.press("Escape")
    s.fill("name_cn", "牙刷", editor)
    s.fill("name_en", "TOOTHBRUSH", editor)
    s.fill("quantity", "20000", editor)
    s.fill("package_count", "2000", editor)
    s.lookup("quantity_unit", "PCS", "PCS", editor)
    s.lookup("package_unit", "CTNS", "CTNS", editor)
    s.lookup("origin_criterion", "WO", "WO", editor)
    s.generate("description", editor)
    s.click("button[name=action][value=save]", s.goods_editor)
    expect(s.root.locator(".goods-table")).to_contain_text("TOOTHBRUSH")
    s.tab("basic")
    s.declare()
    said = _declared(s)
    both_sizes(page, shots, "declaration-declared")
    # the message names the declaration by its 声明编号 and gives the 申报编号 the list links by
    match = re.search(rf"原产地声明 ({APPROVAL}\d{{13}})（申报编号 (\S+)）已申报", said)
    assert match, said
    return match.group(2)


def _listed(page, js, shots, number: str) -> None:
    """证书查询 lists the declaration with its type's name and its 23-character 声明编号."""
    page.click("#sidebar >> text=证书查询")
    root = page.locator(".pane.active") if js else page.locator("body")
    row = root.locator("tr", has=page.locator(f"a.cert-link:text-is('{number}')"))
    expect(row).to_have_count(1)
    assert_seen(row, "the declaration's row")
    expect(row).to_contain_text(VS_NAME)
    serial = row.locator(".declaration-no")
    assert_seen(serial, "声明编号")
    match = re.fullmatch(r"声明编号 (\S+)", serial.inner_text().strip())
    assert match, serial.inner_text()
    assert len(match.group(1)) == 23 and match.group(1).startswith(APPROVAL), match.group(1)
    both_sizes(page, shots, "declaration-listed")


def _approved_exporter_declares(page, js, browser_login, shots) -> None:
    browser_login("admin_a")
    _register_approval(page, js, shots)
    _log_out(page)
    browser_login("clerk_a")
    number = _swiss_declaration(page, js, shots)
    _listed(page, js, shots, number)


def test_an_approved_exporter_declares_to_switzerland_with_js(page, browser_login, live_server, cast, shots):
    _approved_exporter_declares(page, True, browser_login, shots)


@NO_JS
def test_an_approved_exporter_declares_to_switzerland_without_js(page, browser_login, live_server, cast, shots):
    _approved_exporter_declares(page, False, browser_login, shots)


# ---------------------------------------------------------------- DEFECT found while writing these tests
def test_a_declared_certificate_stays_in_its_tab_while_waiting_for_the_authority(page, browser_login, live_server,
                                                                                cast, make_certificate):
    cert_id = make_certificate(items=1)
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, True)
    expect(s.basic).to_be_visible()
    s.declare()
    _declared(s)
    heading = page.locator("h1", has_text="一般原产地证")
    page.wait_for_timeout(3000)  # a person reads the message; the status block polls meanwhile
    expect(s.root.locator(".flash-success", has_text="申报成功")).to_be_visible()
    expect(page.locator("#panes > :not(.pane)")).to_have_count(0)
    page.locator("#tabs .tab", has_text="首页").click()
    expect(page.locator(".pane.active h1")).to_contain_text("欢迎")
    expect(heading).to_be_hidden()  # the certificate belongs to its own tab, not under the home page


@pytest.fixture
def swiss_draft(app, cast, make_certificate):
    """Enterprise A approved for 中国-瑞士自由贸易协定 (2026–2027) and a draft 中国-瑞士自贸区原产地声明 with one WO row."""
    from datetime import date

    from werkzeug.datastructures import MultiDict

    from app.accounts.approved_exporters import add
    from app.accounts.models import Enterprise, User
    from app.certificates import services
    from app.certificates.entry_forms import goods_form_class
    from app.certificates.models import Certificate
    from app.certificates.types import TYPES
    from app.extensions import db
    from tests.support import GOODS_ROW

    with app.app_context():
        add(db.session.get(Enterprise, cast.ent_a), approval_no=APPROVAL, agreements=["S"],
            valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31), actor=db.session.get(User, cast.admin_a))
        db.session.commit()
    cert_id = make_certificate(items=0, cert_type="VS")
    with app.test_request_context("/"), app.app_context():
        goods = goods_form_class(TYPES["VS"])(formdata=MultiDict({**GOODS_ROW, "origin_criterion": "WO"}),
                                              meta={"csrf": False})
        assert goods.validate(), goods.errors
        services.add_item(db.session.get(Certificate, cert_id), goods.data)
        db.session.commit()
    return cert_id


@NO_JS
def test_the_declaration_page_shows_its_declaration_number_after_declare(page, browser_login, live_server,
                                                                         swiss_draft):
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/{swiss_draft}")
    s = CertScreen(page, False)
    s.declare()
    _declared(s)
    number = page.get_by_text(re.compile(rf"声明编号\s*{APPROVAL}\d{{13}}"))
    expect(number.first).to_be_visible()  # in the heading, and in the table of the declared data
    assert_seen(number.first, "声明编号")


def test_on_a_phone_each_agreement_box_is_on_the_line_of_its_label(page, browser_login, live_server, cast):
    browser_login("admin_a")
    page.set_viewport_size(PHONE)
    page.click("#sidebar >> text=经核准出口商")
    form = page.locator(".pane.active #ae-new-form")
    swiss = form.get_by_label("中国-瑞士自由贸易协定")
    label = form.locator("label", has_text="中国-瑞士自由贸易协定")
    box, text = assert_seen(swiss, "the box"), assert_seen(label, "its label")
    assert text["left"] >= box["right"] and abs(text["top"] - box["top"]) < box["height"], \
        f"the label is not beside its box: box {box}, label {text}"


def test_choosing_a_destination_leaves_the_browser_history_alone(page, browser_login, live_server, cast):
    """Like every page in a tab, the list of types follows the choice without adding to the browser's history: Back
    is not a way to step through earlier choices here, and it must not reload the shell over the other tabs (today
    it does, after a 'leave site?' question, and the other tab's unsaved typing is gone)."""
    browser_login("clerk_a")
    c = Chooser(page, True)
    c.open()
    before = page.evaluate("() => history.length")
    c.choose("德国", "2026-12-01")
    c.choose("挪威", "2026-12-01")
    assert page.evaluate("() => history.length") == before, "choosing a destination added browser history entries"
