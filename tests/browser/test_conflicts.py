"""Conflicts a clerk runs into, answered on the page they are on (issue 12, defect 11), JavaScript on and off:
- the serial numbers of the 初始值设置 prefix are used up: the first 暂存 of a new certificate says so at the top and
  what to do (change the prefix in 初始值设置), and every value typed is still in its field;
- 更改证 a second time on the same original: no second draft, no number burnt; a message says a change draft already
  exists and that draft opens."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.certificates import services
from app.certificates.models import Certificate, InitialValues, NumberCounter
from app.certificates.numbering import capacity
from app.certificates.states import Status
from app.exchange import outbox, polling
from app.extensions import db
from app.timeutil import local_today
from tests.browser.person import CertScreen, assert_seen, geometry

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
PREFIX = "ZZ9"
TYPED = {"exporter_name": "JIA TRADING CO., LTD.", "exporter_address": "NO. 1 ZHONGSHAN ROAD, SHANGHAI, CHINA",
         "importer_name": "HANS GMBH", "importer_address": "10 HAFENSTRASSE, HAMBURG, GERMANY",
         "transport_details": "FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA", "marks": "N/M",
         "invoice_no": "INV-2026-777"}


def _counters(app, enterprise_id) -> dict:
    with app.app_context():
        return {(c.cert_type, c.year, c.prefix): c.last_value for c in
                db.session.scalars(sa.select(NumberCounter).where(NumberCounter.enterprise_id == enterprise_id))}


def _prefix_used_up(app, enterprise_id) -> None:
    """初始值设置 holds a 3-character prefix, and this year's counter of 一般原产地证 for it is at its end."""
    with app.app_context():
        db.session.add(InitialValues(enterprise_id=enterprise_id, serial_prefix=PREFIX))
        year = local_today(app.config["DISPLAY_TIMEZONE"]).year  # the year new numbers are counted in
        db.session.add(NumberCounter(enterprise_id=enterprise_id, cert_type="C", year=year, prefix=PREFIX,
                                     last_value=capacity(PREFIX)))
        db.session.commit()


def _exhausted(page, live_server, browser_login, app, cast, js, shots):
    _prefix_used_up(app, cast.ent_a)
    before = _counters(app, cast.ent_a)
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login("clerk_a")
    page.locator("#sidebar a", has_text="新建证书").click()
    s = CertScreen(page, js)
    s.root.locator("#type-list a", has_text="一般原产地证").first.click()
    expect(s.basic).to_be_visible()
    page.wait_for_timeout(300)  # the new tab settles (htmx scrolls it to the top) before the clerk types
    s.lookup("trade_mode", "0110", "0110")
    s.lookup("destination_country", "DE", "DE")
    for name, value in TYPED.items():
        s.fill(name, value)
    page.evaluate("() => window.scrollTo(0, 0)")
    s.save()
    # the message, at the top, says what happened and what to do
    message = s.root.get_by_text(re.compile("流水号已用完")).first
    expect(message).to_be_visible()
    box = geometry(message)
    assert box["inside"] and not box["covered"] and box["top"] < 400, f"the message is not seen at the top: {box}"
    expect(message).to_contain_text("初始值设置")
    expect(message).to_contain_text("前缀")
    shots(page, "exhausted")
    # everything typed is still there
    expect(s.basic, "the form and everything typed in it are gone").to_be_visible()
    for name, value in TYPED.items():
        expect(s.control(name), f"{name} lost what was typed").to_have_value(value)
    if js:
        expect(s.control("destination_country")).to_have_value(re.compile(r"^DE\b"))
        expect(s.control("trade_mode")).to_have_value(re.compile(r"^0110\b"))
    else:
        expect(s.control("destination_country")).to_have_value(re.compile(r"^DE\b"))
        expect(s.control("trade_mode")).to_have_value("0110")
    assert_seen(s.control("exporter_name"), "the form, still on the page")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0
    assert _counters(app, cast.ent_a) == before


