"""Backups (docs/backup.md): `flask backup create` while the database is written, `flask backup restore` into a
new instance, each run as its own process with its own INSTANCE_DIR and DATABASE_URL, as an operator runs them.

The source holds the demo enterprise with a certificate declared and issued (its receipts came back through the
embedded authority) and the encrypted 质检通讯平台密码 of its 资质备案. Each test runs on the kind of database the
suite runs on: SQLite on files of its own (a copy of the suite's schema and code tables), backed up while a
thread writes; PostgreSQL on the suite's database, restored into a second one made for the test.
"""
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from app import create_app
from app.backup import keys as backup_keys
from app.cli import DEMO_ENTERPRISE, DEMO_PASSWORD
from app.extensions import db
from tests.conftest import dispose, make_config
from tests.http.test_exchange_two_processes import _declare_demo_certificate

ROOT = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = 60
# Each test runs on the kind of database the suite runs on (tests/conftest.py chooses it).
ON_POSTGRESQL = (os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "").startswith("postgres")
# Variables of the outer environment that would leak into the instances (the suite's own database, ...).
OUTER = ("DATABASE_URL", "TEST_DATABASE_URL", "APP_MODE", "EXCHANGE_GATEWAY", "AUTHORITY_URL", "DEMO_MODE",
         "SECRET_KEY", "DATA_ENCRYPTION_KEYS", "INSTANCE_DIR", "FLASK_APP", "HOST", "PORT")


class Instance:
    """One deployment: its database, its instance folder (the keys, unless the environment holds them)."""

    def __init__(self, root: Path, name: str, url: str, **env):
        self.name, self.url = name, url
        self.instance_dir = root / f"{name}-instance"
        self.env = {k: v for k, v in os.environ.items() if k not in OUTER}
        self.env.update(DATABASE_URL=url, INSTANCE_DIR=str(self.instance_dir), DEMO_MODE="1", LOG_LEVEL="WARNING",
                        PYTHONUNBUFFERED="1", **env)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=CLI_TIMEOUT)

    def flask(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"{self.name}: flask {' '.join(args)}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def keys(self) -> dict:
        """The keys this instance runs with: the environment, else its instance/ files."""
        return {name: self.env.get(name) or (self.instance_dir / filename).read_text().strip()
                for name, filename in backup_keys.KEYS}

    def app(self):
        """This instance's app in the test process: same database, same keys as its processes."""
        return create_app({"SQLALCHEMY_DATABASE_URI": self.url, **self.keys(), "APP_MODE": "full",
                           "EXCHANGE_GATEWAY": "embedded", "DEMO_MODE": True, "CAPTCHA_ENABLED": False})


def _schema_and_code_tables(db_file: Path, db_url: str) -> None:
    """A SQLite database with every migration and the code tables: a copy of the suite's (built once per
    session), emptied of what other tests may have left in it."""
    with closing(sqlite3.connect(sa.engine.make_url(db_url).database)) as suite, \
            closing(sqlite3.connect(db_file)) as copy:
        suite.backup(copy)
        with copy:
            for table in reversed(db.metadata.sorted_tables):
                if table.name != "code_entries":
                    copy.execute(f'DELETE FROM "{table.name}"')


def _demo_with_issued_certificate(source: Instance) -> str:
    """The demo data, one certificate declared and delivered (receipts back); its number."""
    app = source.app()
    try:
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    finally:
        dispose(app)
    cert_no = _declare_demo_certificate(source)
    app = source.app()
    try:
        result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
        assert "send_outbox: delivered 1 failed 0, then receipts 3" in result.output, result.output
    finally:
        dispose(app)
    return cert_no


def _state(instance: Instance, cert_no: str) -> dict:
    """What must survive a backup: the certificate, its receipts, the authority's record, the decrypted secrets."""
    from app.accounts import two_factor
    from app.accounts.models import Enterprise, User
    from app.authority.models import Declaration
    from app.certificates.models import Certificate
    from app.crypto import decrypt
    from app.exchange.models import Receipt

    app = instance.app()
    try:
        with app.app_context():
            cert = db.session.scalar(sa.select(Certificate).where(Certificate.cert_no == cert_no))
            receipts = db.session.scalars(sa.select(Receipt).where(Receipt.cert_no == cert_no).order_by(Receipt.seq))
            enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == DEMO_ENTERPRISE))
            officer = db.session.scalar(sa.select(User).where(User.username == "demo_officer"))
            return {
                "certificate": (cert.cert_no, cert.status.value, cert.issue_date, cert.issued_by, len(cert.items)),
                "receipts": [(r.seq, r.code, r.status, r.text, r.applied, r.certificate_id == cert.id)
                             for r in receipts],
                "declarations": db.session.execute(sa.select(Declaration.status, Declaration.review).where(
                    Declaration.cert_no == cert_no)).all(),
                "platform_password": decrypt(enterprise.qualification.platform_password_enc),
                "officer_totp": two_factor.secret_of(officer),
            }
    finally:
        dispose(app)


