"""打印 on 审核工作台 in Chromium (issue 18 item 1): the officer clicks 打印 on the declaration he reviews, chooses
申请书 or the overlay, sees the preview over the page (JS) or on its own page (no JS) and can download the PDF;
at a desk (1366×768) and on a phone (390×844)."""
import pathlib

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.authority.models import Declaration
from app.extensions import db
from tests.browser.person import assert_seen
from tests.http.test_exchange import declared, manual_review, officer, round_trip  # noqa: F401

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
SIZES = {"desk": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def _declaration(app, make_certificate) -> int:
    manual_review(app)
    declared(app, make_certificate)
    round_trip(app)
    with app.app_context():
        return db.session.scalar(sa.select(Declaration.id))


def _print(page, live_server, decl_id, js, shots, size):
    page.goto(f"{live_server}/authority/declarations/{decl_id}")
    key = f"d{decl_id}"
    button = page.locator(f"#{key}-print")
    assert_seen(button, "打印 on the declaration")
    shots(page, f"{size}-declaration")
    button.click()
    root = page.locator("#modal") if js else page
    if js:
        assert_seen(page.locator("#modal .modal-box"), "the print dialog")
        expect(page.locator("#modal-title")).to_contain_text("打印")
    form = root.locator(".print-form")
    expect(form).to_contain_text("请选择打印类型")
    expect(form).to_contain_text("非有效证书")  # not approved yet: every page carries it
    expect(form).not_to_contain_text("打印设置")
    shots(page, f"{size}-dialog")
    label = root.locator(f"label[for='kind-{key}-application']")
    assert_seen(label, "申请书")
    label.click()
    expect(root.locator(f"#kind-{key}-application")).to_be_checked()
    preview = root.locator(f"#preview-button-{key}")
    assert_seen(preview, "预览")
    preview.click()
    frame = root.locator(f"#pdf-frame-{key}")
    expect(frame).to_be_visible()
    if js:
        expect(page.locator("#modal-title")).to_contain_text("申请书")
        assert_seen(page.locator(f"#print-button-{key}"), "打印 in the dialog")
    else:
        expect(page.locator("h1")).to_contain_text("申请书")
        expect(page.locator(f"#print-button-{key}")).to_be_hidden()
        assert_seen(page.get_by_role("link", name="返回审核"), "the way back to the declaration")
    download = root.locator(f"#download-link-{key}")
    assert_seen(download, "下载")
    response = page.request.get(live_server + download.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    folder = pathlib.Path("test-artifacts")
    folder.mkdir(exist_ok=True)
    pdfium.PdfDocument(response.body())[0].render(scale=1.5).to_pil().save(
        folder / f"officer-print-application-{size}-{'js' if js else 'nojs'}.png")
    shots(page, f"{size}-preview")
    if js:  # closing the dialog leaves the declaration page as it was
        page.keyboard.press("Escape")
        expect(page.locator("#modal")).to_have_count(0)
        expect(page.locator("#declaration-status")).to_be_visible()


@pytest.mark.parametrize("js", [True, pytest.param(False, marks=NO_JS)], ids=["js", "nojs"])
@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_officer_prints(size, js, page, browser_login, live_server, app, cast, make_certificate, officer, shots):
    decl_id = _declaration(app, make_certificate)
    page.set_viewport_size(SIZES[size])
    browser_login("officer_2200")
    _print(page, live_server, decl_id, js, shots, size)
