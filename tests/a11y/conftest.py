"""The a11y crawl's world: one database filled once with realistic data for every role, one server, one
logged-in browser context per role and JavaScript on/off (all in the session's one Chromium)."""
import threading
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import Cast, _empty_tables, _InFlight, make_config
from tests.support import GENERAL_BASIC, GOODS_ROW, MATERIAL_ROW, PASSWORD, browser_second_factor

TODAY = date(2026, 11, 20)
# Who logs in for each role of the crawl (the cast of tests/conftest.py).
USERNAMES = {"clerk": "clerk_a", "ent_admin": "admin_a", "officer": "officer_sh", "sysadmin": "root_admin"}
VIEWPORT = {"width": 1280, "height": 800}


def _certificate(cast, cert_type="C", items=1, materials=0, **changes) -> int:
    from app.accounts.models import Enterprise, User
    from app.certificates import japan_materials, services
    from app.certificates.entry_forms import MaterialForm, basic_form_class, goods_form_class
    from app.certificates.types import TYPES

    ctype = TYPES[cert_type]
    # Declared to 3100, the cast officer's authority, so the officer's desk shows them.
    data = {**GENERAL_BASIC, "issuing_authority": "3100", "collecting_authority": "3100", **changes}
    form = basic_form_class(ctype)(formdata=MultiDict(data), meta={"csrf": False})
    assert form.validate(), form.errors
    cert = services.create(db.session.get(Enterprise, cast.ent_a.id), ctype, form.data,
                           db.session.get(User, cast.clerk_a.id), TODAY)
    names = [("TOOTHBRUSH", "牙刷"), ("HAIR BRUSH", "发刷"), ("PAINT BRUSH", "画笔")]
    for n in range(items):
        row = {**GOODS_ROW, "name_en": names[n % 3][0], "name_cn": names[n % 3][1],
               "description": f"TWO THOUSAND (2000) CTNS OF {names[n % 3][0]}"}
        goods = goods_form_class(ctype)(formdata=MultiDict(row), meta={"csrf": False})
        assert goods.validate(), goods.errors
        services.add_item(cert, goods.data)
    for _ in range(materials):
        material = MaterialForm(formdata=MultiDict(MATERIAL_ROW), meta={"csrf": False})
        assert material.validate(), material.errors
        japan_materials.add_material(cert, material.data)
    db.session.commit()
    return cert.id


def _declare_and_deliver(cert_id):
    """申报, then the jobs process delivers it to the authority (manual review: it waits on the desk)."""
    from app.authority.models import Declaration
    from app.certificates import services
    from app.certificates.models import Certificate
    from app.exchange import outbox

    cert = db.session.get(Certificate, cert_id)
    assert services.declare(cert, None, TODAY, undertaking=True) == []
    db.session.commit()
    outbox.send_due([cert_id])
    return db.session.scalar(sa.select(Declaration).where(Declaration.cert_no == cert.cert_no)
                             .order_by(Declaration.id.desc()).limit(1))


