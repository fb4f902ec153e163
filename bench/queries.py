"""证书查询 at scale: 1,000,000 certificates over 1,000 enterprises (1–3 goods rows each), SQLite and PostgreSQL.

Targets (figures only, nothing asserted): for one enterprise, the query page with no condition and with any
single condition answers in < 50 ms server time at p95; 获取回执 for 50 selected certificates < 1 s with the
embedded gateway.

Seeding uses bulk Core inserts, never the ORM: SQLite gets executemany in chunks of 10,000 certificates (with
their goods rows), one transaction per chunk; PostgreSQL gets COPY. The secondary indexes of the two big tables
are dropped for the load and built again from their own definitions afterwards. Certificates of all
enterprises are interleaved in date order, as a live system writes them, so one enterprise's rows are spread
over the whole table. PostgreSQL is ANALYZEd after the load (autovacuum would do it within a minute); SQLite is
not (the app never runs ANALYZE, so the planner works without statistics there, as in production).

The seeded SQLite file is cached (--cache, default /tmp/co-bench-queries) and reused by later runs of the same
size: every run works on a copy, upgraded to the current migrations (a new index migration is picked up).
PostgreSQL is seeded afresh in a throwaway database co_bench_q_<pid> (--pg [URL] or BENCH_PG_URL, else
postgresql://postgres@127.0.0.1:5432/test when it answers; --no-pg skips it); with --pg-cache the seeded
database is kept on the server (co_bench_q_seed_<size>_v<n>, about 1 GB at full size: drop it when done) and
every run benches a copy of it made with CREATE DATABASE … TEMPLATE.

Server time is measured around client.get / client.post of the Flask test client (the whole request runs
in-process), logged in as one enterprise's clerk. A query over the target is explained (SQLite EXPLAIN QUERY
PLAN, PostgreSQL EXPLAIN ANALYZE) with its slowest statements; --explain explains every query.

Run: .venv/bin/python bench/queries.py [--certificates 1000000] [--enterprises 1000] [--pg [URL] | --no-pg]
     [--pg-cache] [--no-sqlite] [--reseed] [--explain]
"""
import argparse
import logging
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy.ext.compiler import compiles  # noqa: E402
from sqlalchemy.sql.expression import ClauseElement, Executable  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Enterprise, Qualification, User  # noqa: E402
from app.accounts.passwords import hash_password  # noqa: E402
from app.accounts.roles import Role  # noqa: E402
from app.certificates import services  # noqa: E402
from app.certificates.entry_forms import basic_form_class, goods_form_class  # noqa: E402
from app.certificates.invoice import normalise_invoice  # noqa: E402
from app.certificates.models import Certificate, CertificateItem, NumberCounter  # noqa: E402
from app.certificates.states import Status  # noqa: E402
from app.certificates.types import TYPES  # noqa: E402
from app.exchange.models import Receipt  # noqa: E402
from app.extensions import db  # noqa: E402
from app.queries import filters, service  # noqa: E402
from app.queries.views import STATUS_CHOICES  # noqa: E402
from app.refdata.hs import check_hs_code  # noqa: E402
from app.refdata.services import load_tables  # noqa: E402
from app.timeutil import local_today  # noqa: E402
from config import database_url  # noqa: E402
from tests.support import GENERAL_BASIC, GOODS_ROW  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
KEY = "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M="
PASSWORD = "Bench-pass1"
SEED_VERSION = 1  # bump when the seeded data changes: the cached SQLite files of older versions are not reused
CHUNK = 10_000
TARGET_MS, FETCH_TARGET_S = 50, 1.0

