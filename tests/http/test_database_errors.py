"""When the database fails (issue 13, medium 4 and low): the log never holds a secret, and a locked or unreachable
database answers 503 系统繁忙，请稍后再试 — on SQLite ("database is locked") and on PostgreSQL (lock_timeout) —
telling the user where their input is, while nothing half-done is stored."""
import logging
import sqlite3
import threading
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.certificates.models import Certificate
from app.extensions import db
from tests.support import GENERAL_BASIC, HTMX, page_form

STRONG = "Kq7#vLp2!mZx9wR4"


def _dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


@contextmanager
def failing_inserts(app, table):
    """Every INSERT into `table` fails inside the database (not a constraint: an error the app does not expect)."""
    with app.app_context():
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.exec_driver_sql("CREATE FUNCTION test_fail() RETURNS trigger AS $$ BEGIN "
                                     "RAISE EXCEPTION 'the test says no'; END $$ LANGUAGE plpgsql")
                conn.exec_driver_sql(f"CREATE TRIGGER test_fail BEFORE INSERT ON {table} FOR EACH ROW "
                                     "EXECUTE FUNCTION test_fail()")
            else:
                conn.exec_driver_sql(f"CREATE TRIGGER test_fail BEFORE INSERT ON {table} "
                                     "BEGIN SELECT x FROM test_missing_table; END")
        db.engine.dispose()
    try:
        yield
    finally:
        with app.app_context():
            with db.engine.begin() as conn:
                conn.exec_driver_sql(f"DROP TRIGGER test_fail ON {table}" if db.engine.dialect.name == "postgresql"
                                     else "DROP TRIGGER test_fail")
                if db.engine.dialect.name == "postgresql":
                    conn.exec_driver_sql("DROP FUNCTION test_fail()")
            db.engine.dispose()


# ---------------------------------------------------------------- secrets never in the log
def test_a_database_error_logs_no_password_hash_and_no_form_value(app, client, cast, log_in, caplog):
    log_in("admin_a")
    data = {**page_form(client, "/users"), "username": "wang_clerk", "display_name": "王五", "role": "clerk",
            "password": STRONG, "confirm": STRONG}
    caplog.set_level(logging.INFO)
    with failing_inserts(app, "users"):
        response = client.post("/users", data=data)
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "系统错误" in html and "Traceback" not in html and "test_missing_table" not in html
    logged = "\n".join(r.getMessage() + (str(r.exc_info[1]) if r.exc_info else "") for r in caplog.records)
    assert "unhandled error" in logged or "database error" in logged  # the fault is logged …
    assert "INSERT INTO users" in logged  # … with the statement that failed …
    assert "$argon2" not in logged and STRONG not in logged and "wang_clerk" not in logged  # … and no values
    assert "王五" not in logged
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "wang_clerk")) is None


def test_a_unique_violation_logs_no_values(app, client, cast, log_in, caplog):
    """PostgreSQL's DETAIL repeats the duplicate value ("Key (username)=(…) already exists"): never logged."""
    from app.web import errorlog

    with app.app_context():
        db.session.add(User(username="dup_user", display_name="x", role="clerk", password_hash="$argon2id$secret"))
        db.session.commit()
        try:
            db.session.add(User(username="dup_user", display_name="y", role="clerk",
                                password_hash="$argon2id$other-secret"))
            db.session.flush()
        except sa.exc.IntegrityError as exc:
            text = errorlog.describe(exc, "POST", "/users", "accounts.users_create")
        db.session.rollback()
    assert "INSERT INTO users" in text and "parameters not logged" in text
    assert "dup_user" not in text and "$argon2id" not in text


# ---------------------------------------------------------------- 503 when the database is busy
@pytest.fixture
def clerk(client, cast, log_in):
    log_in("clerk_a")
    return client


def _save(client, cert_id, htmx=False, **changes):
    url = f"/certificates/{cert_id}"
    data = {**page_form(client, url), **GENERAL_BASIC, "action": "save", **changes}
    return client.post(url, data=data, headers={**HTMX, "HX-Target": "x"} if htmx else {})


