"""API request times (/api/v1): create (with one goods row), declare, read, list and PDF, each N times.

Every call goes through the whole API as an ERP's does: the token is checked and the call counted in the token's
rate window (a write per call), the body read through the page's forms, the answer built as JSON. `--http`
serves the app on a loopback port (werkzeug, threaded) and calls it over HTTP with urllib, so the figures include
the HTTP layer; without it the calls go through Flask's test client in-process (server time plus a little client
overhead). PDFs go through the print workers as on the pages. SQLite (a temporary file with the full code tables),
and PostgreSQL when one answers (--pg [URL] or BENCH_PG_URL, else postgresql://postgres@127.0.0.1:5432/test if
reachable: a throwaway database co_bench_api_<pid> is made and dropped; --no-pg skips it). The list is asked with
2·N certificates of the enterprise in the database (its first page of 20, newest first, and a search by status).

Run: make bench (or .venv/bin/python bench/api.py [--n 50] [--http] [--pg [URL] | --no-pg]).
"""
import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.accounts.models import Enterprise  # noqa: E402
from app.accounts.roles import Role  # noqa: E402
from app.api import tokens  # noqa: E402
from app.extensions import db  # noqa: E402
from app.refdata.services import load_tables  # noqa: E402
from app.settings.models import SystemSetting  # noqa: E402
from tests.support import GENERAL_BASIC, GOODS_ROW  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
KEY = "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M="
BODY = {"cert_type": "C", **GENERAL_BASIC, "goods": [GOODS_ROW]}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(name, times):
    print(f"  {name:<44} n={len(times):<4} p50 {statistics.median(times):7.1f} ms  "
          f"p95 {percentile(times, 0.95):7.1f} ms  max {max(times):7.1f} ms")


class Caller:
    """Calls with the token, through the test client or over HTTP; (status, body bytes)."""

    def __init__(self, app, token, base_url=None):
        self.client, self.base, self.headers = app.test_client(), base_url, {"Authorization": f"Bearer {token}"}

    def __call__(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {**self.headers, **({"Content-Type": "application/json"} if data else {})}
        if self.base is None:
            response = self.client.open("/api/v1" + path, method=method, data=data, headers=headers)
            return response.status_code, response.data
        request = urllib.request.Request(self.base + "/api/v1" + path, method=method, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


def timed(fn, n):
    times = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def seed(app) -> str:
    """An enterprise with its 资质备案, a clerk, a token acting as the clerk; the rate out of the way."""
    with app.app_context():
        upgrade()
        load_tables()
        enterprise = accounts.create_enterprise(name="基准企业", admin_username="bench_admin",
                                                admin_display_name="bench", admin_password="Bench-pass-1x")
        q = enterprise.qualification
        q.co_reg_no, q.org_code, q.name_cn = "310000001", "91350100M000100Y43", "基准企业"
        clerk = accounts.create_user(username="bench_clerk", display_name="bench", role=Role.CLERK,
                                     password="Bench-pass-1x", enterprise=enterprise, must_change_password=False)
        db.session.merge(SystemSetting(key="api.requests_per_minute", value="100000"))
        db.session.commit()
        _row, token = tokens.create(db.session.get(Enterprise, enterprise.id), name="bench", user_id=clerk.id,
                                    actor=enterprise.users[0])
        db.session.commit()
        return token


def run(label, url, n, http):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DATA_ENCRYPTION_KEYS": KEY,
                      "CAPTCHA_ENABLED": False, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    server = thread = None
    try:
        token = seed(app)
        if http:
            server = make_server("127.0.0.1", 0, app, threaded=True)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
        call = Caller(app, token, f"http://127.0.0.1:{server.server_port}" if http else None)
        print(f"{label} ({'HTTP, werkzeug threaded' if http else 'test client, in-process'}):")
        ids = []

        def create(_i):
            status, body = call("POST", "/certificates", BODY)
            assert status == 201, body[:300]
            ids.append(json.loads(body)["id"])

        def declare(i):
            status, body = call("POST", f"/certificates/{ids[i]}/declare", {"undertaking": True})
            assert status == 200, body[:300]

        def read(i):
            assert call("GET", f"/certificates/{ids[i]}")[0] == 200

        def listed(_i):
            assert call("GET", "/certificates")[0] == 200

        def searched(_i):
            assert call("GET", "/certificates?status=declared&goods=9603")[0] == 200

        def pdf(i):
            status, body = call("GET", f"/certificates/{ids[i]}/pdf?kind=certificate&format=standard")
            assert status == 200 and body.startswith(b"%PDF"), body[:300]

        call("GET", "/certificate-types")  # first call: templates, caches
        report("create (POST /certificates, 1 goods row)", timed(create, 2 * n))
        report("declare (POST …/declare)", timed(declare, n))
        report("read (GET /certificates/{id})", timed(read, n))
        report(f"list (GET /certificates, {len(ids)} there)", timed(listed, n))
        report("search (GET /certificates?status=&goods=)", timed(searched, n))
        pdf(0)  # the print workers start on the first print
        report("PDF (GET …/pdf?kind=certificate, 1 page)", timed(pdf, n))
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def pg_server(args):
    if args.no_pg:
        return None
    url = args.pg or os.environ.get("BENCH_PG_URL")
    import psycopg

    try:
        psycopg.connect(url or DEFAULT_PG, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if url:
            raise SystemExit(f"PostgreSQL at {url} does not answer: {exc}")
        print(f"PostgreSQL: skipped ({DEFAULT_PG} does not answer; give --pg URL or BENCH_PG_URL)")
        return None
    return url or DEFAULT_PG


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50, help="calls timed per operation (creates: twice as many)")
    parser.add_argument("--http", action="store_true", help="over HTTP on a loopback port, not the test client")
    parser.add_argument("--pg", nargs="?", const=DEFAULT_PG, default=None, help="also on this PostgreSQL server")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    workdir = Path(tempfile.mkdtemp(prefix="co-bench-api-"))
    run("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}", args.n, args.http)
    server = pg_server(args)
    if server:
        from config import database_url
        from scripts.pgdb import main as pgdb

        name = f"co_bench_api_{os.getpid()}"
        url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
        pgdb("create", server, name)
        try:
            run("PostgreSQL", database_url(url), args.n, args.http)
        finally:
            pgdb("drop", server, name)


if __name__ == "__main__":
    main()