# ------------------------------------------------------------------ what the seeded data looks like
TYPE_WEIGHTS = {"C": 45, "E": 20, "K": 10, "G": 8, "A": 7, "R": 5, "F": 5}
COUNTRIES = {
    "US": "UNITED STATES", "DE": "GERMANY", "JP": "JAPAN", "GB": "UNITED KINGDOM", "FR": "FRANCE",
    "NL": "NETHERLANDS", "IT": "ITALY", "ES": "SPAIN", "BE": "BELGIUM", "PL": "POLAND", "RU": "RUSSIA",
    "AE": "UNITED ARAB EMIRATES", "SA": "SAUDI ARABIA", "IN": "INDIA", "BR": "BRAZIL", "MX": "MEXICO",
    "CA": "CANADA", "AU": "AUSTRALIA", "NZ": "NEW ZEALAND", "KR": "KOREA", "SG": "SINGAPORE", "MY": "MALAYSIA",
    "TH": "THAILAND", "VN": "VIET NAM", "ID": "INDONESIA", "PH": "PHILIPPINES", "PE": "PERU", "CL": "CHILE",
    "CH": "SWITZERLAND", "ZA": "SOUTH AFRICA",
}
# An agreement's certificate goes to its partners; 一般原产地证 anywhere, most often to the big markets.
TYPE_DESTINATIONS = {"K": ["KR"], "A": ["AU"], "R": ["PE"], "F": ["CL"], "G": ["NZ", "CH"],
                     "E": ["SG", "MY", "TH", "VN", "ID", "PH"]}
GENERAL_DESTINATIONS = list(COUNTRIES)
GENERAL_WEIGHTS = [12 if c in ("US", "DE", "JP") else 5 if c in ("GB", "FR", "NL", "IT", "RU", "AE", "IN") else 2
                   for c in GENERAL_DESTINATIONS]
GOODS = [  # HS 2022 subheadings, 中文品名, English name
    ("960321", "牙刷", "TOOTHBRUSH"), ("851713", "智能手机", "SMARTPHONES"), ("847130", "笔记本电脑", "LAPTOP COMPUTERS"),
    ("610910", "棉制T恤衫", "COTTON T-SHIRTS"), ("640411", "运动鞋", "SPORTS SHOES"), ("950300", "塑料玩具", "PLASTIC TOYS"),
    ("940360", "木制家具", "WOODEN FURNITURE"), ("850440", "电源适配器", "POWER ADAPTERS"),
    ("851660", "电饭煲", "RICE COOKERS"), ("841451", "电风扇", "ELECTRIC FANS"), ("851830", "耳机", "HEADPHONES"),
    ("392410", "塑料餐具", "PLASTIC TABLEWARE"), ("691110", "瓷制餐具", "PORCELAIN TABLEWARE"),
    ("732393", "不锈钢厨具", "STAINLESS STEEL KITCHENWARE"), ("420222", "手提包", "HANDBAGS"),
    ("620342", "男式棉制长裤", "MEN'S COTTON TROUSERS"), ("611030", "化纤毛衫", "MAN-MADE FIBRE SWEATERS"),
    ("630260", "棉制毛巾", "COTTON TOWELS"), ("070320", "大蒜", "GARLIC"), ("030617", "冻虾", "FROZEN SHRIMPS"),
    ("090210", "绿茶", "GREEN TEA"), ("160414", "金枪鱼罐头", "CANNED TUNA"), ("200310", "蘑菇罐头", "CANNED MUSHROOMS"),
    ("401110", "轿车轮胎", "CAR TYRES"), ("870899", "汽车零件", "AUTO PARTS"), ("854143", "太阳能电池组件", "SOLAR MODULES"),
    ("850760", "锂离子电池", "LITHIUM-ION BATTERIES"), ("731815", "螺栓", "BOLTS"), ("848180", "阀门", "VALVES"),
    ("820551", "家用手工具", "HOUSEHOLD HAND TOOLS"), ("761510", "铝制厨具", "ALUMINIUM KITCHENWARE"),
    ("482010", "笔记本", "NOTEBOOKS"), ("392321", "塑料袋", "PLASTIC BAGS"), ("310520", "复合肥", "NPK FERTILISER"),
]
STATUS_RECENT = ([Status.DRAFT, Status.DECLARED, Status.ISSUED, Status.RETURNED], [45, 25, 25, 5])
STATUS_OLDER = ([Status.DRAFT, Status.DECLARED, Status.ISSUED, Status.RETURNED], [4, 1, 90, 5])
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}


def full_width(text: str) -> str:
    return "".join(FULL_WIDTH.get(c, c) for c in text)


def co_reg_no(e: int) -> str:
    return f"2200{e:05d}"


