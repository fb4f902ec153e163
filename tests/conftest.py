"""Fixtures: a real database (SQLite file, or PostgreSQL from DATABASE_URL), the app, a cast of users,
and a live server for the browser tests."""
import os
import threading

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.accounts import services
from app.accounts.roles import Role
from app.extensions import db
from app.refdata.models import CodeEntry
from app.refdata.services import load_tables
from config import database_url
from tests.support import PASSWORD, login

try:  # what a person waits for on a busy CI machine: 10 s, not Playwright's 5 (a missing thing still fails)
    from playwright.sync_api import expect as _expect

    _expect.set_options(timeout=10_000)
except ImportError:  # pragma: no cover - the browser tests need Playwright anyway
    pass

ENCRYPTION_KEY = "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M="


def _test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    # The suite empties every table: never point it at a database not meant for tests.
    if "test" not in url.rsplit("/", 1)[-1]:
        pytest.exit(f"refusing to run the tests on {url}: its database name must contain 'test'", returncode=2)
    return database_url(url)


def make_config(url: str, **extra) -> dict:
    captchas: dict = {}
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key",
        "DATA_ENCRYPTION_KEYS": ENCRYPTION_KEY,
        "CAPTCHA_ENABLED": True,
        # The test-only hook: tests read the answer as a person reads the picture.
        "CAPTCHA_OBSERVER": captchas.__setitem__,
        "CAPTCHAS": captchas,
        "DEMO_MODE": False,
        # A cheaper argon2id cost keeps the suite fast; test_passwords checks the real defaults.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 1024,
        # The suite runs no jobs process: /healthz must not answer 503 for that (test_observability checks it does).
        "HEALTH_REQUIRE_JOBS": False,
    }
    config.update(extra)
    return config


