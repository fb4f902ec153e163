"""Every main page of every role at 1366×768 and 390×844, JavaScript on: a screenshot for people to look at
(test-artifacts/screens/), and what a person would notice at once — the page's heading is on screen and nothing is
wider than the window (no part of the page cut off or reachable only by scrolling the whole page sideways)."""
import pathlib

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.certificates import services
from app.certificates.models import Certificate
from app.exchange import outbox, polling
from app.extensions import db
from app.refdata.models import CodeEntry
from tests.browser.person import assert_seen

pytestmark = pytest.mark.browser
SIZES = {"wide": (1366, 768), "phone": (390, 844)}
FOLDER = pathlib.Path("test-artifacts/screens")


@pytest.fixture
def data(app, cast, make_certificate):
    """A draft with goods, an issued certificate, a returned one and a declaration on the officer's desk (3100)."""
    from datetime import datetime, timezone

    from app.authority.inbox import receive
    from app.exchange import messages

    draft = make_certificate(items=3)
    issued = make_certificate(items=2)
    desk = make_certificate(items=2, issuing_authority="3100", collecting_authority="3100")
    with app.app_context():
        cert = db.session.get(Certificate, issued)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
        outbox.send_due()
        polling.poll_all()
        cert = db.session.get(Certificate, desk)
        xml = messages.build_declaration(services.snapshot(cert), message_id=f"screens-{desk}",
                                         sent_at=datetime.now(timezone.utc))
        declaration, _ = receive(xml, cert.co_reg_no)
        db.session.commit()
        entry = db.session.scalar(sa.select(CodeEntry.id).where(CodeEntry.table == "port", CodeEntry.code == "CNSHA"))
        return {"draft": draft, "issued": issued, "declaration": declaration.id, "entry": entry,
                "user": cast.clerk_a, "enterprise": cast.ent_a}


PAGES = {
    "clerk_a": [("home", "/"), ("new", "/certificates/new"), ("new-form", "/certificates/new/C"),
                ("draft", "/certificates/{draft}"), ("draft-goods", "/certificates/{draft}#c{draft}-goods-section"),
                ("issued", "/certificates/{issued}"), ("query", "/certificates"),
                ("detail", "/certificates/{issued}/detail"), ("print", "/certificates/{draft}/print"),
                ("preview", "/certificates/{draft}/print/preview?kind=certificate&format=standard"),
                ("initial-values", "/initial-values"), ("password", "/password"), ("print-settings", "/print-settings"),
                ("lookup", "/lookup/port/search?q=上海"), ("lookup-hs", "/lookup/hs/search?q=牙刷"),
                ("lookup-rail", "/lookup/port/search?q=阿拉山口"), ("two-factor", "/account/two-factor"),
                ("sessions", "/account/sessions")],
    "admin_a": [("home", "/"), ("qualification", "/qualification"), ("users", "/users"),
                ("user", "/users/{user}"), ("audit", "/audit")],
    "officer_sh": [("home", "/"), ("desk", "/authority/desk"), ("declaration", "/authority/declarations/{declaration}"),
                   ("two-factor", "/account/two-factor")],
    "root_admin": [("home", "/"), ("enterprises", "/admin/enterprises"), ("enterprise", "/admin/enterprises/{enterprise}"),
                   ("officers", "/admin/officers"), ("refdata", "/admin/refdata"), ("ports", "/admin/refdata/port"),
                   ("port", "/admin/refdata/port/{entry}"),
                   ("hs", "/admin/refdata/hs"), ("settings", "/admin/settings"), ("senders", "/authority/senders")],
}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("user", sorted(PAGES))
def test_every_main_page_fits_the_screen(user, size, page, browser_login, live_server, data):
    FOLDER.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    browser_login(user)
    problems = []
    for name, url in PAGES[user]:
        page.goto(live_server + url.format(**data))
        heading = page.locator(".pane.active h1").first
        expect(heading).to_be_visible()
        page.evaluate("() => window.scrollTo(0, 0)")
        assert_seen(heading, f"{user} {name}: the heading")
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if overflow[0] > overflow[1] + 1:
            problems.append(f"{name}: the page is {overflow[0]} px wide in a {overflow[1]} px window")
        page.screenshot(path=str(FOLDER / f"{user}-{name}-{width}x{height}.png"), full_page=True)
    assert not problems, problems


@pytest.mark.browser_context_args(java_script_enabled=False)
@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_login_and_certificate_pages_fit_without_js(size, page, live_server, browser_login, data):
    FOLDER.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server + "/login")
    page.screenshot(path=str(FOLDER / f"anonymous-login-{width}x{height}.png"), full_page=True)
    browser_login("clerk_a")
    for name, url in (("draft", "/certificates/{draft}"), ("query", "/certificates")):
        page.goto(live_server + url.format(**data))
        assert_seen(page.locator("h1").first, name)
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert sizes[0] <= sizes[1] + 1, f"{name}: {sizes}"
        page.screenshot(path=str(FOLDER / f"clerk_a-{name}-nojs-{width}x{height}.png"), full_page=True)
