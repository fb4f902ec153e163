"""Load: N clerks (API tokens) make full round trips against two web processes and one jobs process, on PostgreSQL.

A full round trip is what an ERP does for one certificate, over HTTP on a loopback port:
  create  POST /api/v1/certificates (一般原产地证 with one goods row: 暂存)
  goods   POST …/goods (a second row)
  declare POST …/declare (申报)
  wait    GET …/receipts every --poll seconds until 审核通过 and its ISSUED receipt are there: the jobs process sends
          the outbox and the authority (embedded, automatic review) answers; nothing here triggers it
  pdf     GET …/pdf?kind=certificate (the print workers of the web process render it)
With --officers, officers × --reviews of the round trips are Form E (中国-东盟, to SG), which this run sets to manual
review (系统设置 authority.auto_review_types = C): an officer, logged in through the login page and its 双重认证
step (the code computed from the account's TOTP secret, as the authenticator app does), finds it on 审核工作台,
opens it and posts 审核通过; the clerk's wait then ends on that receipt.

The processes are real: `flask db upgrade`, `flask refdata load`, `flask demo load`, then two `flask serve --no-jobs`
(waitress, --threads each) on loopback ports and one `flask jobs run`, all with a temporary INSTANCE_DIR, DEMO_MODE=1,
CAPTCHA_ENABLED=0, the embedded gateway and the default exchange intervals (EXCHANGE_SEND_SECONDS=1,
EXCHANGE_POLL_SECONDS=2). Enterprises (the demo one and more, --per-enterprise clerks each, each its 资质备案),
their clerks' tokens and the officers (each with a second factor) are made in this process through the app's own
services; api.requests_per_minute is raised out of the way. Clerks are threads with keep-alive connections; each
call goes to the next of the two web ports. A warm-up round trip and a PDF on each port (a process starts its print
workers on its first PDF) are not counted.

Reported: full round trips per second over the timed phase, p50/p95 of each step, errors (each printed; the exit
code is 1 if there is one): an unexpected HTTP status, a certificate not decided in time, and any ERROR line in
a process's log (a failed job run counts, even when the next run made up for it); outbox lag from the rows' own
timestamps (申报 → message sent, 申报 → the deciding receipt stored); CPU seconds from /proc/<pid>/stat of each web
process with its PDF workers, the jobs process, all PostgreSQL processes of the machine and this driver, the
whole machine's from /proc/stat, and whatever else ran meanwhile; the log lines that say a process was saturated
(waitress's task queue, a job run skipped). No timing is asserted. Loopback only: a non-loopback PostgreSQL URL is
refused, and the web processes listen on 127.0.0.1.

A throwaway database co_load_test_<pid> is made on --pg (or BENCH_PG_URL, else
postgresql://postgres@127.0.0.1:5432/postgres) and dropped at the end; without a server answering, the run is
skipped (exit 0) unless --pg was given. docs/load.md has figures and what limits them.

Run: .venv/bin/python bench/load.py [--clerks 8] [--rounds 5] [--officers 1] [--reviews 4] [--threads 8]
"""
import argparse
import http.client
import ipaddress
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.support import GENERAL_BASIC, GOODS_ROW, basic_for, csrf_token  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
KEY = "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M="
PASSWORD = "Demo@12345"  # flask demo load's, for every account made here too
AUTHORITY = "2200"
MANUAL_TYPE, MANUAL_DESTINATION = "E", "SG"
RATE = 100_000  # api.requests_per_minute for the run (the setting's maximum)
GIVE_UP_SECONDS = 120  # a round trip's wait for its decision, an officer's wait for a declaration
CLK_TCK = os.sysconf("SC_CLK_TCK")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def pad(text, width=46):
    """`text` padded to `width` columns (a Chinese character takes two)."""
    return text + " " * max(0, width - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text))