def enterprise_name(e: int) -> str:
    return f"基准{e:05d}进出口有限公司"


CERT_COLUMNS = (
    "id", "enterprise_id", "cert_type", "cert_no", "kind", "status", "co_reg_no", "org_code", "applicant_name_cn",
    "exporter_name", "exporter_address", "exporter_phone", "producer_confidential", "importer_name",
    "importer_address", "application_date", "destination_country", "issuing_authority", "collecting_authority",
    "trade_mode", "port_of_loading", "transport_mode", "transport_details", "marks", "invoice_no", "invoice_key",
    "invoice_date", "exhibition", "third_party_invoice", "created_by_id", "created_at", "updated_at",
    "declared_at", "issued_at", "receipt_seq", "issue_date", "issued_by", "version",
)
ITEM_COLUMNS = (
    "id", "certificate_id", "position", "hs_code", "name_cn", "name_en", "quantity", "quantity_unit",
    "package_count", "package_unit", "gross_weight", "net_weight", "weight_unit", "amount", "currency",
    "description", "non_goods", "version",
)


def generate(n: int, m: int, today: date):
    """Yield (certificate rows, goods rows) in chunks, and finally the number counters to store.

    Certificate i belongs to enterprise i % m + 1 and is dated in order over the two years up to yesterday.
    Users 2e-1 (admin) and 2e (clerk) are enterprise e's; the clerk enters about 70 % of the certificates.
    """
    rng = random.Random(20261127)
    start = today - timedelta(days=730)
    counters: dict[tuple[int, str, int], int] = {}
    types, type_weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    item_id = 0
    certs, items = [], []
    for i in range(n):
        e, k = i % m + 1, i // m
        share = i / n
        applied = start + timedelta(days=int(730 * share))
        ctype = rng.choices(types, type_weights)[0]
        serial = counters[(e, ctype, applied.year)] = counters.get((e, ctype, applied.year), 0) + 1
        cert_no = f"{ctype}{applied.year % 100:02d}{co_reg_no(e)}{serial:04d}"
        destination = (rng.choice(TYPE_DESTINATIONS[ctype]) if ctype in TYPE_DESTINATIONS
                       else rng.choices(GENERAL_DESTINATIONS, GENERAL_WEIGHTS)[0])
        status = rng.choices(*(STATUS_RECENT if share > 0.97 else STATUS_OLDER))[0]
        invoice = f"INV-{applied.year}-{k + 1:06d}"
        variant = rng.random()
        if variant < 0.05:
            invoice = full_width(invoice)  # typed with a Chinese input method
        elif variant < 0.08:
            invoice = invoice.replace("-", "\u2010").lower()
        created = datetime.combine(applied, datetime.min.time()) + timedelta(minutes=rng.randrange(60, 600))
        declared = issued = issue_date = issued_by = None
        receipt_seq = 0
        updated = created + timedelta(minutes=rng.randrange(5, 120))
        if status != Status.DRAFT:
            declared = updated
            receipt_seq = 1
        if status == Status.ISSUED:
            issued = declared + timedelta(hours=rng.randrange(2, 48))
            issue_date, issued_by, receipt_seq, updated = issued.date(), "王审核", 3, issued
        elif status == Status.RETURNED:
            updated, receipt_seq = declared + timedelta(hours=rng.randrange(2, 48)), 2
        country = COUNTRIES[destination]
        certs.append((
            i + 1, e, ctype, cert_no, "new", status.value, co_reg_no(e), f"91310000MA{e:08d}", enterprise_name(e),
            f"BENCH {e:05d} IMP. & EXP. CO., LTD.", f"NO. {e} ZHONGSHAN ROAD, SHANGHAI, CHINA", "021-5555 0000",
            False, f"{country} BUYER NO. {k % 17 + 1} LTD.", f"{k % 90 + 1} HARBOUR STREET, {country}", applied,
            destination, "2200", "2200", "0110", "CNSHA", "2", f"FROM SHANGHAI, CHINA TO {country} BY SEA", "N/M",
            invoice, normalise_invoice(invoice) or None, applied - timedelta(days=rng.randrange(0, 5)), False, False,
            2 * e if rng.random() < 0.7 else 2 * e - 1, created, updated, declared, issued, receipt_seq, issue_date,
            issued_by, 1))
        for position in range(1, rng.choice((1, 1, 2, 2, 3)) + 1):
            hs, name_cn, name_en = rng.choice(GOODS)
            item_id += 1
            count = rng.randrange(10, 2000)
            items.append((item_id, i + 1, position, hs + "00" if rng.random() < 0.5 else hs, name_cn, name_en,
                          count * 10, "PCS", count, "CTNS", count * 12, count * 10, "KGS", count * 25, "USD",
                          f"{count} CTNS OF {name_en}", False, 1))
        if len(certs) == CHUNK:
            yield certs, items
            certs, items = [], []
    if certs:
        yield certs, items
    yield None, [(e, t, year, "", last) for (e, t, year), last in counters.items()]