@contextmanager
def locked(app, cert_id, release_after=5.0):
    """Another connection holds what the save needs: a row lock (PostgreSQL) or the write lock (SQLite).

    It lets go after `release_after` seconds, so that code without a lock timeout waits and then succeeds (the
    test fails) rather than hanging.
    """
    if _dialect(app) == "postgresql":
        with app.app_context():
            url = db.engine.url
        import psycopg

        conn = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
        conn.execute("SELECT id FROM certificates WHERE id = %s FOR UPDATE", (cert_id,))
        app.config["DB_LOCK_TIMEOUT_MS"] = 300
    else:
        with app.app_context():
            path = db.engine.url.database
            db.engine.dispose()  # new connections take the short busy timeout
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        app.config["SQLITE_BUSY_TIMEOUT_MS"] = 300
    lock, released = threading.Lock(), []

    def release():
        with lock:
            if not released:
                conn.rollback()
                conn.close()
                released.append(True)

    timer = threading.Timer(release_after, release)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        release()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_save_while_the_database_is_locked_answers_503_and_stores_nothing(app, clerk, make_certificate, htmx):
    cert_id = make_certificate(items=1)
    with locked(app, cert_id):
        response = _save(clerk, cert_id, htmx=htmx, importer_name="LOCKED GMBH")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert "系统繁忙，请稍后再试" in html and "Traceback" not in html
    if htmx:
        # htmx does not swap a 503: the form stays as typed; app.js shows the box's text
        assert "您填写的内容仍在页面上" in html and "<form" not in html
    else:
        assert "后退" in html and "您填写的内容仍在那里" in html
    with app.app_context():
        assert db.session.get(Certificate, cert_id).importer_name != "LOCKED GMBH"
    retry = _save(clerk, cert_id, htmx=htmx, importer_name="LOCKED GMBH")  # the lock is gone: it works again
    assert retry.status_code in (200, 302), retry.get_data(as_text=True)[:300]
    with app.app_context():
        assert db.session.get(Certificate, cert_id).importer_name == "LOCKED GMBH"


def test_a_lock_wait_is_logged_as_busy_not_as_a_crash(app, clerk, make_certificate, caplog):
    cert_id = make_certificate(items=1)
    caplog.set_level(logging.INFO)
    with locked(app, cert_id):
        assert _save(clerk, cert_id).status_code == 503
    busy = [r for r in caplog.records if "database busy" in r.getMessage()]
    assert busy and all(r.levelno == logging.WARNING and not r.exc_info for r in busy)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_other_database_errors_are_not_called_busy(app, client, cast, log_in):
    """A fault stays a fault (500, logged as an error): only locks, timeouts and lost connections are 503."""
    log_in("admin_a")
    data = {**page_form(client, "/users"), "username": "li_clerk", "display_name": "李四", "role": "clerk",
            "password": STRONG, "confirm": STRONG}
    with failing_inserts(app, "users"):
        assert client.post("/users", data=data).status_code == 500


def test_an_unreachable_database_answers_503(app, clerk, make_certificate, monkeypatch):
    """The database went away between two requests: 503 with the plain page (the shell needs the database)."""
    cert_id = make_certificate(items=1)
    with app.app_context():
        db.engine.dispose()
        good_url = db.engine.url
    bad = good_url.set(host="127.0.0.1", port=1) if _dialect(app) == "postgresql" else None
    if bad is None:
        pytest.skip("SQLite has no server to lose; its busy case is covered by the lock test")
    with app.app_context():
        engine = sa.create_engine(bad, connect_args={"connect_timeout": 1})
        monkeypatch.setitem(db._app_engines[app], None, engine)
    response = clerk.get(f"/certificates/{cert_id}")
    assert response.status_code == 503
    assert "系统繁忙，请稍后再试" in response.get_data(as_text=True)
    engine.dispose()