def seed(app) -> SimpleNamespace:
    """Enterprise A's certificates in every state, receipts, a declaration waiting on the officer's desk."""
    from app.accounts import totp, two_factor
    from app.authority import review
    from app.certificates import changes, services
    from app.certificates.models import Certificate
    from app.exchange import polling
    from app.printing import verify
    from app.refdata.models import CodeEntry
    from app.settings.models import SystemSetting

    with app.test_request_context("/"):
        cast = Cast()
        db.session.merge(SystemSetting(key="authority.auto_review_types", value='""'))  # 人工审核
        db.session.commit()
        officer = cast.officer
        ids = SimpleNamespace(clerk=cast.clerk_a.id, enterprise=cast.ent_a.id)
        ids.draft = _certificate(cast, items=3)
        # GSP to Japan: an old certificate, dated before Japan ended GSP for China (2019-04)
        ids.japan = _certificate(cast, cert_type="G", items=2, materials=2, destination_country="JP",
                                 port_of_discharge="JPTYO", application_date="2019-03-01")
        ids.declared = _certificate(cast, items=2, invoice_no="INV-2026-002")
        pending = _certificate(cast, items=1, invoice_no="INV-2026-003")
        issued = _certificate(cast, items=2, invoice_no="INV-2026-004")
        returned = _certificate(cast, items=1, invoice_no="INV-2026-005")
        # 已申报, not yet sent: its page shows 待发送
        cert = db.session.get(Certificate, ids.declared)
        assert services.declare(cert, None, TODAY, undertaking=True) == []
        db.session.commit()
        # On the officer's desk, waiting for 人工审核
        decl = _declare_and_deliver(pending)
        ids.decl_pending, ids.pending_no = decl.id, decl.cert_no
        decl = _declare_and_deliver(issued)
        review.approve(decl, officer.display_name, officer.id, TODAY)
        ids.decl_issued = decl.id
        decl = _declare_and_deliver(returned)
        review.accept(decl, officer.display_name, officer.id)
        review.return_(decl, officer.display_name, officer.id, "发票日期与发票不符")
        ids.decl_returned = decl.id
        db.session.commit()
        polling.poll_all()  # the enterprise fetches its receipts
        ids.issued, ids.returned = issued, returned
        original = db.session.get(Certificate, issued)
        ids.issued_no = original.cert_no
        ids.verify_token = verify.token(app.config["SECRET_KEY"], original.cert_no)
        ids.change = changes.start(original, "change", cast.clerk_a, TODAY).id
        db.session.commit()
        ids.reissue = changes.start(db.session.get(Certificate, issued), "reissue", cast.clerk_a, TODAY).id
        db.session.commit()
        draft = db.session.get(Certificate, ids.draft)
        ids.item = draft.items[1].id
        ids.material = db.session.get(Certificate, ids.japan).materials[0].id
        ids.japan_no = db.session.get(Certificate, ids.japan).cert_no
        ids.entry = db.session.scalar(sa.select(CodeEntry.id).where(CodeEntry.table == "country",
                                                                     CodeEntry.code == "JP"))
        # 经核准出口商 of enterprise A (原产地声明 under 中国-瑞士 and RCEP)
        from app.accounts.approved_exporters import add as add_approval
        from app.accounts.models import Enterprise

        ids.approval = add_approval(db.session.get(Enterprise, cast.ent_a.id), approval_no="CH3100AE01",
                                    agreements=["S", "RCEP"], valid_from=date(2026, 1, 1),
                                    valid_until=date(2027, 12, 31), actor=cast.admin_a).id
        db.session.commit()
        # 商品库 of enterprise A
        from app.certificates import products

        ids.product = products.save(cast.ent_a.id, {"code": "TB-001", "hs_code": "96032100", "name_cn": "牙刷",
                                                    "name_en": "TOOTHBRUSH", "quantity_unit": "PCS"}, None,
                                    criteria={"RCEP": ("PE", None)}).id
        db.session.commit()
        # 双重认证 of enterprise B's admin (not a crawled role): the state login-code signs in with it.
        ids.two_factor_user, ids.two_factor_secret = cast.admin_b.username, totp.new_secret()
        two_factor.activate(cast.admin_b, ids.two_factor_secret)
        db.session.commit()
        statuses = {c.status.value for c in db.session.scalars(sa.select(Certificate))}
        assert {"draft", "declared", "issued", "returned"} <= statuses, statuses
        db.session.remove()
    return ids


@pytest.fixture(scope="module")
def a11y_app(db_url):
    app = create_app(make_config(db_url))
    yield app
    _empty_tables(app)


@pytest.fixture(scope="module")
def a11y_data(a11y_app):
    return seed(a11y_app)


@pytest.fixture(scope="module")
def a11y_server(a11y_app, a11y_data):
    wsgi = _InFlight(a11y_app)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    wsgi.wait_idle()
    server.server_close()
    thread.join(timeout=5)


class Contexts:
    """One browser context per (role, JavaScript on/off), logged in once per role through the real form."""

    def __init__(self, browser, app, server):
        self.browser, self.app, self.server = browser, app, server
        self.states: dict = {}
        self.open: dict = {}

    def _state(self, role):
        if role not in self.states:
            context = self.browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.goto(self.server + "/login")
            cid = page.locator("input[name=captcha_id]").get_attribute("value")
            page.fill("#username", USERNAMES[role])
            page.fill("#password", PASSWORD)
            page.fill("#captcha", self.app.config["CAPTCHAS"][cid])
            page.click("#login-button")
            browser_second_factor(page, self.app, self.server, USERNAMES[role])  # officer, sysadmin: 双重认证
            page.wait_for_url(self.server + "/")
            self.states[role] = context.storage_state()
            context.close()
        return self.states[role]

    def get(self, role: str, js: bool):
        key = (role, js)
        if key not in self.open:
            state = None if role == "anonymous" else self._state(role)
            context = self.browser.new_context(viewport=VIEWPORT, java_script_enabled=js, storage_state=state,
                                               locale="zh-CN")
            context.set_default_timeout(10_000)  # a page that does not come fails in seconds, not half a minute
            self.open[key] = context
        return self.open[key]

    def close(self):
        for context in self.open.values():
            context.close()


@pytest.fixture(scope="module")
def contexts(browser, a11y_app, a11y_server):
    made = Contexts(browser, a11y_app, a11y_server)
    yield made
    made.close()