# ------------------------------------------------------------------ the app and the seed
def make_app(url):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": "bench",
                       "DATA_ENCRYPTION_KEYS": KEY, "CAPTCHA_ENABLED": False, "ARGON2_TIME_COST": 1,
                       "ARGON2_MEMORY_KIB": 1024, "APP_MODE": "full", "EXCHANGE_GATEWAY": "embedded",
                       "LOG_LEVEL": "WARNING"})


def migrate(app):
    with app.app_context():
        logging.disable(logging.INFO)  # migrations/env.py sets alembic's loggers to INFO on every upgrade
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        load_tables()
        db.session.commit()
        db.session.remove()


BIG_TABLES = ("certificates", "certificate_items")


def drop_secondary_indexes(conn) -> list[str]:
    """Drop the big tables' indexes that no constraint owns; return the statements that build them again."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(sa.text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(:tables) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"),
            {"tables": list(BIG_TABLES)}).all()
    else:
        rows = conn.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join(repr(t) for t in BIG_TABLES)})")).all()
    for name, _ in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def seed(app, n: int, m: int) -> dict:
    """Enterprises with 资质备案, an admin and a clerk each; n certificates with goods rows. Returns counts/times."""
    today = local_today(app.config["DISPLAY_TIMEZONE"])
    started = time.perf_counter()
    with app.app_context():
        for code, name_cn, _ in GOODS:
            if check_hs_code(code)[0] is None:
                print(f"  note: HS {code} ({name_cn}) is not in the HS table")
        password_hash = hash_password(PASSWORD)  # argon2 is slow on purpose: one hash for every user
        db.session.remove()  # on SQLite its transaction holds the write lock (BEGIN IMMEDIATE outside requests)
        engine = db.engine
        postgres = engine.dialect.name == "postgresql"
        now = datetime(today.year, today.month, today.day) - timedelta(days=800)
        with engine.begin() as conn:
            if not postgres:
                conn.exec_driver_sql("PRAGMA cache_size=-262144")
            conn.execute(sa.insert(Enterprise.__table__), [
                {"id": e, "name": enterprise_name(e), "is_active": True, "created_at": now} for e in range(1, m + 1)])
            conn.execute(sa.insert(User.__table__), [
                {"id": 2 * e - 1 + r, "username": f"{('admin', 'clerk')[r]}{e:04d}",
                 "display_name": (f"管理员{e}", f"录入员{e}")[r], "role": (Role.ENT_ADMIN, Role.CLERK)[r].value,
                 "enterprise_id": e, "password_hash": password_hash, "is_active": True, "must_change_password": False,
                 "menu_collapsed": False, "created_at": now} for e in range(1, m + 1) for r in (0, 1)])
            conn.execute(sa.insert(Qualification.__table__), [
                {"enterprise_id": e, "co_reg_no": co_reg_no(e), "org_code": f"91310000MA{e:08d}",
                 "name_cn": enterprise_name(e), "updated_at": now, "version": 1} for e in range(1, m + 1)])
            rebuild = drop_secondary_indexes(conn)
        certificates, items = Certificate.__table__, CertificateItem.__table__
        cert_count = item_count = 0
        loaded = time.perf_counter()
        for cert_rows, item_rows in generate(n, m, today):
            if cert_rows is None:  # the last chunk: the number counters
                with engine.begin() as conn:
                    conn.execute(sa.insert(NumberCounter.__table__), [
                        dict(zip(("enterprise_id", "cert_type", "year", "prefix", "last_value"), row))
                        for row in item_rows])
                break
            if postgres:
                copy_rows(engine, "certificates", CERT_COLUMNS, cert_rows)
                copy_rows(engine, "certificate_items", ITEM_COLUMNS, item_rows)
            else:
                with engine.begin() as conn:
                    conn.exec_driver_sql("PRAGMA cache_size=-262144")
                    conn.execute(sa.insert(certificates), [dict(zip(CERT_COLUMNS, row)) for row in cert_rows])
                    conn.execute(sa.insert(items), [dict(zip(ITEM_COLUMNS, row)) for row in item_rows])
            cert_count += len(cert_rows)
            item_count += len(item_rows)
            if cert_count % (10 * CHUNK) == 0 or cert_count == n:
                print(f"    {cert_count:>9,} certificates, {item_count:>9,} goods rows "
                      f"({time.perf_counter() - loaded:6.1f} s)", flush=True)
        rows_seconds = time.perf_counter() - loaded
        indexed = time.perf_counter()
        with engine.begin() as conn:
            if postgres:
                conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
                for table in ("enterprises", "users", "certificates", "certificate_items", "number_counters"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
            else:
                conn.exec_driver_sql("PRAGMA cache_size=-262144")
            for statement in rebuild:
                conn.exec_driver_sql(statement)
        index_seconds = time.perf_counter() - indexed
        if postgres:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            raw = engine.raw_connection()  # outside any transaction (the pool's BEGIN hook is not involved)
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        db.session.remove()
        engine.dispose()
    return {"certificates": cert_count, "items": item_count, "seconds": time.perf_counter() - started,
            "rows_seconds": rows_seconds, "index_seconds": index_seconds}


def copy_rows(engine, table: str, columns: tuple, rows: list) -> None:
    """PostgreSQL: one COPY of a chunk, in its own transaction."""
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


# ------------------------------------------------------------------ measuring
def percentile(values, share):
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def login(client, username):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed: HTTP {response.status_code}")


def sample(app, enterprise_id):
    """Values of this enterprise's own data for the conditions (what a clerk would type)."""
    with app.app_context():
        certs = Certificate.__table__
        rows = db.session.execute(sa.select(certs.c.cert_no, certs.c.invoice_no, certs.c.application_date)
                                  .where(certs.c.enterprise_id == enterprise_id, certs.c.invoice_no.like("INV-%"))
                                  .order_by(certs.c.id)).all()
        db.session.remove()
    cert_no, invoice, applied = rows[len(rows) // 3]
    return cert_no, invoice, applied


def conditions(enterprise_id, cert_no, invoice, applied):
    month_from = applied.replace(day=1)
    month_to = (month_from + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return [
        ("(no condition)", {}),
        (f"cert_no partial {cert_no[-6:]}", {"cert_no": cert_no[-6:].lower()}),
        ("cert_type E", {"cert_type": "E"}),
        ("status declared", {"status": "declared"}),
        (f"date {month_from}..{month_to}", {"date_from": month_from.isoformat(), "date_to": month_to.isoformat()}),
        ("destination 日本", {"destination": "日本"}),
        ("invoice full-width", {"invoice": full_width(invoice)}),
        ("goods name 牙刷", {"goods": "牙刷"}),
        ("goods name toothbrush", {"goods": "toothbrush"}),
        ("goods HS prefix 8517", {"goods": "8517"}),
        (f"creator clerk{enterprise_id:04d}", {"creator": f"clerk{enterprise_id:04d}"}),
        ("sort=cert_no", {"sort": "cert_no"}),
        ("page=5", {"page": "5"}),
    ]


class StatementTimer:
    """Times every statement the engine runs while on (to show where a slow request spends its time)."""

    def __init__(self, engine):
        self.engine, self.statements, self.on = engine, [], False
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.on:
            self.statements.append(((time.perf_counter() - conn.info.pop("bench_started")) * 1000, statement))


class Explain(Executable, ClauseElement):
    inherit_cache = False

    def __init__(self, statement, analyze):
        self.statement, self.analyze = statement, analyze


@compiles(Explain)
def _explain(element, compiler, **kw):
    if compiler.dialect.name == "postgresql":
        prefix = "EXPLAIN (ANALYZE, BUFFERS)" if element.analyze else "EXPLAIN"
    else:
        prefix = "EXPLAIN QUERY PLAN"
    return prefix + " " + compiler.process(element.statement, **kw)


def explain(app, enterprise_id, args, indent="      "):
    """The plan of the page's main query for these conditions, as service.page_of builds it."""
    query_string = "&".join(f"{k}={v}" for k, v in args.items())
    with app.test_request_context(f"/certificates?{query_string}"):
        from flask import request

        c = filters.parse(request.args, set(TYPES), set(STATUS_CHOICES))
        base = sa.select(Certificate).where(Certificate.enterprise_id == enterprise_id)
        query = (service.apply(base, c).order_by(*service.ORDER[c.sort])
                 .add_columns(sa.func.count().over().label("total"))
                 .offset((c.page - 1) * service.PAGE).limit(service.PAGE))
        rows = db.session.connection().execute(Explain(query, analyze=True)).all()
        db.session.remove()
    if rows and len(rows[0]) > 1:  # SQLite: (id, parent, notused, detail) rows of a tree
        depth = {0: -1}
        for node, parent, _, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            print(indent + "  " * depth[node] + detail)
    else:
        for row in rows:
            print(indent + row[0])


def measure(app, client, enterprise_id, rounds, warmups, explain_all):
    cert_no, invoice, applied = sample(app, enterprise_id)
    print(f"  query page (GET /certificates, full page) as clerk{enterprise_id:04d} of enterprise {enterprise_id}: "
          f"{rounds} requests each after {warmups} warm-ups")
    print("  (statements / SQL ms: how many SQL statements one request runs and their time inside the driver)")
    print(f"  {'condition':<34} {'results':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'statements':>10} {'SQL ms':>7}")
    with app.app_context():
        timer = StatementTimer(db.engine)
    slow = []
    for name, args in conditions(enterprise_id, cert_no, invoice, applied):
        url = "/certificates" + ("?" + "&".join(f"{k}={v}" for k, v in args.items()) if args else "")
        times, total = [], "?"
        for round_ in range(warmups + rounds):
            counted = round_ == max(0, warmups - 1)  # the last warm-up: count its statements
            timer.statements, timer.on = [], counted
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            timer.on = False
            if round_ >= warmups:
                times.append(elapsed)
            if round_ == 0:
                found = re.search(r"共 (\d+) 票", response.get_data(as_text=True))
                total = found.group(1) if found else f"HTTP {response.status_code}"
            if counted:
                statements, sql_ms = len(timer.statements), sum(ms for ms, _ in timer.statements)
        p95 = percentile(times, 0.95)
        over = p95 >= TARGET_MS
        print(f"  {name:<34} {total:>7} {statistics.median(times):8.2f} {p95:8.2f} {max(times):8.2f} "
              f"{statements:>10} {sql_ms:7.2f}" + (f"   OVER {TARGET_MS} ms at p95" if over else ""), flush=True)
        if over or explain_all:
            slow.append((name, url, args, over))
    for name, url, args, over in slow:
        print(f"  -- {name}{' (over target)' if over else ''}: statements of one request, slowest first")
        timer.statements, timer.on = [], True
        client.get(url)
        timer.on = False
        for ms, statement in sorted(timer.statements, reverse=True)[:3]:
            print(f"      {ms:7.2f} ms  {' '.join(statement.split())[:160]}")
        postgres = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
        print(f"     plan of the main query ({'EXPLAIN (ANALYZE, BUFFERS)' if postgres else 'EXPLAIN QUERY PLAN'}):")
        explain(app, enterprise_id, args)


class Clerk:
    """Fresh 一般原产地证 drafts of the enterprise, one goods row each, declared through services.declare."""

    def __init__(self, app, enterprise_id, clerk_id):
        self.app, self.enterprise_id, self.clerk_id = app, enterprise_id, clerk_id
        self.today = local_today(app.config["DISPLAY_TIMEZONE"])
        self.basic = {**GENERAL_BASIC, "application_date": self.today.isoformat(),
                      "invoice_date": self.today.isoformat()}

    def declared(self, count) -> list[int]:
        ids = []
        with self.app.test_request_context("/", method="POST", data=self.basic):
            form = basic_form_class(TYPES["C"])(meta={"csrf": False})
            form.validate()
            goods = goods_form_class(TYPES["C"])(formdata=MultiDict(GOODS_ROW), meta={"csrf": False})
            goods.validate()
            enterprise, clerk = db.session.get(Enterprise, self.enterprise_id), db.session.get(User, self.clerk_id)
            for _ in range(count):
                cert = services.create(enterprise, TYPES["C"], form.data, clerk, self.today)
                services.add_item(cert, goods.data)
                problems = services.declare(cert, clerk, self.today, undertaking=True)
                if problems:
                    raise SystemExit(f"declaring a fresh certificate failed: {problems}")
                ids.append(cert.id)
            db.session.commit()
            db.session.remove()
        return ids


def fetch_receipts(app, client, enterprise_id, size, runs):
    with app.app_context():
        clerk_id = db.session.scalar(sa.select(User.id).where(User.username == f"clerk{enterprise_id:04d}"))
        db.session.remove()
    clerk = Clerk(app, enterprise_id, clerk_id)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"',
                      client.get("/certificates").get_data(as_text=True)).group(1)
    seconds, notes = [], []
    for _ in range(runs):
        ids = clerk.declared(size)
        started = time.perf_counter()
        response = client.post("/certificates/batch", data=MultiDict(
            [("csrf_token", token), ("op", "fetch"), ("back", "")] + [("ids", str(i)) for i in ids]))
        seconds.append(time.perf_counter() - started)
        with app.app_context():
            issued = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
                Certificate.id.in_(ids), Certificate.status == Status.ISSUED))
            receipts = db.session.scalar(sa.select(sa.func.count()).select_from(Receipt).where(
                Receipt.certificate_id.in_(ids)))
            db.session.remove()
        notes.append(f"{issued}/{size} 审核通过, {receipts} receipts" + (
            "" if response.status_code == 302 else f", HTTP {response.status_code}"))
    print(f"  获取回执 for {size} selected certificates (POST /certificates/batch op=fetch, embedded gateway, "
          f"{runs} runs, fresh 已申报 ones each run):")
    print(f"      median {statistics.median(seconds):.3f} s  max {max(seconds):.3f} s  target < {FETCH_TARGET_S} s"
          + ("   OVER" if statistics.median(seconds) >= FETCH_TARGET_S or max(seconds) >= FETCH_TARGET_S else ""))
    print(f"      runs: {', '.join(f'{s:.3f} s' for s in seconds)}; after each: {notes[-1]}"
          + ("" if len(set(notes)) == 1 else f" (varied: {sorted(set(notes))})"))


