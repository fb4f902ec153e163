"""Certificate entry speed on SQLite (targets: edit page with 50 goods rows < 30 ms median; adding a
row, which answers the whole goods section with its totals, < 30 ms; moving a row < 15 ms; 申报 of 50 rows,
rules and message, < 50 ms).

Run: make bench (or .venv/bin/python bench/certificates.py). Times are measured around in-process
requests through the test client: server time plus the client's small overhead.
"""
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.certificates import services  # noqa: E402
from app.certificates.entry_forms import basic_form_class, goods_form_class  # noqa: E402
from app.certificates.models import Certificate  # noqa: E402
from app.certificates.types import TYPES  # noqa: E402
from app.extensions import db  # noqa: E402
from app.refdata.services import load_tables  # noqa: E402
from tests.support import GENERAL_BASIC, GOODS_ROW  # noqa: E402

ROWS, ROUNDS = 50, 30


def timed(fn, rounds=ROUNDS):
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(name, times, target):
    """Median and p95 of all rounds, and the best median of three consecutive batches.

    This VM's speed drifts by a third between batches (CPU time drifts with wall time), so the best
    batch, as timeit advises, is the figure least disturbed by neighbours.
    """
    third = len(times) // 3
    best = min(statistics.median(times[i * third:(i + 1) * third]) for i in range(3))
    ordered = sorted(times)
    print(f"{name:<46} n={len(times):<3} median {statistics.median(times):6.2f} ms  "
          f"p95 {ordered[int(len(ordered) * 0.95) - 1]:6.2f} ms  best batch {best:6.2f} ms  target < {target} ms")


def make_certificate(app, enterprise, user):
    with app.test_request_context("/", method="POST", data=GENERAL_BASIC):
        form = basic_form_class(TYPES["C"])(meta={"csrf": False})
        form.validate()
        cert = services.create(enterprise, TYPES["C"], form.data, user, date(2026, 11, 20))
        goods = goods_form_class(TYPES["C"])(formdata=MultiDict(GOODS_ROW), meta={"csrf": False})
        goods.validate()
        for _ in range(ROWS):
            services.add_item(cert, goods.data)
        cert_id = cert.id
        db.session.commit()
    return cert_id


def setup(count):
    """A fresh SQLite database with the code tables, one enterprise, and `count` certificates of 50 rows."""
    workdir = Path(tempfile.mkdtemp(prefix="co-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                      "DATA_ENCRYPTION_KEYS": "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M=",
                      "CAPTCHA_ENABLED": False, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    with app.app_context():
        upgrade()
        load_tables()
        enterprise = accounts.create_enterprise(name="基准企业", admin_username="bench_admin",
                                                admin_display_name="bench", admin_password="Bench-pass1")
        q = enterprise.qualification
        q.co_reg_no, q.org_code, q.name_cn = "310000001", "91350100M000100Y43", "基准企业"
        user = enterprise.users[0]
        user.must_change_password = False
        db.session.commit()
        enterprise_id, user_id = enterprise.id, user.id
    with app.app_context():
        from app.accounts.models import Enterprise, User

        certs = [make_certificate(app, db.session.get(Enterprise, enterprise_id), db.session.get(User, user_id))
                 for _ in range(count)]
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": token, "username": "bench_admin", "password": "Bench-pass1"})
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    return app, client, certs, token


def main():
    app, client, certs, token = setup(2 * ROUNDS + 1)
    cert_id = certs[0]
    with app.app_context():
        item_id = db.session.get(Certificate, cert_id).items[10].id
    fragment = {"HX-Request": "true", "HX-Target": "goods"}

    def edit_page():
        assert client.get(f"/certificates/{cert_id}").status_code == 200

    add_targets = iter(certs[ROUNDS + 1:])

    def add_row():  # each round adds the 51st row of its own certificate
        target = next(add_targets)
        r = client.post(f"/certificates/{target}/goods", data={"csrf_token": token, **GOODS_ROW}, headers=fragment)
        assert r.status_code == 200

    def move_row():
        r = client.post(f"/certificates/{cert_id}/goods/{item_id}/action", data={"csrf_token": token, "op": "up"},
                        headers=fragment)
        assert r.status_code == 200

    declare_targets = iter(certs[1:ROUNDS + 1])

    def declare():
        target = next(declare_targets)
        version = db_version(app, target)
        r = client.post(f"/certificates/{target}", data={"csrf_token": token, "version": version, **GENERAL_BASIC,
                                                         "action": "declare", "undertaking": "y"})
        assert r.status_code == 302, r.status_code

    edit_page()
    report(f"edit page, {ROWS} goods rows (GET)", timed(edit_page), 30)
    report("add a goods row (htmx, answers the section)", timed(add_row), 30)
    report("move a goods row (htmx)", timed(move_row), 15)
    report(f"申报 with {ROWS} rows (save + rules + message)", timed(declare), 50)


def db_version(app, cert_id):
    with app.app_context():
        return db.session.get(Certificate, cert_id).version


if __name__ == "__main__":
    main()