class Writer(threading.Thread):
    """Writes to the SQLite database as the app does (WAL, BEGIN IMMEDIATE): two rows per transaction."""

    def __init__(self, db_file: Path):
        super().__init__(daemon=True)
        self.db_file, self.committed, self.stop, self.error = db_file, 0, threading.Event(), None

    def run(self):
        conn = sqlite3.connect(self.db_file, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            while not self.stop.is_set():
                now = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO audit_log (at, actor_name, action, target, detail) "
                             "VALUES (?, 'backup-writer', 'backup_test', ?, '')", (now, str(self.committed)))
                conn.execute("INSERT INTO login_attempts (at, username, ip, outcome) "
                             "VALUES (?, 'backup-writer', '127.0.0.1', 'ok')", (now,))
                conn.execute("COMMIT")
                self.committed += 1
                time.sleep(0.002)
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            conn.close()

    def wait_for(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while self.committed < count and self.error is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.error is None and self.committed >= count, self.error


def _created(output: str, suffix: str) -> tuple[Path, Path]:
    """(the backup file, the keys file) that `flask backup create` reports."""
    lines = output.splitlines()
    backup = next(line.split("：", 1)[1].split("（")[0] for line in lines if "备份文件：" in line)
    keys = next(line.split("：", 1)[1].split("（")[0] for line in lines if "密钥文件：" in line)
    assert backup.endswith(suffix) and keys.endswith(".keys.json"), output
    return Path(backup), Path(keys)


def _assert_private(path: Path) -> None:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)


def _assert_no_secret_in(text: str, instance: Instance) -> None:
    for name, value in instance.keys().items():
        for part in value.split(","):
            assert part not in text, f"{name} was printed"


def _restore_into_new_instance(source: Instance, target: Instance, backup: Path, keys_file: Path, expected: dict,
                               cert_no: str, target_is_empty) -> None:
    """Refused without the keys, done with them, refused again once the database holds the data."""
    refused = target.run("backup", "restore", str(backup))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "无法用本实例的密钥解密" in refused.stderr and "--keys" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    assert target_is_empty(), "a refused restore changed the database"

    output = target.flask("backup", "restore", str(backup), "--keys", str(keys_file))
    assert "（与备份一致）" in output and "与当前代码一致" in output, output
    _assert_no_secret_in(output, source)
    assert target.keys() == source.keys()  # written to the new instance's files, mode 0600
    for _name, filename in backup_keys.KEYS:
        _assert_private(target.instance_dir / filename)

    restored = _state(target, cert_no)
    assert restored == expected
    assert restored["platform_password"] == DEMO_PASSWORD
    assert [r[1] for r in restored["receipts"]] == ["RECEIVED", "ACCEPTED", "ISSUED"]

    again = target.run("backup", "restore", str(backup), "--keys", str(keys_file))
    assert again.returncode == 1 and "已有数据" in again.stderr and "--force" in again.stderr, again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite backup runs when the suite runs on SQLite")
