"""Exchange speed with the embedded gateway and automatic review on (the default `authority.auto_review_types` "*").

(a) Latency from 申报 to 审核通过 as the clerk's page would see it: a real `flask jobs run` process runs at the
    default intervals (EXCHANGE_SEND_SECONDS=1, EXCHANGE_POLL_SECONDS=2); N certificates are declared one at a
    time in-process, with a random pause of 0–2 s before each (a clerk does not declare in step with the
    jobs' clock), and the database is read every 0.2 s until the certificate is 审核通过. The page itself
    re-polls every 2 s, so a clerk may see it up to 2 s later than measured here.
(b) Throughput: M declarations queued, then outbox.send_due() + polling.poll_all() run in this one process
    until every one is delivered, reviewed and its receipts applied.

Both on SQLite (a temporary file) and on PostgreSQL when one answers: --pg [URL] or BENCH_PG_URL, else
postgresql://postgres@127.0.0.1:5432/test if reachable (a throwaway database co_bench_<pid> is created on that
server and dropped afterwards; --no-pg skips it).

Run: make bench (or .venv/bin/python bench/exchange.py [--n 20] [--m 500] [--pg [URL] | --no-pg]).
"""
import argparse
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.accounts.models import Enterprise, User  # noqa: E402
from app.accounts.roles import Role  # noqa: E402
from app.certificates import services  # noqa: E402
from app.certificates.entry_forms import basic_form_class, goods_form_class  # noqa: E402
from app.certificates.models import Certificate  # noqa: E402
from app.certificates.states import Status  # noqa: E402
from app.certificates.types import TYPES  # noqa: E402
from app.exchange import outbox, polling  # noqa: E402
from app.exchange.models import OutboxMessage, Receipt  # noqa: E402
from app.extensions import db  # noqa: E402
from app.refdata.services import load_tables  # noqa: E402
from app.timeutil import local_today  # noqa: E402
from config import database_url  # noqa: E402
from tests.support import GENERAL_BASIC, GOODS_ROW  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
KEY = "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M="
CO_REG_NO = "220000001"
SEND_SECONDS, POLL_SECONDS = 1, 2
WATCH_SECONDS = 0.2  # how often the benchmark reads the certificate's status
GIVE_UP_SECONDS = 60


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def summary(values, unit="s"):
    return (f"median {statistics.median(values):6.2f} {unit}  p95 {percentile(values, 0.95):6.2f} {unit}  "
            f"max {max(values):6.2f} {unit}")


# ------------------------------------------------------------------ the database and the app
def make_app(url):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": "bench",
                       "DATA_ENCRYPTION_KEYS": KEY, "CAPTCHA_ENABLED": False, "ARGON2_TIME_COST": 1,
                       "ARGON2_MEMORY_KIB": 1024, "APP_MODE": "full", "EXCHANGE_GATEWAY": "embedded",
                       "LOG_LEVEL": "WARNING"})


def seed(app):
    """Migrations, the code tables, one enterprise with its 资质备案 (签证机构 2200) and a clerk."""
    with app.app_context():
        logging.disable(logging.INFO)  # migrations/env.py sets alembic's loggers to INFO on every upgrade
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        load_tables()
        enterprise = accounts.create_enterprise(name="基准企业", admin_username="bench_admin",
                                                admin_display_name="bench", admin_password="Bench-pass1")
        q = enterprise.qualification
        q.co_reg_no, q.org_code, q.name_cn = CO_REG_NO, "91310000MA1FL0000N", "基准企业"
        clerk = accounts.create_user(username="bench_clerk", display_name="bench", role=Role.CLERK,
                                     password="Bench-pass1", enterprise=enterprise, must_change_password=False)
        db.session.commit()
        return enterprise.id, clerk.id


