"""The exchange over real HTTP between two processes: an enterprise instance and an authority instance.

Each side has its own SQLite file (whatever database the rest of the suite runs on), set up through the
command line as an operator would (db upgrade, refdata load, demo load), and its own encryption key: each
instance keeps its own encrypted copy of the demo enterprise's 质检通讯平台 password. The authority is served
by `flask serve` on a free loopback port; the enterprise declares in-process and delivers with its jobs
command (`flask jobs run --once`), over the `http` gateway.
"""
import base64
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app import create_app
from tests.conftest import dispose
from tests.support import GENERAL_BASIC, GOODS_ROW

ROOT = Path(__file__).resolve().parents[2]
ENTERPRISE_KEY = "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M="
AUTHORITY_KEY = "pQm2u5dY8sK1cV4bN7xZ0aR3tE6wH9jL2fG5hJ8kM1o="
CLI_TIMEOUT = 60
# Variables of the outer environment that would leak into the instances (the suite's own database, ...).
OUTER = ("DATABASE_URL", "TEST_DATABASE_URL", "APP_MODE", "EXCHANGE_GATEWAY", "AUTHORITY_URL", "DEMO_MODE",
         "SECRET_KEY", "DATA_ENCRYPTION_KEYS", "INSTANCE_DIR", "FLASK_APP", "HOST", "PORT")


class Instance:
    """One deployment of the system: its database file, instance folder and environment."""

    def __init__(self, tmp_path: Path, name: str, key: str, **env):
        self.name = name
        self.db_file = tmp_path / f"{name}.sqlite3"
        self.url = f"sqlite:///{self.db_file}"
        self.key = key
        self.env = {k: v for k, v in os.environ.items() if k not in OUTER}
        self.env.update(DATABASE_URL=self.url, SECRET_KEY=f"{name}-secret", DATA_ENCRYPTION_KEYS=key,
                        INSTANCE_DIR=str(tmp_path / f"{name}-instance"), DEMO_MODE="1", LOG_LEVEL="WARNING",
                        PYTHONUNBUFFERED="1", **env)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "flask", "--app", "wsgi", *args]

    def flask(self, *args: str) -> str:
        """Run a flask command of this instance to the end; its output (a failure shows everything)."""
        result = subprocess.run(self.command(*args), cwd=ROOT, env=self.env, capture_output=True, text=True,
                                timeout=CLI_TIMEOUT)
        assert result.returncode == 0, f"{self.name}: flask {' '.join(args)}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def set_up(self) -> None:
        self.flask("db", "upgrade")
        self.flask("refdata", "load")
        self.flask("demo", "load")

    def app(self):
        """This instance's app in the test process (same database and key as its processes)."""
        return create_app({"SQLALCHEMY_DATABASE_URI": self.url, "SECRET_KEY": self.env["SECRET_KEY"],
                           "DATA_ENCRYPTION_KEYS": self.key, "APP_MODE": self.env["APP_MODE"],
                           "EXCHANGE_GATEWAY": self.env.get("EXCHANGE_GATEWAY", "embedded"),
                           "AUTHORITY_URL": self.env.get("AUTHORITY_URL", ""), "DEMO_MODE": True,
                           "CAPTCHA_ENABLED": False})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base_url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the authority server exited with code {server.returncode}"
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{base_url}/healthz did not answer within {timeout} s")


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM: `serve` stops waitress and its jobs process; anything left in its group is killed."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    try:
        os.killpg(server.pid, signal.SIGKILL)  # its own process group (start_new_session): stray children
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    """(enterprise, authority): both set up through the CLI, the authority served over loopback HTTP."""
    tmp_path = tmp_path_factory.mktemp("exchange")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    authority = Instance(tmp_path, "authority", AUTHORITY_KEY, APP_MODE="authority")
    enterprise = Instance(tmp_path, "enterprise", ENTERPRISE_KEY, APP_MODE="enterprise", EXCHANGE_GATEWAY="http",
                          AUTHORITY_URL=base_url, EXCHANGE_TIMEOUT_SECONDS="10")
    # Both set-ups at once: they are independent processes on independent files.
    errors = []

    def set_up(instance):
        try:
            instance.set_up()
        except BaseException as exc:  # reported in the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=set_up, args=(i,)) for i in (authority, enterprise)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]

    log = open(tmp_path / "authority-server.log", "w")
    server = subprocess.Popen(authority.command("serve", "--host", "127.0.0.1", "--port", str(port)), cwd=ROOT,
                              env=authority.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(base_url, server)
        yield enterprise, authority, base_url
    finally:
        _stop(server)
        log.close()
        if server.returncode not in (0, -signal.SIGTERM):
            print((tmp_path / "authority-server.log").read_text())


def _declare_demo_certificate(enterprise: Instance) -> str:
    """A 一般原产地证 with one goods row of the demo enterprise (签证机构 2200), declared; its number."""
    from app.accounts.models import Enterprise, User
    from app.certificates import services
    from app.certificates.entry_forms import basic_form_class, goods_form_class
    from app.certificates.types import TYPES
    from app.cli import DEMO_ENTERPRISE
    from app.extensions import db
    from app.timeutil import local_today

    app = enterprise.app()
    today = local_today(app.config["DISPLAY_TIMEZONE"])
    basic = {**GENERAL_BASIC, "application_date": today.isoformat(), "invoice_date": today.isoformat()}
    assert basic["issuing_authority"] == "2200"  # the demo officer's authority
    try:
        with app.test_request_context("/", method="POST", data=basic):
            form = basic_form_class(TYPES["C"])(meta={"csrf": False})
            assert form.validate(), form.errors
            company = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == DEMO_ENTERPRISE))
            clerk = db.session.scalar(sa.select(User).where(User.username == "demo_clerk"))
            cert = services.create(company, TYPES["C"], form.data, clerk, today)
            goods = goods_form_class(TYPES["C"])(formdata=MultiDict(GOODS_ROW), meta={"csrf": False})
            assert goods.validate(), goods.errors
            services.add_item(cert, goods.data)
            assert services.declare(cert, clerk, today, undertaking=True) == []
            cert_no = cert.cert_no
            db.session.commit()
    finally:
        dispose(app)
    return cert_no


