"""打印 in Chromium, JavaScript on and off (issue: printing; issue 12 defect 6): 请选择打印类型 is a dialog over the
certificate with JS (no new tab), the preview in it with 打印 and 下载; without JS, plain pages."""
import pytest
from playwright.sync_api import expect

from tests.browser.person import assert_seen

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)


def _print(page, live_server, cert_id, js, shots):
    page.goto(f"{live_server}/certificates/{cert_id}")
    tabs_before = page.locator("#tabs .tab").count()
    root = page.locator("#modal") if js else page
    page.locator(f"#c{cert_id}-print").click()
    if js:
        assert_seen(page.locator("#modal .modal-box"), "the print dialog")
        expect(page.locator("#modal-title")).to_contain_text("打印")
    expect(root.locator(".print-form")).to_contain_text("请选择打印类型")
    root.locator(f"#kind-{cert_id}-certificate").check()
    root.locator(f"#format-{cert_id}-overlay").check()
    root.locator(f"#preview-button-{cert_id}").click()
    frame = root.locator(f"#pdf-frame-{cert_id}")
    expect(frame).to_be_visible()
    if js:
        expect(page.locator("#modal-title")).to_contain_text("套打格式")
        assert_seen(page.locator(f"#print-button-{cert_id}"), "打印 in the dialog")
        assert page.locator("#tabs .tab").count() == tabs_before  # no tab was opened for printing
    else:
        expect(page.locator("h1")).to_contain_text("套打格式")
        expect(page.locator(f"#print-button-{cert_id}")).to_be_hidden()
    response = page.request.get(live_server + root.locator(f"#download-link-{cert_id}").get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.body().startswith(b"%PDF")
    shots(page, "preview")
    if js:  # closing the dialog leaves the certificate as it was, the keyboard back on 打印
        page.keyboard.press("Escape")
        expect(page.locator("#modal")).to_have_count(0)
        expect(page.locator(f"#c{cert_id}-print")).to_be_focused()


def test_print_with_js(page, browser_login, live_server, cast, make_certificate, shots):
    cert_id = make_certificate(items=2, cert_type="E", destination_country="VN")
    browser_login("clerk_a")
    _print(page, live_server, cert_id, True, shots)


@NO_JS
def test_print_without_js(page, browser_login, live_server, cast, make_certificate, shots):
    cert_id = make_certificate(items=2, cert_type="E", destination_country="VN")
    browser_login("clerk_a")
    _print(page, live_server, cert_id, False, shots)
