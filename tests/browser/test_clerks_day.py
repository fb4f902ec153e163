"""A clerk's working day, from blank certificates to 审核通过, as a person does it (issue 12): ten certificates of
four types (一般原产地证, 中国-韩国, 中国-东盟, 中国-亚太), one returned by the officer and declared again, one changed
after issue (更改证), five repeat shipments copied (复制) from the first, printing, and 证书查询 — once with JavaScript picking every ▼ value with the mouse, once with the
keyboard only for the picks, and once with JavaScript off. The officer reviews on 审核工作台 in between."""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.accounts.models import User
from app.certificates.initial_values import get_or_new, save as save_initial_values
from app.extensions import db
from app.settings.models import SystemSetting
from tests.browser.person import CertScreen, assert_seen, pick_with_keyboard, pick_with_mouse

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)


@pytest.fixture
def firm(app, cast):
    """Enterprise A as a firm has it set up: 初始值设置 filled in, 中国-韩国 certificates reviewed by hand."""
    with app.app_context():
        row = get_or_new(cast.ent_a)
        save_initial_values(row, {
            "issuing_authority": "3100", "collecting_authority": "3100", "trade_mode": "0110",
            "exporter_name": "JIA TRADING CO., LTD.", "exporter_address": "NO. 1 ZHONGSHAN ROAD, NINGBO, CHINA",
            "transport_mode": "2", "port_of_loading": "CNNGB", "marks": "N/M", "currency": "USD",
            "quantity_unit": "PCS", "package_unit": "CTNS", "weight_unit": "KGS"}, db.session.get(User, cast.admin_a))
        db.session.merge(SystemSetting(key="authority.auto_review_types", value='"C,E,B"'))
        db.session.commit()


class Day:
    def __init__(self, page, live_server, browser_login, mode):
        self.page, self.live_server, self.login, self.mode = page, live_server, browser_login, mode
        self.js = mode != "nojs"
        page.on("dialog", lambda dialog: dialog.accept())

    @property
    def root(self):
        return self.page.locator(".pane.active") if self.js else self.page.locator("body")

    def pick(self, s, name, typed, option, code, within=None):
        """A ▼ field: with the mouse (▼ or typing, then a click on the option), the keyboard, or without JS."""
        control = s.control(name, within)
        if self.mode == "mouse":
            short = control.evaluate("(el) => el.classList.contains('lookup-input')")
            pick_with_mouse(self.page, control, option, None if short else typed)
        elif self.mode == "keyboard":
            pick_with_keyboard(self.page, control, typed)
        elif control.evaluate("(el) => el.tagName") == "SELECT":
            control.select_option(code)
        else:
            control.fill(code)
        expect(control).to_have_value(re.compile("^" + re.escape(code)))

    def new(self, type_name, importer, invoice, destination=None, discharge=("hamburg", "汉堡", "DEHAM")):
        s = CertScreen(self.page, self.js)
        self.page.click("#sidebar >> text=新建证书")
        s.click(f"#type-list a:has-text('{type_name}')")
        expect(s.basic).to_be_visible()
        expect(s.control("exporter_name")).to_have_value("JIA TRADING CO., LTD.")  # from 初始值设置
        s.fill("importer_name", importer[0])
        s.fill("importer_address", importer[1])
        s.fill("invoice_no", invoice)
        s.fill("invoice_date", "2026-11-18")
        if destination:
            self.pick(s, "destination_country", *destination)
        self.pick(s, "port_of_discharge", *discharge)
        s.generate("transport_details", s.basic)
        expect(s.control("transport_details")).to_have_value(re.compile(r"^FROM NINGBO, CHINA TO "))
        s.save()
        expect(s.root.locator(".flash-success")).to_contain_text("已暂存，证书号")
        return s

    def goods(self, s, hs, name_cn, name_en, count, criterion=None, amount=None):
        s.tab("goods")
        editor = s.goods_editor
        s.fill("hs_code", hs, editor)
        if self.js:
            self.page.keyboard.press("Escape")
        s.fill("name_cn", name_cn, editor)
        s.fill("name_en", name_en, editor)
        s.fill("quantity", str(int(count) * 10), editor)
        s.fill("package_count", count, editor)
        s.fill("gross_weight", "120", editor)
        s.fill("net_weight", "100", editor)
        if amount:
            s.fill("amount", amount, editor)
        if criterion:
            self.pick(s, "origin_criterion", criterion[0], criterion[1], criterion[0], editor)
        s.generate("description", editor)
        s.click("button[name=action][value=save]", s.goods_editor)
        expect(s.root.locator(".goods-table tbody")).to_contain_text(name_en)
        expect(s.control("description", s.goods_editor)).to_have_value("")  # the next row starts empty
        s.tab("basic")

    def declare(self, s, expect_problems=None):
        s.declare()
        if expect_problems:
            expect(s.summary).to_contain_text(expect_problems)
            return None
        expect(self.root.locator(".flash-success").first).to_contain_text("申报成功")
        return re.search(r"[A-Z]\d{15}", self.root.locator(".flash-success").first.inner_text()).group(0)

    def fetch(self, status):
        """获取回执 until the authority's answer shows."""
        self.root.locator("button[id$='-fetch-receipts']").click()
        # the authority answers within the request; on a loaded machine (two CI runs side by side) that took over
        # 10 s: a person waits for the answer as long as it takes to come
        expect(self.root.locator(".live-cert-status")).to_have_text(status, timeout=30000)

    def as_officer(self, cert_no, action, reason=""):
        self.page.click("#logout")
        self.page.wait_for_url("**/login*")
        self.login("officer_sh")
        root = self.page.locator(".pane.active") if self.js else self.page.locator("body")
        self.page.click("#sidebar >> text=审核工作台")
        root.locator(f"#queue-table a:has-text('{cert_no}')").click()
        if action == "return":
            root.locator("#reason").fill(reason)
            root.locator("#return-button").click()
            expect(root.locator("#declaration-status")).to_contain_text("退证")
        else:
            root.locator("#approve-button").click()
            expect(root.locator("#declaration-status")).to_contain_text("审核通过")
        self.page.click("#logout")
        self.page.wait_for_url("**/login*")
        self.login("clerk_a")

    def open(self, cert_no):
        """证书查询 by number, 获取回执 on it from the list, then the certificate (its own tab with JS)."""
        self.page.click("#sidebar >> text=证书查询")
        root = self.root
        query(self.page, root, cert_no)
        root.locator("input[name=ids]").first.check()
        root.locator("#op-fetch").click()
        expect(self.root.locator(".flash-success").first).to_contain_text("获取回执")
        self.root.locator(".cert-link").first.click()
        expect(self.root.locator("h1")).to_contain_text(cert_no)