def _enterprise_state(enterprise: Instance, cert_no: str) -> dict:
    from app.certificates.models import Certificate
    from app.exchange.models import OutboxMessage, Receipt
    from app.extensions import db

    app = enterprise.app()
    try:
        with app.app_context():
            cert = db.session.scalar(sa.select(Certificate).where(Certificate.cert_no == cert_no))
            receipts = db.session.scalars(sa.select(Receipt).where(Receipt.cert_no == cert_no)
                                          .order_by(Receipt.seq)).all()
            messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.certificate_id == cert.id)
                                          ).all()
            return {"status": cert.status.value, "receipt_seq": cert.receipt_seq, "issue_date": cert.issue_date,
                    "issued_by": cert.issued_by,
                    "receipts": [(r.seq, r.code, r.status, r.applied, r.certificate_id == cert.id) for r in receipts],
                    "outbox": [(m.status, m.attempts, m.last_error) for m in messages]}
    finally:
        dispose(app)


def _authority_state(authority: Instance, cert_no: str) -> dict:
    from app.authority.models import AuthorityReceipt, Declaration
    from app.extensions import db

    app = authority.app()
    try:
        with app.app_context():
            declarations = db.session.scalars(sa.select(Declaration).where(Declaration.cert_no == cert_no)).all()
            receipts = db.session.scalars(sa.select(AuthorityReceipt.code).where(AuthorityReceipt.cert_no == cert_no)
                                          .order_by(AuthorityReceipt.seq)).all()
            return {"declarations": [(d.status, d.review, d.authority_code, d.co_reg_no, d.issue_date)
                                     for d in declarations], "receipts": receipts}
    finally:
        dispose(app)


def _post(url: str, data: bytes, user: str, password: str) -> int:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Authorization": "Basic " + token, "Content-Type": "application/xml"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code


def test_a_declaration_travels_over_http_to_the_authority_and_comes_back_issued(instances):
    enterprise, authority, base_url = instances
    cert_no = _declare_demo_certificate(enterprise)
    assert _enterprise_state(enterprise, cert_no)["status"] == "declared"

    output = enterprise.flask("jobs", "run", "--once")  # send_outbox (which fetches at once), then poll_receipts
    assert "send_outbox: delivered 1 failed 0, then receipts 3" in output, output

    ent = _enterprise_state(enterprise, cert_no)
    assert ent["status"] == "issued"  # 审核通过, as the clerk's page shows it
    assert ent["issued_by"] == "自动审核" and ent["issue_date"] is not None and ent["receipt_seq"] == 3
    assert ent["receipts"] == [(1, "RECEIVED", "received", True, True), (2, "ACCEPTED", "accepted", True, True),
                               (3, "ISSUED", "issued", True, True)]
    assert ent["outbox"] == [("sent", 1, None)]
    auth = _authority_state(authority, cert_no)
    assert auth == {"declarations": [("issued", "auto", "2200", "220000001", ent["issue_date"])],
                    "receipts": ["RECEIVED", "ACCEPTED", "ISSUED"]}

    # Again: nothing due, nothing waiting, nothing duplicated.
    output = enterprise.flask("jobs", "run", "--once")
    assert "send_outbox: ok" in output and "poll_receipts: ok" in output, output
    assert _enterprise_state(enterprise, cert_no) == ent
    assert _authority_state(authority, cert_no) == auth

    # The answer to the first delivery was lost: the message goes out again, from scratch (cursor at 0).
    # The authority recognises it by its idempotency key (200, not 202) and receipts are stored once.
    app = enterprise.app()
    try:
        from app.exchange.models import OutboxMessage, ReceiptCursor
        from app.extensions import db

        with app.app_context():
            db.session.execute(sa.update(OutboxMessage).values(status="failed",
                                                               next_attempt_at=OutboxMessage.created_at))
            db.session.execute(sa.update(ReceiptCursor).values(last_receipt_id=0))
            db.session.commit()
    finally:
        dispose(app)
    output = enterprise.flask("jobs", "run", "--once")
    assert "send_outbox: delivered 1 failed 0" in output, output
    assert _authority_state(authority, cert_no) == auth
    again = _enterprise_state(enterprise, cert_no)
    assert again["receipts"] == ent["receipts"] and again["status"] == "issued"
    assert again["outbox"] == [("sent", 2, None)]


def test_the_authority_refuses_wrong_platform_credentials(instances):
    _enterprise, _authority, base_url = instances
    xml = (ROOT / "docs/examples/declaration.xml").read_bytes()
    assert _post(base_url + "/exchange/inbox", xml, "demo", "Wrong@12345") == 401
    assert _post(base_url + "/exchange/inbox", xml, "nobody", "Demo@12345") == 401
    # The right credentials get past the door: this example belongs to another enterprise (备案号 310600123).
    assert _post(base_url + "/exchange/inbox", xml, "demo", "Demo@12345") == 403
    request = urllib.request.Request(base_url + "/exchange/receipts?after=0")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    with refused.value:
        assert refused.value.code == 401
