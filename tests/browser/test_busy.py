"""While the server works, the page says so (issue 12, defect 8): the button that asked is disabled — a second click
cannot send the request again — and a "正在…" note is seen beside it until the answer arrives; for 申报, 生成 (the
goods description), 获取回执 and 预览 in the print dialog. The server is made slow for that one request by holding it
back in the browser (HeldRequest). Without JavaScript the page simply loads the answer."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from app.certificates import services
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.extensions import db
from tests.browser.person import CertScreen, HeldRequest, assert_seen, geometry

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
BUSY = re.compile(r"正在.{0,20}…")


def _open(page, live_server, cert_id, js) -> CertScreen:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, js)
    expect(s.root.locator(".cert-toolbar, #cert-toolbar").first).to_be_visible()
    return s


def _form_of(button):
    return button.locator("xpath=ancestor::form[1]")


def _busy_note(button):
    """The "正在…" note of the button's own form, when a person can see it."""
    return _form_of(button).get_by_text(BUSY).filter(visible=True)


def _click_and_watch(page, button, method, path, what):
    """Click with the mouse while the server is slow: the button is disabled and the note is seen beside it."""
    held = HeldRequest(page, method, path)
    box = assert_seen(button, what)
    page.mouse.click(box["left"] + box["width"] / 2, box["top"] + box["height"] / 2)
    held.wait()
    expect(button, f"{what} stays enabled while the server works").to_be_disabled(timeout=2000)
    note = _busy_note(button)
    expect(note.first, f"no 正在… note while {what} works").to_be_visible(timeout=2000)
    seen = assert_seen(note.first, f"the 正在… note of {what}")
    assert abs(seen["top"] - box["top"]) < 120, f"the note is far from {what}: {seen} {box}"
    return held, _form_of(button)


def _declared(app, make_certificate) -> int:
    cert_id = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, date(2026, 11, 20), undertaking=True) == []
        db.session.commit()
    return cert_id


def _status_shown(root):
    """The certificate's status where the page says it: the live block once there is one, else the toolbar."""
    return root.locator(".live-cert-status, .cert-status strong, #cert-status").filter(visible=True).first


def _preview_seen(page):
    """The PDF frame is shown and not covered (it may be taller than the window: its top is on screen)."""
    frame = page.locator("iframe.pdf-frame")
    expect(frame).to_be_visible()
    box = geometry(frame)
    assert 0 <= box["top"] < box["viewportHeight"] - 100 and not box["covered"], f"the PDF preview is not seen: {box}"


def _status(app, cert_id) -> Status:
    with app.app_context():
        return db.session.get(Certificate, cert_id).status


def test_declare_shows_that_it_is_working_and_declares(page, browser_login, live_server, app, make_certificate,
                                                       shots):
    cert_id = make_certificate(items=1)
    browser_login("clerk_a")
    s = _open(page, live_server, cert_id, True)
    s.confirm_undertaking()
    declare = s.basic.locator("button[name=action][value=declare]").first
    held, form = _click_and_watch(page, declare, "POST", rf"^/certificates/{cert_id}$", "申报")
    expect(form.locator("button[name=action][value=save]").first).to_be_disabled()  # no 暂存 meanwhile either
    shots(page, "declaring")
    held.release()
    # the button's own value reached the server: it declared, not merely saved
    expect(_status_shown(s.root)).to_have_text("已申报")
    assert_seen(s.root.get_by_text(re.compile("申报成功")).first, "the 申报成功 message")
    expect(s.root.get_by_text(BUSY).filter(visible=True).filter(has_not_text="等待签证机构")).to_have_count(0)
    assert _status(app, cert_id) == Status.DECLARED


