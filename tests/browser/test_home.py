"""首页 and the header's 通知 mark in Chromium: JavaScript on (the mark polls) and off (right on the next page)."""
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from app.authority.models import Declaration
from app.certificates.models import Certificate
from app.exchange.polling import apply_receipt
from tests.support import sent_message_key
from app.extensions import db
from app.timeutil import utcnow

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def _answer(app, cert_id, seq, status, text):
    """The authority's answer arrives, as the poll job stores it."""
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        apply_receipt(cert.enterprise_id, {"cert_no": cert.cert_no, "seq": seq, "time": datetime.now(timezone.utc),
                                           "message_id": sent_message_key(cert),
                                           "code": status.upper(), "text": text, "status": status,
                                           "issue_date": "2026-11-27" if status == "issued" else None})
        db.session.commit()
        return cert.cert_no


@pytest.fixture
def clerk_desk(app, make_certificate):
    """clerk_a's certificates: two drafts, one declared, one returned with a reason; poll the mark every second."""
    app.config["NOTICE_POLL_SECONDS"] = 1
    make_certificate()
    make_certificate()
    returned = make_certificate(status="declared")
    _answer(app, returned, 1, "returned", "退证：发票日期与发票不符")
    return {"waiting": make_certificate(status="declared"), "returned": returned}


def _mark_is_visible_and_uncovered(page):
    mark = page.locator("#notice-mark")
    expect(mark).to_be_visible()
    box = mark.evaluate("""el => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return {inside: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
                uncovered: hit === el || el.contains(hit), width: r.width};
    }""")
    assert box["inside"] and box["uncovered"] and box["width"] > 0, box


def test_a_receipt_arriving_while_on_another_tab_shows_in_the_mark(page, browser_login, live_server, app, clerk_desk,
                                                                     shots):
    browser_login("clerk_a")
    expect(page.locator("#notice-mark")).to_contain_text("通知 1")  # the 退证 before login
    page.locator(".pane.active #notices-read").click()
    expect(page.locator(".pane.active #notices-none")).to_be_visible()
    expect(page.locator("#notice-mark")).to_have_text("")  # swapped out of band
    page.click("#sidebar >> text=证书查询")
    expect(page.locator(".pane.active #results-table")).to_be_visible()
    cert_no = _answer(app, clerk_desk["waiting"], 1, "issued", "审核通过，签发日期 2026-11-27")
    expect(page.locator("#notice-mark")).to_have_text("通知 1", timeout=5000)  # polled every second here
    _mark_is_visible_and_uncovered(page)
    page.locator("#notice-mark").click()
    expect(page.locator("#tabs .tab.active")).to_contain_text("首页")
    notices = page.locator(".pane.active #home-notices")
    expect(notices).to_contain_text("1 条新回执")  # 首页 refreshed itself when the mark changed
    expect(notices).to_contain_text(cert_no)
    expect(page.locator(".pane.active #todo-issued")).to_have_text("1 票")
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        _mark_is_visible_and_uncovered(page)
        shots(page, f"clerk-{name}")
    page.locator(".pane.active #notices-read").click()
    expect(notices).to_contain_text("没有新通知")
    expect(page.locator("#notice-mark")).to_have_text("")


@NO_JS
def test_without_js_the_mark_is_right_on_the_next_page(page, browser_login, live_server, app, clerk_desk, shots):
    browser_login("clerk_a")
    page.goto(live_server + "/certificates")
    expect(page.locator("#notice-mark")).to_have_text("通知 1")
    cert_no = _answer(app, clerk_desk["waiting"], 1, "issued", "审核通过，签发日期 2026-11-27")
    page.goto(live_server + "/certificates")
    expect(page.locator("#notice-mark")).to_have_text("通知 2")
    _mark_is_visible_and_uncovered(page)
    page.locator("#notice-mark").click()
    page.wait_for_url(live_server + "/#home-notices")
    expect(page.locator("#home-notices")).to_contain_text(cert_no)
    expect(page.locator("#todo-returned-table")).to_contain_text("发票日期与发票不符")
    page.locator("#todo-draft").click()
    expect(page.locator("#results-table tbody tr")).to_have_count(2)
    page.go_back()
    page.locator("#notices-read").click()
    page.wait_for_url(live_server + "/")
    expect(page.locator(".flash-success")).to_contain_text("通知已全部标为已读")
    expect(page.locator("#notice-mark")).to_have_text("")
    shots(page, "clerk-read")


def test_the_officer_sees_the_desk_counts(page, browser_login, live_server, app, cast, shots):
    with app.app_context():
        for n, (status, decided) in enumerate((("received", None), ("received", None), ("accepted", None),
                                               ("issued", utcnow()), ("returned", utcnow() - timedelta(days=2)))):
            db.session.add(Declaration(message_id=f"shot-{n}", authority_code="3100", co_reg_no="310000001",
                                       applicant_name="甲进出口有限公司", cert_no=f"C2631000000100{n:02d}",
                                       cert_type="C", xml="<x/>", data="{}", status=status, decided_at=decided))
        db.session.commit()
    browser_login("officer_sh")
    expect(page.locator("#notice-mark")).to_have_count(0)
    expect(page.locator("#desk-received")).to_have_text("2 票")
    expect(page.locator("#desk-issued")).to_have_text("1 票")
    expect(page.locator("#desk-returned")).to_have_text("0 票")
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        shots(page, f"officer-{name}")
    page.locator("#desk-received").click()
    expect(page.locator(".pane.active #queue-table tbody tr")).to_have_count(2)