def dispose(app) -> None:
    """Close every connection of an extra app made by a test (its own engine and pool)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def reset_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    """The test database, built by running every migration on an empty schema."""
    url = _test_database_url(tmp_path_factory)
    reset_schema(url)
    app = create_app(make_config(url))
    with app.app_context():
        upgrade()
        load_tables()  # the code tables are reference data: loaded once, kept between tests
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return url


def _empty_tables(app) -> None:
    """Empty every table but the code tables; code entries a test edited are put back as shipped."""
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name != "code_entries"]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.exec_driver_sql("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")
            else:
                for table in tables:
                    conn.exec_driver_sql(f"DELETE FROM {table}")
            edited = [row[0] for row in conn.execute(sa.select(CodeEntry.table).where(
                CodeEntry.locally_edited.is_(True)).distinct())]
            conn.execute(sa.delete(CodeEntry).where(CodeEntry.locally_edited.is_(True)))
        if edited:
            load_tables(edited)
            db.session.commit()
            db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(db_url):
    app = create_app(make_config(db_url))
    yield app
    with app.app_context():
        # A connection the test left checked out would leak; report it against this test.
        assert db.engine.pool.checkedout() == 0, "a database connection was left open"
    _empty_tables(app)


@pytest.fixture
def japan_gsp(app):
    """A sysadmin's edit in 参数表 协定成员: Japan still gives GSP (it did until 2019-04), so that a certificate
    dated today reaches the 日本进料信息 rules. The edit is undone after the test (_empty_tables)."""
    from app.refdata.services import save_entry

    with app.app_context():
        entry = db.session.scalar(sa.select(CodeEntry).where(
            CodeEntry.table == "agreement_member", CodeEntry.category == "G", CodeEntry.code == "JP"))
        save_entry(entry, name_zh=entry.name_zh, name_en=entry.name_en, category=entry.category,
                   attrs={k: v for k, v in entry.attrs.items() if k != "valid_until"}, active=True,
                   source=entry.source, sort=entry.sort)
        db.session.commit()


@pytest.fixture
def captchas(app) -> dict:
    return app.config["CAPTCHAS"]


@pytest.fixture
def client(app):
    return app.test_client()


class Cast:
    """Two enterprises (A and B) with an admin and a clerk each, an officer and a sysadmin."""

    def __init__(self):
        self.ent_a = services.create_enterprise(name="甲进出口有限公司", admin_username="admin_a",
                                                admin_display_name="甲管理员", admin_password=PASSWORD)
        self.ent_b = services.create_enterprise(name="乙贸易有限公司", admin_username="admin_b",
                                                admin_display_name="乙管理员", admin_password=PASSWORD)
        self.admin_a = self.ent_a.users[0]
        self.admin_b = self.ent_b.users[0]
        self.clerk_a = self._user("clerk_a", Role.CLERK, self.ent_a)
        self.clerk_b = self._user("clerk_b", Role.CLERK, self.ent_b)
        self.officer = self._user("officer_sh", Role.OFFICER, authority_code="3100")
        self.sysadmin = self._user("root_admin", Role.SYSADMIN)
        for user in (self.admin_a, self.admin_b):
            user.must_change_password = False
        for enterprise, reg_no, org in ((self.ent_a, "310000001", "91350100M000100Y43"),
                                        (self.ent_b, "310000002", "D2143569X")):
            q = enterprise.qualification
            q.co_reg_no, q.org_code, q.name_cn = reg_no, org, enterprise.name
        db.session.commit()

    @staticmethod
    def _user(username, role, enterprise=None, authority_code=None):
        return services.create_user(username=username, display_name=username, role=role, password=PASSWORD,
                                    enterprise=enterprise, authority_code=authority_code,
                                    must_change_password=False)


@pytest.fixture
def cast(app):
    with app.app_context():
        cast = Cast()
        ids = {name: getattr(cast, name).id for name in
               ("admin_a", "admin_b", "clerk_a", "clerk_b", "officer", "sysadmin", "ent_a", "ent_b")}
    return type("CastIds", (), ids)


@pytest.fixture
def make_certificate(app, cast):
    """make_certificate(items=1, status=None, cert_type="C", materials=0) → id of a saved certificate of
    enterprise A."""
    from datetime import date

    from app.accounts.models import Enterprise, User
    from app.certificates import japan_materials as cert_materials, services as cert_services
    from app.certificates.entry_forms import goods_form_class
    from app.certificates.states import Status
    from app.certificates.types import TYPES
    from tests.support import GOODS_ROW, MATERIAL_ROW, basic_for

    def make(items=1, status=None, cert_type="C", materials=0, **changes):
        from app.certificates.entry_forms import MaterialForm, basic_form_class

        ctype = TYPES[cert_type]
        # GSP goes only to the donors that still give it (NO, NZ, AU); APTA to its members.
        fallback = {"G": "NO", "B": "IN"}.get(cert_type, "DE")
        basic = basic_for(changes.pop("destination_country", None) or (ctype.destinations or (fallback,))[0], **changes)
        with app.test_request_context("/", method="POST", data=basic):
            form = basic_form_class(ctype)(meta={"csrf": False})
            assert form.validate(), form.errors
            enterprise = db.session.get(Enterprise, cast.ent_a)
            cert = cert_services.create(enterprise, ctype, form.data, db.session.get(User, cast.clerk_a),
                                        date(2026, 11, 20))
            for _ in range(items):
                goods = goods_form_class(ctype)(formdata=MultiDict(GOODS_ROW), meta={"csrf": False})
                assert goods.validate(), goods.errors
                cert_services.add_item(cert, goods.data)
            for _ in range(materials):
                material = MaterialForm(formdata=MultiDict(MATERIAL_ROW), meta={"csrf": False})
                assert material.validate(), material.errors
                cert_materials.add_material(cert, material.data)
            if status:
                cert.status = Status(status)
            cert_id = cert.id
            db.session.commit()
        return cert_id

    return make


@pytest.fixture
def log_in(client, captchas):
    """log_in("admin_a") logs the test client in through the real login form."""
    def do(username, password=PASSWORD):
        response = login(client, captchas, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response
    return do


# ------------------------------------------------------------------ browser tests
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-playwright's own (defined in a way pytest 9 warns about); tests use live_server."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            "args": CHROMIUM_ARGS}


class _InFlight:
    """WSGI middleware counting requests being handled, so teardown can wait for them."""

    def __init__(self, app):
        self.app, self.count, self.lock = app, 0, threading.Condition()

    def __call__(self, environ, start_response):
        with self.lock:
            self.count += 1
        result = self.app(environ, start_response)
        try:
            return list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
            with self.lock:
                self.count -= 1
                self.lock.notify_all()

    def wait_idle(self, timeout=10):
        with self.lock:
            self.lock.wait_for(lambda: self.count == 0, timeout=timeout)


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free port, in a thread of this process."""
    wsgi = _InFlight(app)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    # Requests the browser still had in flight finish before the tables are emptied.
    wsgi.wait_idle()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def make_product(app, cast):
    """make_product(code="TB-001", **fields, criteria={"RCEP": ("PE", None)}) → id of a 商品库 product of A.

    Defaults: the toothbrush of tests.support.GOODS_ROW (9603.21, PCS, CTNS, KGS, USD)."""
    from app.certificates import products

    def make(code="TB-001", criteria=None, **fields):
        values = {"code": code, "hs_code": "960321", "name_cn": "牙刷", "name_en": "TOOTHBRUSH", "quantity_unit": "PCS",
                  "package_unit": "CTNS", "weight_unit": "KGS", "currency": "USD", **fields}
        with app.app_context():
            product = products.save(cast.ent_a, values, None, criteria=criteria)
            db.session.commit()
            return product.id

    return make