def test_it_backs_up_sqlite_while_it_is_written_and_restores_into_a_new_instance(db_url, tmp_path):
    source = Instance(tmp_path, "source", f"sqlite:///{tmp_path / 'source.sqlite3'}")
    # The keys live in instance/ (no SECRET_KEY / DATA_ENCRYPTION_KEYS in the environment), as `make serve` has them.
    source.instance_dir.mkdir()
    (source.instance_dir / "secret_key").write_text("source-secret-key-" + "7" * 40)
    (source.instance_dir / "data_encryption_key").write_text(Fernet.generate_key().decode())
    _schema_and_code_tables(tmp_path / "source.sqlite3", db_url)
    cert_no = _demo_with_issued_certificate(source)
    expected = _state(source, cert_no)
    assert expected["certificate"][1] == "issued" and len(expected["receipts"]) == 3

    writer = Writer(tmp_path / "source.sqlite3")
    writer.start()
    try:
        writer.wait_for(5)
        before = writer.committed
        output = source.flask("backup", "create", "--dir", str(tmp_path / "backups"),
                              "--keys-dir", str(tmp_path / "keys"))
        writer.wait_for(before + 5)  # and it goes on after
        during = writer.committed
    finally:
        writer.stop.set()
        writer.join(timeout=10)
    assert writer.error is None, writer.error
    assert "完整性检查 ok" in output and "质检通讯平台密码 1" in output and "证书 1" in output, output
    _assert_no_secret_in(output, source)
    backup, keys_file = _created(output, ".sqlite3")
    assert backup.parent == tmp_path / "backups" and keys_file.parent == tmp_path / "keys"
    _assert_private(backup)
    _assert_private(keys_file)
    assert json.loads(keys_file.read_text())["DATA_ENCRYPTION_KEYS"] == source.keys()["DATA_ENCRYPTION_KEYS"]

    # A snapshot: whole transactions only, taken while the writer went on.
    with closing(sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        audits = copy.execute("SELECT count(*) FROM audit_log WHERE action = 'backup_test'").fetchone()[0]
        attempts = copy.execute("SELECT count(*) FROM login_attempts WHERE username = 'backup-writer'").fetchone()[0]
    assert audits == attempts and before <= audits <= during, (audits, attempts, before, during)
    assert not Path(f"{backup}-wal").exists()  # self-contained: nothing beside it is needed

    target_db = tmp_path / "restored" / "co.sqlite3"
    target = Instance(tmp_path, "target", f"sqlite:///{target_db}")
    _restore_into_new_instance(source, target, backup, keys_file, expected, cert_no,
                               target_is_empty=lambda: not target_db.exists())

    app = target.app()
    try:
        checked = app.test_cli_runner().invoke(args=["backup", "check", str(backup), "--keys", str(keys_file)]).output
    finally:
        dispose(app)
    assert "完整性检查 ok" in checked and "可解密全部 3 个加密字段" in checked, checked


@pytest.fixture
def second_database(db_url):
    """An empty PostgreSQL database beside the suite's (its name ends in _restore, so it contains "test")."""
    url = sa.engine.make_url(db_url)
    name = f"{url.database}_restore"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the PostgreSQL backup runs when TEST_DATABASE_URL is PostgreSQL")
def test_it_backs_up_postgresql_with_pg_dump_and_restores_into_an_empty_database(db_url, second_database, app,
                                                                                tmp_path):
    # The suite's database (emptied after the test); its keys in the environment, as a container would set them.
    config = make_config(db_url)
    source = Instance(tmp_path, "source", db_url, SECRET_KEY=config["SECRET_KEY"],
                      DATA_ENCRYPTION_KEYS=config["DATA_ENCRYPTION_KEYS"])
    cert_no = _demo_with_issued_certificate(source)
    expected = _state(source, cert_no)

    output = source.flask("backup", "create", "--dir", str(tmp_path / "backups"))
    assert "pg_restore 已完整读回" in output and "质检通讯平台密码 1" in output and "证书 1" in output, output
    assert "环境变量 DATA_ENCRYPTION_KEYS" in output
    _assert_no_secret_in(output, source)
    backup, keys_file = _created(output, ".dump")
    _assert_private(backup)
    _assert_private(keys_file)

    target = Instance(tmp_path, "target", second_database)
    engine = sa.create_engine(second_database)

    def target_is_empty() -> bool:
        with engine.connect() as conn:
            return not sa.inspect(conn).get_table_names()

    try:
        _restore_into_new_instance(source, target, backup, keys_file, expected, cert_no, target_is_empty)
    finally:
        engine.dispose()


def test_keys_held_by_the_environment_are_never_written_to_files(tmp_path):
    saved = {"SECRET_KEY": "s" * 64, "DATA_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    other = Fernet.generate_key().decode()
    # The environment wins over instance/ (config.py): a different value there must be changed by the operator.
    assert backup_keys.env_conflicts(saved, {"DATA_ENCRYPTION_KEYS": other}) == ["DATA_ENCRYPTION_KEYS"]
    assert backup_keys.env_conflicts(saved, {"DATA_ENCRYPTION_KEYS": saved["DATA_ENCRYPTION_KEYS"]}) == []
    done = backup_keys.install(tmp_path, saved, {"DATA_ENCRYPTION_KEYS": saved["DATA_ENCRYPTION_KEYS"]})
    assert not (tmp_path / "data_encryption_key").exists()
    assert (tmp_path / "secret_key").read_text() == saved["SECRET_KEY"]
    assert "由环境变量设置，与密钥文件相同" in done[1]
    assert all(saved["SECRET_KEY"] not in line and saved["DATA_ENCRYPTION_KEYS"] not in line for line in done)
    # A key of the instance's own, different, is kept beside rather than lost.
    (tmp_path / "secret_key").write_text("older")
    backup_keys.install(tmp_path, saved, {})
    assert (tmp_path / "secret_key").read_text() == saved["SECRET_KEY"]
    assert [p.read_text() for p in tmp_path.glob("secret_key.before-restore-*")] == ["older"]
    assert backup_keys.unreadable([Fernet(other).encrypt(b"x").decode()], saved["DATA_ENCRYPTION_KEYS"]) == 1
