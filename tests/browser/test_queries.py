"""证书查询 in Chromium, JavaScript on and off: a full-width invoice number, 获取回执 for three at once,
重发证 of an approved certificate and the links between the two (issue: query and after-issue work)."""
import re

import pytest
from playwright.sync_api import expect

from app.certificates import services
from app.certificates.models import Certificate
from app.extensions import db

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)


@pytest.fixture
def declared_three(app, cast, make_certificate):
    ids = [make_certificate(items=1, invoice_no=f"INV-2026-77{n}") for n in range(3)]
    with app.app_context():
        numbers = []
        for cert_id in ids:
            cert = db.session.get(Certificate, cert_id)
            assert services.declare(cert, None, cert.application_date, undertaking=True) == []
            numbers.append(cert.cert_no)
        db.session.commit()
    return ids, numbers


def _flow(page, live_server, js, declared_three, shots):
    ids, numbers = declared_three
    page.on("dialog", lambda dialog: dialog.accept())
    root = page.locator(".pane.active") if js else page
    page.click("#sidebar >> text=证书查询")
    rows = root.locator("#results-table tbody tr")
    expect(rows).to_have_count(3)
    # a full-width invoice number finds the certificate
    root.locator("#q-invoice").fill("ＩＮＶ－２０２６－７７１")
    root.locator("#query-button").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(numbers[1])
    if not js:
        assert "invoice=" in page.url  # a bookmarkable GET
    root.locator("#reset-button").click()
    expect(rows).to_have_count(3)
    # 获取回执 for the three at once
    for cert_id in ids:
        root.locator(f"#pick-{cert_id}").check()
    root.locator("#op-fetch").click()
    expect(root.locator(".flash-success").first).to_contain_text("已为 3 票证书获取回执：新回执 9 条")
    expect(root.locator("#results-table")).not_to_contain_text("已申报")
    expect(root.locator("#results-table .status-link").first).to_have_text("审核通过")
    shots(page, "fetched")
    # 重发证 of the first: confirmation, reason, 申报
    root.locator(f"#pick-{ids[0]}").check()
    root.locator("#op-reissue").click()
    expect(root.locator("#reissue-confirm")).to_contain_text(numbers[0])
    root.locator("#confirm-reissue").click()
    if js:  # the reissue opens in a tab of its own; the query list keeps its tab
        expect(page.locator("#tabs .tab")).to_have_count(3)
    expect(root.locator("form[id$=reissue-form]")).to_be_visible()
    expect(root.locator("input[id$=h-original]")).to_have_value(numbers[0])
    root.locator("button[value=declare]").click()
    expect(root.locator("[data-field=reason]")).to_contain_text("请填写重发原因")
    root.locator("textarea[name=reason]").fill("原证书遗失")
    root.locator("input[name=undertaking]").click()
    root.locator("button[value=declare]").click()
    expect(root.locator(".flash-success").first).to_contain_text("申报成功")
    reissue_no = re.search(r"C\d{15}", root.locator(".flash-success").first.inner_text()).group(0)
    # the original links to the reissue and back
    page.goto(f"{live_server}/certificates/{ids[0]}/detail")
    expect(page.locator("#cert-links")).to_contain_text(reissue_no)
    page.locator(f"#cert-links a:has-text('{reissue_no}')").click()
    expect(page.locator("#original-link")).to_have_text(numbers[0])
    shots(page, "linked")


def test_query_fetch_and_reissue_with_js(page, browser_login, live_server, declared_three, shots):
    browser_login("clerk_a")
    _flow(page, live_server, True, declared_three, shots)


@NO_JS
def test_query_fetch_and_reissue_without_js(page, browser_login, live_server, declared_three, shots):
    browser_login("clerk_a")
    _flow(page, live_server, False, declared_three, shots)
