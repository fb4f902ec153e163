"""API 令牌 as the enterprise admin meets it: a token made with the mouse is shown once, on the screen, and works
against /api/v1; 撤销 (asked first) stops it. JavaScript on and off; the page photographed at 1366 and 390 px."""
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.person import Dialogs, assert_seen

pytestmark = pytest.mark.browser
SIZES = {"wide": (1366, 768), "phone": (390, 844)}


def _call(live_server, token):
    request = urllib.request.Request(f"{live_server}/api/v1/certificates",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _click(page, locator, what):
    box = assert_seen(locator, what)
    page.mouse.click(box["left"] + box["width"] / 2, box["top"] + box["height"] / 2)


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_an_admin_makes_a_token_sees_it_once_and_revokes_it(browser, live_server, app, cast, size, js, shots):
    context = browser.new_context(java_script_enabled=js, viewport=dict(zip(("width", "height"), SIZES[size])))
    page = context.new_page()
    try:
        from tests.support import PASSWORD, browser_second_factor

        page.goto(live_server + "/login")
        cid = page.locator("input[name=captcha_id]").get_attribute("value")
        page.fill("#username", "admin_a")
        page.fill("#password", PASSWORD)
        page.fill("#captcha", app.config["CAPTCHAS"][cid])
        page.click("#login-button")
        browser_second_factor(page, app, live_server, "admin_a")
        page.wait_for_url(live_server + "/")
        page.goto(live_server + "/enterprise/api-tokens")
        page.locator("#api-token-new-form input[name=name]").fill("ERP")
        _click(page, page.locator("#api-token-new-submit"), "生成令牌")
        value = page.locator("#api-token-value")
        assert_seen(value, "the new token")
        token = value.inner_text().strip()
        assert len(token) >= 30
        shots(page, f"api-token-issued-{size}")
        assert _call(live_server, token) == 200
        page.goto(live_server + "/enterprise/api-tokens")
        expect(page.locator("#api-token-value")).to_have_count(0)  # shown once only
        expect(page.get_by_text(token)).to_have_count(0)
        revoke = page.locator("#api-token-table button", has_text="撤销").first
        if js:
            Dialogs(page).answer(True)
            _click(page, revoke, "撤销")
        else:
            _click(page, revoke, "撤销")
            page.wait_for_load_state()
            _click(page, page.locator("button[type=submit]", has_text="撤销").last, "the confirmation's 撤销")
        expect(page.locator("#api-token-table")).to_contain_text("已撤销")
        shots(page, f"api-token-revoked-{size}")
        assert _call(live_server, token) == 401
    finally:
        context.close()
