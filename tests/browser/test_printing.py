"""打印 in Chromium, JavaScript on and off: 请选择打印类型, preview, download (issue: printing)."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)


def _print(page, live_server, cert_id, js, shots):
    page.goto(f"{live_server}/certificates/{cert_id}")
    page.locator("#print-link").click()
    expect(page.locator("#print-form")).to_contain_text("请选择打印类型")
    page.locator("#kind-certificate").check()
    page.locator("#format-overlay").check()
    page.locator("#preview-button").click()
    expect(page.locator("h1")).to_contain_text("套打格式")
    frame = page.locator("#pdf-frame")
    expect(frame).to_be_visible()
    expect(page.locator("#print-button")).to_be_visible() if js else expect(page.locator("#print-button")).to_be_hidden()
    response = page.request.get(live_server + page.locator("#download-link").get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.body().startswith(b"%PDF")
    shots(page, "preview")


def test_print_with_js(page, browser_login, live_server, cast, make_certificate, shots):
    cert_id = make_certificate(items=2, cert_type="E", destination_country="VN")
    browser_login("clerk_a")
    _print(page, live_server, cert_id, True, shots)


@NO_JS
def test_print_without_js(page, browser_login, live_server, cast, make_certificate, shots):
    cert_id = make_certificate(items=2, cert_type="E", destination_country="VN")
    browser_login("clerk_a")
    _print(page, live_server, cert_id, False, shots)