def query(page, root, cert_no):
    """证书查询 by number: a person ticks a row once the list shows the number asked for (the list of the query
    before stays on screen until the answer comes, and may hold one row too)."""
    root.locator("#q-cert_no").fill(cert_no)
    with page.expect_response(lambda r: "/certificates?" in r.url):
        root.locator("#query-button").click()
    expect(root.locator("#results-table tbody tr")).to_have_count(1)
    expect(root.locator("#results-table tbody tr").first).to_contain_text(cert_no)


def clerks_day(day: Day, shots):
    page = day.page
    # 1. 一般原产地证 to Germany: two rows, 申报, 审核通过 at once (automatic review), printed as issued
    s = day.new("一般原产地证", ("HANS GMBH", "10 HAFENSTRASSE, HAMBURG, GERMANY"), "INV-DAY-001",
                destination=("德国", "德国", "DE"))
    day.goods(s, "9603.21", "牙刷", "TOOTHBRUSH", "200")
    day.goods(s, "3306.10", "牙膏", "TOOTHPASTE", "1")
    shots(page, "general-goods")
    general = day.declare(s)
    day.fetch("审核通过")
    page.locator("[id$='-print']").first.click()
    box = page.locator("#modal") if day.js else page.locator("body")
    if day.js:
        assert_seen(page.locator("#modal .modal-box"), "print dialog")
    box.locator("button:has-text('预览')").click()
    href = box.locator("a[id^=download-link]").get_attribute("href")
    pdf = page.request.get(day.live_server + href)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert general in text and "TOOTHBRUSH" in text and "非有效证书" not in text
    shots(page, "general-printed")
    if day.js:
        page.keyboard.press("Escape")
    else:
        page.go_back()

    # 2. 中国-韩国 (reviewed by hand): returned with a reason, corrected, declared again, approved
    s = day.new("中国-韩国自贸区原产地证", ("KIM TRADING CO., LTD.", "1 JUNG-GU, BUSAN, KOREA"), "INV-DAY-002",
                discharge=("busan", "釜山", "KRPUS"))
    day.goods(s, "960321", "牙刷", "TOOTHBRUSH", "50", criterion=("WO", "完全获得"))
    korea = day.declare(s)
    day.fetch("已申报")
    expect(day.root.locator(".receipts-table")).to_contain_text("已接收")  # received, waiting for the officer
    day.as_officer(korea, "return", "发票日期与发票不符")
    day.open(korea)
    expect(day.root.locator(".live-cert-status")).to_have_text("退证")
    expect(day.root.locator(".receipts-table")).to_contain_text("退证：发票日期与发票不符")
    day.root.get_by_role("link", name="修改", exact=True).click()
    s = CertScreen(page, day.js)
    s.fill("invoice_date", "2026-11-17")
    assert day.declare(s) == korea
    day.fetch("已申报")
    day.as_officer(korea, "approve")
    day.open(korea)
    expect(day.root.locator(".live-cert-status")).to_have_text("审核通过")
    shots(page, "korea-issued")

    # 3. 中国-东盟 to Viet Nam: issued, then a 更改证 from the list, declared and issued too
    s = day.new("中国-东盟自贸区原产地证", ("SAIGON IMPORT JSC", "1 LE LOI, HO CHI MINH CITY, VIET NAM"), "INV-DAY-003",
                destination=("越南", "越南", "VN"), discharge=("ho chi minh", "胡志明市", "VNSGN"))
    day.goods(s, "960321", "牙刷", "TOOTHBRUSH", "80", criterion=("WO", "完全获得"), amount="1600")
    asean = day.declare(s)
    day.fetch("审核通过")
    page.click("#sidebar >> text=证书查询")
    root = day.root
    query(page, root, asean)
    root.locator("input[name=ids]").first.check()
    root.locator("#op-change").click()
    expect(day.root.locator(".flash-success")).to_contain_text("已生成更改证")
    s = CertScreen(page, day.js)
    s.fill("importer_name", "SAIGON IMPORT JOINT STOCK COMPANY")
    s.basic.locator("textarea[name=reason]").fill("收货人名称有误")
    s.basic.locator("textarea[name=change_content]").fill("收货人名称更正为全称")
    change = day.declare(s)
    assert change != asean
    day.fetch("审核通过")
    expect(day.root.locator("#cert-links")).to_contain_text(asean)
    shots(page, "change-issued")

    # 4. The afternoon: 中国-亚太 to Sri Lanka, then five repeat shipments copied (复制) from the morning's first
    s = day.new("中国-亚太自贸区原产地证", ("LANKA TRADERS (PVT) LTD.", "1 GALLE ROAD, COLOMBO, SRI LANKA"),
                "INV-DAY-004", destination=("斯里兰卡", "斯里兰卡", "LK"), discharge=("colombo", "科伦坡", "LKCMB"))
    day.goods(s, "960321", "牙刷", "TOOTHBRUSH", "60", criterion=("A", "完全原产"))
    apta = day.declare(s)
    day.fetch("审核通过")
    repeats = []
    for n in range(5):
        page.click("#sidebar >> text=证书查询")
        query(page, day.root, general)
        day.root.locator("input[name=ids]").first.check()
        day.root.locator("#op-copy").click()
        expect(day.root.locator(".flash-success").first).to_contain_text("复制成功", timeout=30000)
        s = CertScreen(page, day.js)
        expect(s.control("invoice_no")).to_have_value("")  # the one thing a copy leaves for the clerk
        s.fill("invoice_no", f"INV-DAY-{5 + n:03d}")
        repeats.append(day.declare(s))
        day.fetch("审核通过")
    day_numbers = [general, korea, asean, change, apta, *repeats]
    assert len(set(day_numbers)) == 10
    shots(page, "repeat-issued")

    # 5. 证书查询 at the end of the day: every certificate of the day, all 审核通过
    page.click("#sidebar >> text=证书查询")
    day.root.locator("#reset-button").click()  # the tab kept the morning's conditions: start afresh
    expect(day.root.locator("#q-cert_no")).to_have_value("")
    root = day.root
    root.locator("#q-invoice").fill("INV-DAY")
    root.locator("#q-status").select_option("issued")
    root.locator("#query-button").click()
    rows = root.locator("#results-table tbody tr")
    expect(rows).to_have_count(10)
    for number in day_numbers:
        expect(root.locator("#results-table")).to_contain_text(number)
    shots(page, "day-done")


def test_a_clerks_day_picking_with_the_mouse(page, browser_login, live_server, firm, shots):
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login("clerk_a")
    clerks_day(Day(page, live_server, browser_login, "mouse"), shots)


def test_a_clerks_day_picking_with_the_keyboard(page, browser_login, live_server, firm, shots):
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login("clerk_a")
    clerks_day(Day(page, live_server, browser_login, "keyboard"), shots)


@NO_JS
def test_a_clerks_day_without_javascript(page, browser_login, live_server, firm, shots):
    browser_login("clerk_a")
    clerks_day(Day(page, live_server, browser_login, "nojs"), shots)
