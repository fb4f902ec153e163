"""The authority round trip in Chromium, JavaScript on and off: the officer's 审核工作台 and the clerk's receipts."""
import threading
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.accounts import services as accounts
from app.accounts.roles import Role
from app.certificates import services
from app.certificates.models import Certificate
from app.exchange import outbox, polling
from app.extensions import db
from app.settings.models import SystemSetting
from tests.support import PASSWORD

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)


@pytest.fixture
def declared(app, cast, make_certificate):
    """A certificate of enterprise A declared to 2200, delivered; an officer of 2200; manual review."""
    cert_id = make_certificate(items=1)
    with app.app_context():
        accounts.create_user(username="officer_2200", display_name="王审核", role=Role.OFFICER, password=PASSWORD,
                             authority_code="2200", must_change_password=False)
        db.session.merge(SystemSetting(key="authority.auto_review_types", value='""'))
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
        outbox.send_due()
        return cert_id, cert.cert_no


def _review_and_read_receipts(page, live_server, js, cert_no, cert_id, shots):
    page.on("dialog", lambda dialog: dialog.accept())
    root = page.locator(".pane.active") if js else page
    page.click("#sidebar >> text=审核工作台")
    expect(root.locator("#queue-table")).to_contain_text(cert_no)
    shots(page, "desk")
    root.locator(f"#queue-table a:has-text('{cert_no}')").click()
    expect(root.locator("#findings-none")).to_contain_text("自动检查全部通过")
    root.locator("#accept-button").click()
    expect(root.locator("#declaration-status")).to_contain_text("已受理")
    root.locator("#return-button").click()
    expect(root.locator("#field-reason .field-error")).to_contain_text("请填写退证原因")
    root.locator("#reason").fill("发票日期与发票不符")
    root.locator("#return-button").click()
    expect(root.locator("#declaration-status")).to_contain_text("退证")
    expect(root.locator(".receipts-table")).to_contain_text("退证：发票日期与发票不符")
    shots(page, "returned")
    page.click("#logout")
    page.wait_for_url(live_server + "/login*")


def _clerk_fetches(page, browser_login, live_server, js, cert_id, shots):
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/{cert_id}")
    page.locator(f"#c{cert_id}-fetch-receipts").click()
    expect(page.locator(".flash-success").first).to_contain_text("新回执 3 条")
    table = page.locator(f"#receipts-table-{cert_id}")
    expect(table).to_contain_text("退证：发票日期与发票不符")
    expect(table.locator("tbody tr").first).to_contain_text("RETURNED")  # newest first
    shots(page, "clerk-receipts")


def test_officer_returns_and_clerk_fetches_with_js(page, browser_login, live_server, declared, shots):
    cert_id, cert_no = declared
    browser_login("officer_2200")
    _review_and_read_receipts(page, live_server, True, cert_no, cert_id, shots)
    _clerk_fetches(page, browser_login, live_server, True, cert_id, shots)


@NO_JS
def test_officer_returns_and_clerk_fetches_without_js(page, browser_login, live_server, declared, shots):
    cert_id, cert_no = declared
    browser_login("officer_2200")
    _review_and_read_receipts(page, live_server, False, cert_no, cert_id, shots)
    _clerk_fetches(page, browser_login, live_server, False, cert_id, shots)


def test_the_clerk_sees_the_approval_arrive_without_reloading(app, page, browser_login, live_server, cast,
                                                               make_certificate, shots):
    cert_id = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/{cert_id}")
    block = page.locator(f"#live-status-{cert_id}")
    expect(block).to_contain_text("待发送")
    expect(block.locator("a:has-text('刷新')")).to_be_hidden()  # with JS the block refreshes itself

    def jobs():  # what the jobs process does a moment later
        time.sleep(1)
        with app.app_context():
            outbox.send_due()
            polling.poll_all()

    worker = threading.Thread(target=jobs)
    worker.start()
    expect(block.locator(".live-cert-status")).to_have_text("审核通过", timeout=10000)
    worker.join()
    expect(block).to_contain_text("ISSUED")
    shots(page, "issued")
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.status).where(Certificate.id == cert_id)).value == "issued"
