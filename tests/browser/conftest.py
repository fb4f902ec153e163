"""Browser helpers: log in through the real page, reading the captcha as a person would."""
import pytest

from tests.support import PASSWORD, browser_second_factor

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_login(page, live_server, app):
    def do(username, password=PASSWORD):
        page.goto(live_server + "/login")
        cid = page.locator("input[name=captcha_id]").get_attribute("value")
        page.fill("#username", username)
        page.fill("#password", password)
        page.fill("#captcha", app.config["CAPTCHAS"][cid])
        page.click("#login-button")
        browser_second_factor(page, app, live_server, username)
        page.wait_for_url(live_server + "/")
    return do


@pytest.fixture
def shots(request, tmp_path_factory):
    """Save a screenshot under test-artifacts/ (looked at by people, not asserted)."""
    import pathlib

    folder = pathlib.Path("test-artifacts")
    folder.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(folder / f"{request.node.name}-{name}.png"), full_page=True)
    return take