def test_used_up_serials_keep_the_form_and_say_what_to_do_with_js(page, browser_login, live_server, app, cast, shots):
    _exhausted(page, live_server, browser_login, app, cast, True, shots)


@NO_JS
def test_used_up_serials_keep_the_form_and_say_what_to_do_without_js(page, browser_login, live_server, app, cast,
                                                                     shots):
    _exhausted(page, live_server, browser_login, app, cast, False, shots)


def _issued(app, make_certificate) -> tuple[int, str]:
    """A certificate declared and approved through the embedded authority (automatic review)."""
    cert_id = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
        outbox.send_due()
        polling.poll_all()
        cert = db.session.get(Certificate, cert_id)
        assert cert.status == Status.ISSUED
        return cert_id, cert.cert_no


def _change_from_the_list(page, live_server, js, cert_id) -> CertScreen:
    """In 证书查询, tick the certificate with the mouse and click 更改证."""
    if js and page.locator("#tabs .tab", has_text="证书查询").count():
        page.locator("#tabs .tab a", has_text="证书查询").click()  # back to the list's own tab
    else:
        page.locator("#sidebar a", has_text="证书查询").click()
    s = CertScreen(page, js)
    tick = s.root.locator(f"#pick-{cert_id}")
    try:
        tick.wait_for(timeout=3000)
    except Exception:  # the list is not where the menu leads (the old shell's tabs): open it by its address
        page.goto(f"{live_server}/certificates")
    assert_seen(tick, "the certificate's tick box")
    tick.check()  # a tick left from before stays; otherwise the click ticks it
    button = s.root.locator("button[name=op][value=change]")
    assert_seen(button, "更改证")
    button.click()
    page.wait_for_load_state()
    return CertScreen(page, js)


def _change_twice(page, live_server, browser_login, app, cast, make_certificate, js, shots):
    original_id, original_no = _issued(app, make_certificate)
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login("clerk_a")
    s = _change_from_the_list(page, live_server, js, original_id)
    heading = s.root.locator("h1")
    expect(heading).to_contain_text("更改证")  # the draft is open (with JS the answer comes without a page load)
    with app.app_context():
        change = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "change"))
        assert change is not None and change.original_cert_no == original_no
        change_id, change_no = change.id, change.cert_no
    expect(heading).to_contain_text(change_no)
    counters = _counters(app, cast.ent_a)
    # back to the list: the original again
    s = _change_from_the_list(page, live_server, js, original_id)
    message = s.root.get_by_text(re.compile("已有一票更改证")).first
    assert_seen(message, "the message that a change draft already exists")
    expect(message).to_contain_text(change_no)
    shots(page, "already-started")
    heading = s.root.locator("h1")
    expect(heading).to_contain_text("更改证")
    expect(heading).to_contain_text(change_no)
    assert_seen(s.basic.locator("button[name=action][value=save]").first, "暂存 of the change draft, open to work on")
    if js:  # the draft's one tab, not a second one
        expect(page.locator("#tabs .tab", has_text=change_no)).to_have_count(1)
    with app.app_context():
        changes = db.session.scalars(sa.select(Certificate).where(Certificate.original_cert_no == original_no)).all()
        assert [c.id for c in changes] == [change_id], "a second change certificate was made"
    assert _counters(app, cast.ent_a) == counters, "a certificate number was burnt"


def test_a_second_change_opens_the_draft_under_way_with_js(page, browser_login, live_server, app, cast,
                                                          make_certificate, shots):
    _change_twice(page, live_server, browser_login, app, cast, make_certificate, True, shots)


@NO_JS
def test_a_second_change_opens_the_draft_under_way_without_js(page, browser_login, live_server, app, cast,
                                                             make_certificate, shots):
    _change_twice(page, live_server, browser_login, app, cast, make_certificate, False, shots)