def bench(app, m, args):
    enterprise_id = m // 2 + 1
    client = app.test_client()
    login(client, f"clerk{enterprise_id:04d}")
    print(f"  load average before: {load()} ({os.cpu_count()} CPUs; other work on the machine shows in the figures)")
    measure(app, client, enterprise_id, args.rounds, args.warmups, args.explain)
    fetch_receipts(app, client, enterprise_id, args.fetch_size, args.fetch_runs)
    print(f"  load average after:  {load()}")


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def describe(seeded):
    return (f"{seeded['certificates']:,} certificates, {seeded['items']:,} goods rows seeded in "
            f"{seeded['seconds']:.1f} s (rows {seeded['rows_seconds']:.1f} s, indexes {seeded['index_seconds']:.1f} s)")


# ------------------------------------------------------------------ runs
def run_sqlite(args):
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / f"queries-{args.certificates}x{args.enterprises}-v{SEED_VERSION}.sqlite3"
    print(f"SQLite ({args.certificates:,} certificates over {args.enterprises:,} enterprises):")
    if cached.exists() and not args.reseed:
        print(f"  reusing the seeded file {cached} ({cached.stat().st_size / 2**20:,.0f} MiB; --reseed to seed again)")
    else:
        building = cached.with_suffix(".building")
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            leftover.unlink(missing_ok=True)
        app = make_app(f"sqlite:///{building}")
        migrate(app)
        seeded = seed(app, args.certificates, args.enterprises)
        print(f"  {describe(seeded)}")
        building.rename(cached)
    workdir = Path(tempfile.mkdtemp(prefix="co-bench-queries-"))
    try:
        work = workdir / "bench.sqlite3"
        started = time.perf_counter()
        shutil.copyfile(cached, work)
        app = make_app(f"sqlite:///{work}")
        migrate(app)  # the copy gets the migrations added since it was seeded, and the code tables as shipped
        print(f"  working copy ready in {time.perf_counter() - started:.1f} s (copy + upgrade + code tables)")
        try:
            bench(app, args.enterprises, args)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


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