class Clerk:
    """Fills in and declares 一般原产地证 with one goods row, as tests/conftest.py make_certificate does."""

    def __init__(self, app, enterprise_id, clerk_id):
        self.app, self.enterprise_id, self.clerk_id = app, enterprise_id, clerk_id
        self.today = local_today(app.config["DISPLAY_TIMEZONE"])
        self.basic = {**GENERAL_BASIC, "application_date": self.today.isoformat(),
                      "invoice_date": self.today.isoformat()}

    def draft(self) -> int:
        with self.app.test_request_context("/", method="POST", data=self.basic):
            form = basic_form_class(TYPES["C"])(meta={"csrf": False})
            assert form.validate(), form.errors
            enterprise, clerk = db.session.get(Enterprise, self.enterprise_id), db.session.get(User, self.clerk_id)
            cert = services.create(enterprise, TYPES["C"], form.data, clerk, self.today)
            goods = goods_form_class(TYPES["C"])(formdata=MultiDict(GOODS_ROW), meta={"csrf": False})
            assert goods.validate(), goods.errors
            services.add_item(cert, goods.data)
            cert_id = cert.id
            db.session.commit()
        return cert_id

    def declare(self, cert_id: int) -> None:
        with self.app.test_request_context("/", method="POST"):
            cert = db.session.get(Certificate, cert_id)
            problems = services.declare(cert, db.session.get(User, self.clerk_id), self.today, undertaking=True)
            assert not problems, problems
            db.session.commit()


def status_of(app, cert_id) -> Status:
    """One read in its own short transaction (a fresh snapshot each time, as a page request has)."""
    with app.app_context():
        try:
            return db.session.scalar(sa.select(Certificate.status).where(Certificate.id == cert_id))
        finally:
            db.session.remove()