def test_generate_shows_that_it_is_working(page, browser_login, live_server, app, make_certificate, shots):
    cert_id = make_certificate(items=0)
    browser_login("clerk_a")
    s = _open(page, live_server, cert_id, True)
    s.tab("goods")
    editor = s.goods_editor
    s.fill("name_en", "TOOTHBRUSH", editor)
    s.fill("package_count", "2000", editor)
    s.lookup("package_unit", "CTNS", "CTNS", editor)
    generate = s.box("description", editor).locator("button.generate")
    held, _ = _click_and_watch(page, generate, "POST", r"/goods/describe$", "生成")
    shots(page, "generating")
    held.release()
    expect(s.control("description", s.goods_editor)).to_have_value("TWO THOUSAND (2000) CTNS OF TOOTHBRUSH")
    generate = s.box("description", s.goods_editor).locator("button.generate")
    expect(generate).to_be_enabled()
    expect(_busy_note(generate)).to_have_count(0)


def test_fetching_receipts_shows_that_it_is_working(page, browser_login, live_server, app, make_certificate, shots):
    cert_id = _declared(app, make_certificate)
    browser_login("clerk_a")
    s = _open(page, live_server, cert_id, True)
    fetch = s.root.locator("button", has_text="获取回执").first
    held, _ = _click_and_watch(page, fetch, "POST", rf"^/certificates/{cert_id}/receipts/fetch$", "获取回执")
    shots(page, "fetching")
    held.release()
    message = s.root.get_by_text(re.compile("获取回执完成")).first
    assert_seen(message, "the answer of 获取回执")
    expect(fetch).to_be_enabled()
    expect(_busy_note(fetch)).to_have_count(0)


def test_print_preview_shows_that_it_is_working(page, browser_login, live_server, app, make_certificate, shots):
    cert_id = make_certificate(items=1)
    browser_login("clerk_a")
    s = _open(page, live_server, cert_id, True)
    s.root.locator(".cert-toolbar a, #cert-toolbar a").filter(has_text="打印").first.click()
    preview = page.locator("button", has_text="预览").filter(visible=True).first
    expect(preview).to_be_visible()
    held, form = _click_and_watch(page, preview, "GET", rf"^/certificates/{cert_id}/print/preview$", "预览")
    shots(page, "previewing")
    held.release()
    _preview_seen(page)
    expect(page.get_by_text(BUSY).filter(visible=True).filter(has_not_text="等待签证机构")).to_have_count(0)


@NO_JS
def test_without_js_the_answers_simply_load(page, browser_login, live_server, app, make_certificate, shots):
    browser_login("clerk_a")
    # 生成 fills the description: the page comes back with it, and no 正在… note is left showing
    draft = make_certificate(items=0)
    s = _open(page, live_server, draft, False)
    editor = s.goods_editor
    s.fill("name_en", "TOOTHBRUSH", editor)
    s.fill("package_count", "2000", editor)
    s.lookup("package_unit", "CTNS", "CTNS", editor)
    s.generate("description", editor)
    expect(s.control("description", s.goods_editor)).to_have_value("TWO THOUSAND (2000) CTNS OF TOOTHBRUSH")
    expect(page.get_by_text(BUSY).filter(visible=True)).to_have_count(0)
    # 申报 declares and the page loads as 已申报
    complete = make_certificate(items=1)
    s = _open(page, live_server, complete, False)
    s.declare()
    expect(_status_shown(page.locator("body"))).to_have_text("已申报")
    assert _status(app, complete) == Status.DECLARED
    # 获取回执 loads the page again with the answer
    page.locator("button", has_text="获取回执").first.click()
    page.wait_for_load_state()
    assert_seen(page.get_by_text(re.compile("获取回执完成")).first, "the answer of 获取回执")
    # 打印 → 预览 loads the preview page
    page.locator(".cert-toolbar a, #cert-toolbar a").filter(has_text="打印").first.click()
    page.locator("button", has_text="预览").first.click()
    _preview_seen(page)
    expect(page.get_by_text(BUSY).filter(visible=True).filter(has_not_text="等待签证机构")).to_have_count(0)
    shots(page, "preview")
