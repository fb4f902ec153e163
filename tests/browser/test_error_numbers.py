"""A request that fails under htmx tells the clerk the 错误编号 (the request id the administrator finds in the log),
beside the message, as the full error page does without JavaScript."""
import re

import pytest
from playwright.sync_api import expect

from app.certificates import services
from app.certificates.models import Certificate
from app.extensions import db
from tests.browser.person import CertScreen, assert_seen

pytestmark = pytest.mark.browser


def _deleted_elsewhere(app, cert_id) -> None:
    """Another clerk of the same enterprise deletes the draft while this one has it open."""
    with app.app_context():
        services.delete_certificate(db.session.get(Certificate, cert_id))
        db.session.commit()


def _failed_save(page, browser_login, live_server, app, make_certificate, js):
    """The clerk types into an open draft that meanwhile was deleted, and clicks 暂存: (response, request id)."""
    cert_id = make_certificate()
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, js)
    s.fill("marks", "N/M")
    _deleted_elsewhere(app, cert_id)
    with page.expect_response(lambda r: r.request.method == "POST" and f"/certificates/{cert_id}" in r.url) as info:
        s.save()
    response = info.value
    assert response.status == 404
    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[A-Za-z0-9._-]{8,64}", request_id)
    return s, request_id


def test_a_failed_save_under_htmx_shows_the_error_number(page, browser_login, live_server, app, make_certificate,
                                                          shots):
    s, request_id = _failed_save(page, browser_login, live_server, app, make_certificate, js=True)
    message = page.locator("#js-message .flash-error").last
    expect(message).to_contain_text(f"错误编号：{request_id}")
    assert_seen(message, "the error message", scroll=False)
    expect(s.control("marks")).to_have_value("N/M")  # the form stays as typed
    shots(page, "js")


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_a_failed_save_without_javascript_shows_the_error_number(page, browser_login, live_server, app,
                                                                  make_certificate, shots):
    _s, request_id = _failed_save(page, browser_login, live_server, app, make_certificate, js=False)
    number = page.get_by_text(f"错误编号：{request_id}")
    assert_seen(number, "the error number")
    shots(page, "nojs")