def report(name, times, unit="ms"):
    if not times:
        print(f"  {pad(name)} n=0")
        return
    scale = 1000 if unit == "ms" else 1
    p50, p95, top = (statistics.median(times) * scale, percentile(times, 0.95) * scale, max(times) * scale)
    digits = 0 if unit == "ms" else 2
    print(f"  {pad(name)} n={len(times):<5} p50 {p50:8.{digits}f} {unit}  p95 {p95:8.{digits}f} {unit}  "
          f"max {top:8.{digits}f} {unit}")


def loopback(url: str, what: str) -> None:
    """Refuse anything but this machine: a host name other than localhost, or an address not 127/8 or ::1."""
    host = urlsplit(url).hostname
    if host in (None, "", "localhost"):
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"{what} {url!r} is not on the loopback interface: bench/load.py runs against this machine only")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ HTTP (keep-alive, one connection per port)
class Errors:
    def __init__(self):
        self.lock, self.items = threading.Lock(), []

    def add(self, who, what):
        with self.lock:
            self.items.append(f"{who}: {what}")


class Http:
    """One thread's keep-alive connections to the web ports; each call goes to the next port."""

    def __init__(self, ports, start=0):
        self.ports, self.turn, self.conns, self.cookies = ports, start, {}, {}

    def call(self, method, path, body=None, headers=None, form=None, port=None):
        if port is None:
            port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
        headers = dict(headers or {})
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            from urllib.parse import urlencode

            data, headers["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = self.conns.get(port)
        if conn is None:
            conn = self.conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self.conns.pop(port, None)
            raise
        elapsed = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                if val in ("", '""') or "expires=thu, 01 jan 1970" in value.lower():
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = val
        return response.status, response, payload, elapsed

    def close(self):
        for conn in self.conns.values():
            conn.close()


# ------------------------------------------------------------------ processes
def process_env(url, instance, args):
    drop = ("DATABASE_URL", "APP_MODE", "EXCHANGE_GATEWAY", "FLASK_APP", "WEB_THREADS", "PRINT_WORKERS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(DATABASE_URL=url, INSTANCE_DIR=str(instance), SECRET_KEY="bench-load", DATA_ENCRYPTION_KEYS=KEY,
               DEMO_MODE="1", CAPTCHA_ENABLED="0", APP_MODE="full", EXCHANGE_GATEWAY="embedded", LOG_LEVEL="WARNING",
               PYTHONUNBUFFERED="1")
    if args.print_workers:
        env["PRINT_WORKERS"] = str(args.print_workers)
    return env


def flask(*command):
    return [sys.executable, "-m", "flask", "--app", "wsgi", *command]


def run_cli(env, workdir, *command):
    log = workdir / "setup.log"
    with open(log, "a") as out:
        out.write(f"$ flask {' '.join(command)}\n")
        out.flush()
        done = subprocess.run(flask(*command), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(command)} failed ({done.returncode}); see {log}:\n{tail(log)}")


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Proc:
    def __init__(self, name, command, env, workdir):
        self.name, self.log_path = name, workdir / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.process.pid

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def wait_listening(port, proc, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.process.poll() is not None:
            raise SystemExit(f"{proc.name} exited ({proc.process.returncode}):\n{tail(proc.log_path)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{proc.name} did not answer on port {port} within {seconds} s:\n{tail(proc.log_path)}")


# ------------------------------------------------------------------ CPU from /proc
def _stat(pid):
    """(ppid, utime+stime, cutime+cstime) in seconds, or None when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    ppid, utime, stime, cutime, cstime = int(fields[1]), *map(int, fields[11:15])
    return ppid, (utime + stime) / CLK_TCK, (cutime + cstime) / CLK_TCK


def _all_stats():
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat:
                stats[int(entry)] = stat
    return stats


def _comm(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def machine_busy():
    """CPU seconds the whole machine has been busy (all CPUs: /proc/stat less idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def cpu_snapshot(procs):
    """CPU seconds so far: each process itself, and its children (live ones read directly, ended ones as the
    kernel added them to the parent's cutime); every postgres process of the machine; this driver; the whole
    machine; and every process by pid (to name what else ran)."""
    stats = _all_stats()
    out = {"machine": (machine_busy(), 0.0), "pids": {pid: (s[1], _comm(pid), s[0]) for pid, s in stats.items()}}
    for proc in procs:
        own = stats.get(proc.pid)
        if own is None:
            out[proc.name] = (0.0, 0.0)
            continue
        children = sum(s[1] + s[2] for pid, s in stats.items() if s[0] == proc.pid)
        out[proc.name] = (own[1], own[2] + children)
    out["postgres (all)"] = (sum(s[1] for pid, s in stats.items() if _comm(pid).startswith("postgres")), 0.0)
    me = stats.get(os.getpid())
    out["load driver (this)"] = (me[1] if me else 0.0, 0.0)
    return out


# ------------------------------------------------------------------ setup in this process
def make_app(url):
    from app import create_app
    from config import database_url

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": "bench-load",
                       "DATA_ENCRYPTION_KEYS": KEY, "CAPTCHA_ENABLED": False, "ARGON2_TIME_COST": 1,
                       "ARGON2_MEMORY_KIB": 1024, "APP_MODE": "full", "EXCHANGE_GATEWAY": "embedded",
                       "LOG_LEVEL": "WARNING", "DEMO_MODE": True})


def seed(app, clerks, per_enterprise, officers, manual):
    """Tokens of `clerks` clerks (the demo clerk first), `per_enterprise` to an enterprise; `officers` officers
    (demo_officer first) with their TOTP secrets. Returns ([token], [(username, secret)])."""
    from app.accounts import services as accounts, two_factor, totp
    from app.accounts.models import Enterprise, User
    from app.accounts.roles import Role
    from app.api import tokens
    from app.cli import DEMO_ENTERPRISE, DEMO_INITIAL_VALUES
    from app.certificates.models import InitialValues
    from app.extensions import db
    from app.settings.models import SystemSetting

    with app.app_context():
        db.session.merge(SystemSetting(key="api.requests_per_minute", value=json.dumps(RATE)))
        if manual:
            db.session.merge(SystemSetting(key="authority.auto_review_types", value=json.dumps("C")))
        demo = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == DEMO_ENTERPRISE))
        enterprises = [demo]
        for n in range(1, -(-clerks // per_enterprise)):
            enterprise = accounts.create_enterprise(name=f"负载企业{n:03d}", admin_username=f"load_admin{n:03d}",
                                                    admin_display_name=f"负载管理员{n}", admin_password=PASSWORD)
            q = enterprise.qualification
            q.co_reg_no, q.org_code, q.name_cn = f"2201{n:05d}", "91310000MA1FL0000N", f"负载企业{n:03d}"
            db.session.add(InitialValues(enterprise_id=enterprise.id, **DEMO_INITIAL_VALUES))
            enterprises.append(enterprise)
        db.session.flush()
        demo_clerk = db.session.scalar(sa.select(User).where(User.username == "demo_clerk"))
        out = []
        for i in range(clerks):
            enterprise = enterprises[i // per_enterprise]
            if i == 0:
                clerk = demo_clerk
            else:
                clerk = accounts.create_user(username=f"load_clerk{i:03d}", display_name=f"负载操作员{i}",
                                             role=Role.CLERK, password=PASSWORD, enterprise=enterprise,
                                             must_change_password=False)
            db.session.flush()
            admin = next(u for u in enterprise.users if u.role == Role.ENT_ADMIN)
            _row, token = tokens.create(enterprise, name=f"load {i}", user_id=clerk.id, actor=admin)
            out.append(token)
        people = []
        for i in range(officers):
            if i == 0:
                officer = db.session.scalar(sa.select(User).where(User.username == "demo_officer"))
            else:
                officer = accounts.create_user(username=f"load_officer{i:02d}", display_name=f"负载审核员{i}",
                                               role=Role.OFFICER, password=PASSWORD, authority_code=AUTHORITY,
                                               must_change_password=False)
                two_factor.activate(officer, totp.new_secret(), actor=officer)
            people.append((officer.username, two_factor.secret_of(officer)))
        db.session.commit()
        db.session.remove()
        return out, people


# ------------------------------------------------------------------ the clerks and officers
class Stats:
    def __init__(self):
        self.lock, self.times = threading.Lock(), defaultdict(list)

    def add(self, step, seconds):
        with self.lock:
            self.times[step].append(seconds)


def bodies(today):
    dated = {"application_date": today, "invoice_date": today}
    row2 = {**GOODS_ROW, "name_cn": "牙刷头", "name_en": "TOOTHBRUSH HEADS", "quantity": "5000",
            "package_count": "500", "description": "FIVE HUNDRED (500) CTNS OF TOOTHBRUSH HEADS"}
    auto = ({"cert_type": "C", **GENERAL_BASIC, **dated, "goods": [GOODS_ROW]}, row2)
    criterion = {"origin_criterion": "WO"}
    manual = ({"cert_type": MANUAL_TYPE, **basic_for(MANUAL_DESTINATION), **dated,
               "goods": [{**GOODS_ROW, **criterion}]}, {**row2, **criterion})
    return {"auto": auto, "manual": manual}


class Clerk:
    def __init__(self, index, token, ports, plan, shared):
        self.index, self.plan, self.s = index, plan, shared
        self.http = Http(ports, start=index)
        self.auth = {"Authorization": f"Bearer {token}"}
        self.who = f"clerk {index}"

    def api(self, step, method, path, body=None, expect=200, record=True):
        status, _response, payload, elapsed = self.http.call(method, "/api/v1" + path, body, self.auth)
        if record:
            self.s.stats.add(step, elapsed)
        if status != expect:
            raise RoundTripError(f"{step}: {method} {path} answered {status}: {payload[:300]!r}")
        return payload

    def round_trip(self, kind, timed=True):
        s = self.s
        first, second = s.bodies[kind]
        started = time.perf_counter()
        cert = json.loads(self.api("create", "POST", "/certificates", first, 201, timed))
        cert_id = cert["id"]
        self.api("add goods", "POST", f"/certificates/{cert_id}/goods", second, 201, timed)
        self.api("declare", "POST", f"/certificates/{cert_id}/declare", {"undertaking": True}, 200, timed)
        declared = time.perf_counter()
        if kind == "manual":
            s.review_queue.put((cert["cert_no"], declared))
        polls = 0
        while True:
            time.sleep(s.poll)
            polls += 1
            state = json.loads(self.api("status/receipts", "GET", f"/certificates/{cert_id}/receipts", None, 200,
                                        timed))
            if state["status"] == "issued" and any(r["code"] == "ISSUED" for r in state["receipts"]):
                break
            if state["status"] == "returned":
                raise RoundTripError(f"{cert['cert_no']} was returned (退证): {state['receipts'][:1]}")
            if time.perf_counter() - declared > GIVE_UP_SECONDS:
                raise RoundTripError(f"{cert['cert_no']} not issued {GIVE_UP_SECONDS} s after 申报: {state}")
        seen = time.perf_counter()
        pdf = self.api("pdf", "GET", f"/certificates/{cert_id}/pdf?kind=certificate&format=standard", None, 200,
                       timed)
        if not pdf.startswith(b"%PDF"):
            raise RoundTripError(f"pdf of {cert['cert_no']} is not a PDF: {pdf[:100]!r}")
        done = time.perf_counter()
        if timed:
            s.stats.add(f"{kind}: 申报 → 审核通过 seen by the clerk", seen - declared)
            s.stats.add(f"{kind}: full round trip", done - started)
            s.stats.add("status reads per round trip", polls)
            with s.lock:
                s.cert_ids[kind].append(cert_id)
        return cert_id

    def run(self):
        self.s.start.wait()
        for kind in self.plan:
            try:
                self.round_trip(kind)
                with self.s.lock:
                    self.s.done[kind] += 1
            except RoundTripError as exc:
                self.s.errors.add(self.who, str(exc))
            except Exception as exc:  # a broken connection, an unreadable answer: counted, and the clerk goes on
                self.s.errors.add(self.who, f"{type(exc).__name__}: {exc}")
        with self.s.lock:
            self.s.finished_at = time.perf_counter()
        self.http.close()


class RoundTripError(Exception):
    pass


DECLARATION_LINK = r'href="/authority/declarations/(\d+)" class="code">{}<'
VERSION_RE = re.compile(r'name="version" value="(\d+)"')


class Officer:
    def __init__(self, index, username, secret, ports, reviews, shared):
        self.index, self.username, self.secret, self.reviews, self.s = index, username, secret, reviews, shared
        self.http = Http(ports, start=index)
        self.who = f"officer {username}"

    def page(self, step, method, path, form=None, expect=200):
        status, response, payload, elapsed = self.http.call(method, path, form=form)
        self.s.stats.add(step, elapsed)
        if status != expect:
            raise RoundTripError(f"{step}: {method} {path} answered {status}: {payload[:300]!r}")
        return response, payload.decode("utf-8", "replace")

    def log_in(self):
        from app.accounts import totp

        started = time.perf_counter()
        _r, html = self.page("officer login: GET /login", "GET", "/login")
        response, _html = self.page("officer login: POST /login", "POST", "/login", {
            "csrf_token": csrf_token(html), "username": self.username, "password": PASSWORD, "captcha_id": "",
            "captcha": "", "next": ""}, expect=302)
        if not response.getheader("Location", "").endswith("/login/code"):
            raise RoundTripError(f"login of {self.username} went to {response.getheader('Location')}, not /login/code")
        _r, html = self.page("officer login: GET /login/code", "GET", "/login/code")
        code = totp.code_at(self.secret, totp.time_step(time.time()))
        self.page("officer login: POST /login/code (双重认证)", "POST", "/login/code",
                  {"csrf_token": csrf_token(html), "code": code}, expect=302)
        self.s.stats.add("officer login (4 requests)", time.perf_counter() - started)

    def review(self, cert_no, declared):
        link = re.compile(DECLARATION_LINK.format(re.escape(cert_no)))
        while True:  # the declaration is on the desk once the jobs process has sent it
            _r, html = self.page("officer: 审核工作台 search", "GET",
                                 f"/authority/desk?status=pending&review=manual&q={quote(cert_no)}")
            match = link.search(html)
            if match:
                break
            if time.perf_counter() - declared > GIVE_UP_SECONDS:
                raise RoundTripError(f"{cert_no} not on the desk {GIVE_UP_SECONDS} s after 申报")
            time.sleep(self.s.poll)
        declaration_id = match.group(1)
        _r, html = self.page("officer: open the declaration", "GET", f"/authority/declarations/{declaration_id}")
        version = VERSION_RE.search(html)
        if not version:
            raise RoundTripError(f"no version on the page of declaration {declaration_id}")
        self.page("officer: POST 审核通过", "POST", f"/authority/declarations/{declaration_id}/approve",
                  {"csrf_token": csrf_token(html), "version": version.group(1)}, expect=302)
        self.s.stats.add("manual: 申报 → officer's 审核通过 posted", time.perf_counter() - declared)

    def run(self):
        self.s.start.wait()
        for _ in range(self.reviews):
            try:
                cert_no, declared = self.s.review_queue.get(timeout=GIVE_UP_SECONDS * 2)
            except queue.Empty:
                self.s.errors.add(self.who, "no declaration to review came")
                break
            try:
                self.review(cert_no, declared)
                with self.s.lock:
                    self.s.reviewed += 1
            except RoundTripError as exc:
                self.s.errors.add(self.who, str(exc))
            except Exception as exc:
                self.s.errors.add(self.who, f"{type(exc).__name__}: {exc}")
        self.http.close()


class Shared:
    def __init__(self, poll, today):
        self.lock, self.start = threading.Lock(), threading.Event()
        self.stats, self.errors, self.review_queue = Stats(), Errors(), queue.Queue()
        self.done, self.cert_ids, self.reviewed = defaultdict(int), defaultdict(list), 0
        self.poll, self.bodies, self.finished_at = poll, bodies(today), None


def plans(clerks, rounds, manual):
    """Each clerk's sequence of round trips: `manual` of all clerks·rounds are Form E, spread evenly."""
    total = clerks * rounds
    marks = {round(k * total / manual) for k in range(manual)} if manual else set()
    return [["manual" if r * clerks + i in marks else "auto" for r in range(rounds)] for i in range(clerks)]


# ------------------------------------------------------------------ outbox lag from the rows' timestamps
def lags(app, cert_ids):
    from app.certificates.models import Certificate
    from app.exchange.models import OutboxMessage, Receipt
    from app.extensions import db

    out = {}
    with app.app_context():
        for kind, ids in cert_ids.items():
            if not ids:
                continue
            rows = db.session.execute(
                sa.select(Certificate.declared_at, OutboxMessage.sent_at,
                          sa.select(sa.func.max(Receipt.received_at)).where(Receipt.certificate_id == Certificate.id)
                          .scalar_subquery())
                .join(OutboxMessage, OutboxMessage.certificate_id == Certificate.id)
                .where(Certificate.id.in_(ids))).all()
            out[kind] = ([(sent - declared).total_seconds() for declared, sent, _r in rows if sent],
                         [(received - declared).total_seconds() for declared, _s, received in rows if received])
        db.session.remove()
    return out


# ------------------------------------------------------------------ the run
def drive(args, url, workdir):
    instance = workdir / "instance"
    instance.mkdir()
    env = process_env(url, instance, args)
    print(f"setup: flask db upgrade, refdata load, demo load ({workdir})", flush=True)
    for command in (("db", "upgrade"), ("refdata", "load"), ("demo", "load")):
        started = time.perf_counter()
        run_cli(env, workdir, *command)
        print(f"  flask {' '.join(command)}: {time.perf_counter() - started:.1f} s", flush=True)
    manual = args.officers * args.reviews
    app = make_app(url)
    tokens, officers = seed(app, args.clerks, args.per_enterprise, args.officers, manual)
    enterprises = -(-args.clerks // args.per_enterprise)
    ports = [free_port(), free_port()]
    procs = [Proc("jobs", flask("jobs", "run"), env, workdir)]
    for n, port in enumerate(ports, 1):
        procs.append(Proc(f"web{n}", flask("serve", "--host", "127.0.0.1", "--port", str(port), "--threads",
                                           str(args.threads), "--no-jobs"), env, workdir))
    try:
        for port, proc in zip(ports, procs[1:]):
            wait_listening(port, proc)
            loopback(f"http://127.0.0.1:{port}", "web process")
        from app.timeutil import local_today

        shared = Shared(args.poll, local_today(app.config["DISPLAY_TIMEZONE"]).isoformat())
        for n in range(1):  # warm-up: templates, caches, each web process's print workers
            warm = Clerk(n, tokens[0], ports, [], shared)
            try:
                cert_id = warm.round_trip("auto", timed=False)
                for port in ports:
                    status, _r, _p, _t = warm.http.call("GET", f"/api/v1/certificates/{cert_id}/pdf", None,
                                                        warm.auth, port=port)
                    if status != 200:
                        raise RoundTripError(f"warm-up PDF on port {port} answered {status}")
            except RoundTripError as exc:
                raise SystemExit(f"warm-up round trip failed: {exc}\n" +
                                 "\n".join(f"--- {p.name}\n{tail(p.log_path)}" for p in procs))
            warm.http.close()
        people = [Officer(i, username, secret, ports, args.reviews, shared)
                  for i, (username, secret) in enumerate(officers)]
        for officer in people:
            try:
                officer.log_in()
            except RoundTripError as exc:
                raise SystemExit(f"officer login failed: {exc}")
        clerk_plans = plans(args.clerks, args.rounds, manual)
        clerks = [Clerk(i, tokens[i], ports, clerk_plans[i], shared) for i in range(args.clerks)]
        threads = [threading.Thread(target=w.run, daemon=True) for w in clerks + people]
        for thread in threads:
            thread.start()
        print(f"timed: {args.clerks} clerks × {args.rounds} round trips ({manual} Form E for "
              f"{args.officers} officers × {args.reviews}), {enterprises} enterprises, 2 web processes × "
              f"{args.threads} threads, 1 jobs process", flush=True)
        before = cpu_snapshot(procs)
        started = time.perf_counter()
        shared.start.set()
        for thread in threads:
            thread.join()
        wall = (shared.finished_at or time.perf_counter()) - started
        after = cpu_snapshot(procs)
        exited = [p for p in procs if p.process.poll() is not None]
        for proc in exited:
            shared.errors.add(proc.name, f"exited during the run ({proc.process.returncode})")
        lag = lags(app, shared.cert_ids)
    finally:
        for proc in procs:
            proc.stop()
        from app.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    notes = read_logs(procs, shared.errors)
    print_report(args, shared, wall, before, after, lag, procs, notes)
    return shared.errors.items


SATURATION = {"Task queue depth": "waitress: every thread busy, requests queued",
              "maximum number of running instances reached": "jobs: a run still going at its next tick (skipped)"}


def read_logs(procs, errors):
    """An ERROR line (or a traceback) in a process's log is an error of the run; the warnings that say a process
    is saturated are counted."""
    notes = defaultdict(int)
    for proc in procs:
        lines = Path(proc.log_path).read_text(errors="replace").splitlines()
        failures = [line for line in lines if " ERROR " in line or " CRITICAL " in line]
        causes = [line for line in lines if re.match(r"^[\w.]+(Error|Exception): ", line)]
        for n, line in enumerate(failures):
            cause = f" — {causes[n]}" if n < len(causes) else ""
            errors.add(f"{proc.name} log", (line + cause)[:400])
        for line in lines:
            for marker, text in SATURATION.items():
                if marker in line:
                    notes[f"{proc.name}: {text}"] += 1
    return notes


def print_report(args, shared, wall, before, after, lag, procs, notes):
    done = shared.done["auto"] + shared.done["manual"]
    print(f"\nfull round trips: {done} in {wall:.1f} s = {done / wall:.2f} per second "
          f"({shared.done['auto']} automatic review, {shared.done['manual']} by an officer; "
          f"{shared.reviewed} reviews posted)")
    print("steps (each an HTTP call unless it says otherwise):")
    order = ["create", "add goods", "declare", "status/receipts", "pdf"]
    times = shared.stats.times
    for step in order:
        report(step, times.get(step, []))
    for step in sorted(k for k in times if k not in order):
        if step == "status reads per round trip":
            values = times[step]
            print(f"  {pad(step)} mean {statistics.mean(values):.1f}, max {max(values)} (every {args.poll:g} s)")
        elif step.startswith("officer: ") or step.startswith("officer login: "):
            report(step, times[step])
        else:
            report(step, times[step], "s")
    print("outbox lag (rows' timestamps):")
    for kind, (sent, received) in lag.items():
        report(f"{kind}: 申报 → message sent", sent, "s")
        report(f"{kind}: 申报 → deciding receipt stored", received, "s")
    print(f"CPU seconds in the timed phase ({wall:.1f} s wall, {os.cpu_count()} CPUs = "
          f"{wall * (os.cpu_count() or 1):.0f} CPU·s available):")
    total, each = 0.0, max(1, done)

    def line(name, seconds, extra=""):
        print(f"  {name:<20} {seconds:7.1f} s  {seconds / wall * 100:5.1f} % of one CPU  "
              f"{seconds / each * 1000:6.1f} ms per round trip{extra}")

    for name in [p.name for p in procs] + ["postgres (all)", "load driver (this)"]:
        own = after[name][0] - before[name][0]
        children = after[name][1] - before[name][1]
        total += own + children
        line(name, own + children, f"  (itself {own:.1f} s + PDF workers {children:.1f} s)"
             if name.startswith("web") else "")
    line("all of these", total)
    busy = after["machine"][0] - before["machine"][0]
    line("whole machine", busy, f"  ({busy / (wall * (os.cpu_count() or 1)) * 100:.0f} % of its "
                                f"{os.cpu_count()} CPUs busy, /proc/stat)")
    ours = {p.pid for p in procs} | {os.getpid()}
    others = defaultdict(float)
    for pid, (seconds, comm, ppid) in after["pids"].items():
        if pid in ours or ppid in ours or comm.startswith("postgres"):  # (a PDF worker is counted with its web)
            continue
        others[comm] += seconds - before["pids"].get(pid, (0.0,))[0]
    top = sorted(((v, k) for k, v in others.items() if v >= 0.05), reverse=True)[:5]
    if top:
        print("  other processes meanwhile: " + ", ".join(f"{k} {v:.1f} s" for v, k in top))
    for text, count in sorted(notes.items()):
        print(f"  saturation: {text} — {count} log lines")
    errors = shared.errors.items
    print(f"errors: {len(errors)}")
    for item in errors[:50]:
        print("  " + item)
    if len(errors) > 50:
        print(f"  … {len(errors) - 50} more")


def pg_admin(args):
    url = args.pg or os.environ.get("BENCH_PG_URL")
    loopback(url or DEFAULT_PG, "PostgreSQL")
    import psycopg

    try:
        psycopg.connect(url or DEFAULT_PG, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if url:
            raise SystemExit(f"PostgreSQL at {url} does not answer: {exc}")
        print(f"load: skipped ({DEFAULT_PG} does not answer; give --pg URL or BENCH_PG_URL)")
        return None
    return url or DEFAULT_PG


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clerks", type=int, default=8, help="concurrent clerks (threads, one API token each)")
    parser.add_argument("--rounds", type=int, default=5, help="full round trips per clerk")
    parser.add_argument("--officers", type=int, default=1, help="officers doing manual review (0: none)")
    parser.add_argument("--reviews", type=int, default=4, help="manual reviews per officer")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per web process")
    parser.add_argument("--per-enterprise", type=int, default=2, help="clerks per enterprise")
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between a clerk's status reads")
    parser.add_argument("--print-workers", type=int, default=0, help="PRINT_WORKERS per web process (default: "
                                                                     "the app's)")
    parser.add_argument("--pg", default=None, help=f"PostgreSQL admin URL (loopback; default {DEFAULT_PG})")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args()
    if min(args.clerks, args.rounds, args.threads, args.per_enterprise) < 1 or args.officers < 0 or args.reviews < 0:
        parser.error("counts must be positive")
    if args.officers * args.reviews > args.clerks * args.rounds:
        parser.error("more reviews (officers × reviews) than round trips (clerks × rounds)")
    server = pg_admin(args)
    if server is None:
        return 0
    name = f"co_load_test_{os.getpid()}"
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    workdir = Path(tempfile.mkdtemp(prefix="co-bench-load-"))
    pgdb = [sys.executable, str(ROOT / "scripts" / "pgdb.py")]
    subprocess.run([*pgdb, "create", server, name], check=True)
    errors = ["did not finish"]
    try:
        errors = drive(args, url, workdir)
    finally:
        subprocess.run([*pgdb, "drop", server, name], check=False)
        if args.keep or errors:
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