def run_pg(server, args):
    """Seed a throwaway database and bench it; with --pg-cache, seed once into a kept template database and
    bench a fresh copy of it (CREATE DATABASE … TEMPLATE, upgraded to the current migrations) on every run."""
    import psycopg

    from scripts.pgdb import main as pgdb

    def url_of(name):
        return sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)

    def admin(statement):
        with psycopg.connect(server, autocommit=True) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else None

    work = f"co_bench_q_{os.getpid()}"
    cached = f"co_bench_q_seed_{args.certificates}x{args.enterprises}_v{SEED_VERSION}"
    print(f"PostgreSQL ({sa.engine.make_url(url_of(work)).render_as_string()}, {args.certificates:,} certificates "
          f"over {args.enterprises:,} enterprises):")
    if args.pg_cache:
        exists = admin(f"SELECT 1 FROM pg_database WHERE datname = '{cached}'")
        if exists and not args.reseed:
            print(f"  reusing the seeded database {cached} as a template (--reseed to seed again)")
        else:
            building = cached + "_building"
            pgdb("create", server, building)
            app = make_app(url_of(building))
            migrate(app)
            seeded = seed(app, args.certificates, args.enterprises)
            print(f"  {describe(seeded)}, then VACUUM ANALYZE; kept as {cached}")
            pgdb("drop", server, cached)
            admin(f'ALTER DATABASE "{building}" RENAME TO "{cached}"')
        started = time.perf_counter()
        admin(f'DROP DATABASE IF EXISTS "{work}"')
        admin(f'CREATE DATABASE "{work}" TEMPLATE "{cached}"')
        app = make_app(url_of(work))
        migrate(app)
        print(f"  working copy ready in {time.perf_counter() - started:.1f} s (copy + upgrade + code tables)")
    else:
        pgdb("create", server, work)
        app = make_app(url_of(work))
        migrate(app)
        seeded = seed(app, args.certificates, args.enterprises)
        print(f"  {describe(seeded)}, then VACUUM ANALYZE")
    try:
        bench(app, args.enterprises, args)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        pgdb("drop", server, work)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--enterprises", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=30, help="timed requests per condition")
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--fetch-size", type=int, default=50, help="certificates selected for 获取回执")
    parser.add_argument("--fetch-runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="explain every query, not only those over target")
    parser.add_argument("--cache", default=os.environ.get("BENCH_CACHE", "/tmp/co-bench-queries"),
                        help="where the seeded SQLite file is kept between runs")
    parser.add_argument("--reseed", action="store_true", help="seed again even when a cached copy exists")
    parser.add_argument("--pg", nargs="?", const=DEFAULT_PG, default=None, help="also on this PostgreSQL server")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--pg-cache", action="store_true",
                        help="keep the seeded PostgreSQL database (co_bench_q_seed_…) and bench copies of it")
    args = parser.parse_args()
    if args.enterprises < 2 or args.certificates < args.enterprises:
        parser.error("at least two enterprises, and at least one certificate per enterprise")

    if not args.no_sqlite:
        run_sqlite(args)
    server = pg_server(args)
    if server:
        run_pg(server, args)


if __name__ == "__main__":
    main()