# ------------------------------------------------------------------ (a) latency with a real jobs process
def start_jobs(url, workdir):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_MODE", "EXCHANGE_GATEWAY")}
    env.update(DATABASE_URL=url, SECRET_KEY="bench", DATA_ENCRYPTION_KEYS=KEY, APP_MODE="full",
               EXCHANGE_GATEWAY="embedded", EXCHANGE_SEND_SECONDS=str(SEND_SECONDS),
               EXCHANGE_POLL_SECONDS=str(POLL_SECONDS), INSTANCE_DIR=str(workdir / "instance"), LOG_LEVEL="WARNING")
    log = open(workdir / "jobs.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    return process, log


def stop_jobs(process, log):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def wait_issued(app, cert_id, started) -> float | None:
    while time.perf_counter() - started < GIVE_UP_SECONDS:
        status = status_of(app, cert_id)
        if status == Status.ISSUED:
            return time.perf_counter() - started
        if status == Status.RETURNED:
            return None
        time.sleep(WATCH_SECONDS)
    return None


def latency(app, clerk, url, workdir, n):
    process, log = start_jobs(url, workdir)
    try:
        warm = clerk.draft()  # the first one waits for the jobs process to start and take the lease
        clerk.declare(warm)
        if wait_issued(app, warm, time.perf_counter()) is None:
            raise SystemExit(f"the warm-up declaration was not issued; see {workdir / 'jobs.log'}")
        pause = random.Random(20261127)
        seconds, ids, lost = [], [], 0
        for _ in range(n):
            cert_id = clerk.draft()
            time.sleep(pause.uniform(0, POLL_SECONDS))
            started = time.perf_counter()
            clerk.declare(cert_id)
            waited = wait_issued(app, cert_id, started)
            if waited is None:
                lost += 1
            else:
                seconds.append(waited)
                ids.append(cert_id)
    finally:
        stop_jobs(process, log)
    # Where the time went, from the rows' own timestamps (sent_at / received_at, naive UTC).
    with app.app_context():
        send_wait, poll_wait = [], []
        for cert_id in ids:
            cert = db.session.get(Certificate, cert_id)
            sent = db.session.scalar(sa.select(OutboxMessage.sent_at).where(OutboxMessage.certificate_id == cert_id))
            fetched = db.session.scalar(sa.select(sa.func.max(Receipt.received_at))
                                        .where(Receipt.certificate_id == cert_id))
            send_wait.append((sent - cert.declared_at).total_seconds())
            poll_wait.append((fetched - sent).total_seconds())
        db.session.remove()
    print(f"  (a) 申报 → 审核通过, jobs process at {SEND_SECONDS} s / {POLL_SECONDS} s, n={len(seconds)}"
          + (f", {lost} NOT issued within {GIVE_UP_SECONDS} s" if lost else ""))
    if seconds:
        print(f"      seen by the clerk (read every {WATCH_SECONDS} s): {summary(seconds)}")
        print(f"      of which 申报 → sent:                   {summary(send_wait)}")
        print(f"      of which sent → receipts fetched:       {summary(poll_wait)}")


# ------------------------------------------------------------------ (b) throughput in one process
def throughput(app, clerk, m):
    started = time.perf_counter()
    ids = []
    for _ in range(m):
        cert_id = clerk.draft()
        clerk.declare(cert_id)
        ids.append(cert_id)
    queued = time.perf_counter() - started
    send_time = poll_time = 0.0
    rounds = 0
    with app.app_context():
        waiting = lambda: db.session.scalar(  # noqa: E731
            sa.select(sa.func.count(Certificate.id)).where(Certificate.id.in_(ids), Certificate.status != Status.ISSUED))
        while True:
            rounds += 1
            started = time.perf_counter()
            delivered, failed = outbox.send_due()
            send_time += time.perf_counter() - started
            started = time.perf_counter()
            new, poll_failed = polling.poll_all()
            poll_time += time.perf_counter() - started
            left = waiting()
            db.session.commit()
            if failed or poll_failed:
                print(f"      round {rounds}: {failed} sends failed, {poll_failed} polls failed")
            if not left or (not delivered and not new):
                break
        messages_sent = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                                          .where(OutboxMessage.certificate_id.in_(ids), OutboxMessage.status == "sent"))
        receipts = db.session.scalar(sa.select(sa.func.count(Receipt.id)).where(Receipt.certificate_id.in_(ids)))
        db.session.remove()
    total = send_time + poll_time
    print(f"  (b) {m} declarations queued in {queued:.1f} s ({queued / m * 1000:.1f} ms each: draft + 申报)")
    print(f"      delivered + reviewed + applied in {total:.1f} s over {rounds} rounds "
          f"(send_due {send_time:.1f} s, poll_all {poll_time:.1f} s): {m / total * 60:,.0f} declarations/min"
          + ("" if left == 0 else f" — {left} NOT issued"))
    print(f"      {messages_sent} messages sent, {receipts} receipts stored ({receipts / max(1, m):.1f} per declaration)")


# ------------------------------------------------------------------ runs
def run(label, url, workdir, n, m):
    print(f"{label}:")
    app = make_app(url)
    try:
        enterprise_id, clerk_id = seed(app)
        clerk = Clerk(app, enterprise_id, clerk_id)
        latency(app, clerk, url, workdir, n)
        throughput(app, clerk, m)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def pg_server(args):
    """The PostgreSQL server URL to use, or None."""
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
    parser.add_argument("--n", type=int, default=20, help="declarations timed one at a time (a)")
    parser.add_argument("--m", type=int, default=500, help="declarations queued for the throughput run (b)")
    parser.add_argument("--pg", nargs="?", const=DEFAULT_PG, default=None, help="also on this PostgreSQL server")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="co-bench-"))
    run("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}", workdir, args.n, args.m)

    server = pg_server(args)
    if server:
        from scripts.pgdb import main as pgdb

        name = f"co_bench_{os.getpid()}"
        url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
        pgdb("create", server, name)
        try:
            run(f"PostgreSQL ({sa.engine.make_url(url).render_as_string()})", url, workdir, args.n, args.m)
        finally:
            pgdb("drop", server, name)


if __name__ == "__main__":
    main()
