"""Upgrades: the database of each earlier release, with data in every table, upgraded to head keeps its data.

Each tests/fixtures/upgrade/<revision>.json.gz was built by scripts/upgrade_fixture.py with that release's own
code (beside it, <revision>.keys.json: the keys of the instance that built it). Here, for each: an empty
database (SQLite file, or a PostgreSQL database of its own when the suite runs on PostgreSQL) is brought to the
fixture's revision by the real `flask db upgrade <revision>`, the rows are loaded as they were, then `flask db
upgrade` runs to head, `flask db downgrade <revision>` back and `flask db upgrade` again. Every fixture row must
stay with its values; the app, with the instance's keys, must open the release's certificates and decrypt what
it encrypted.
"""
import importlib.util
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from app import create_app
from app.extensions import db
from config import database_url
from tests.conftest import dispose, make_config
from tests.support import login

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "upgrade"
CLI_TIMEOUT = 120
OUTER = ("DATABASE_URL", "TEST_DATABASE_URL", "APP_MODE", "EXCHANGE_GATEWAY", "AUTHORITY_URL", "DEMO_MODE",
         "SECRET_KEY", "DATA_ENCRYPTION_KEYS", "INSTANCE_DIR", "FLASK_APP", "HOST", "PORT")

# What a later migration changes on purpose, so that the rows of an older fixture may differ there; each entry
# names its migration and why. A table or column missing after the upgrade and not listed here fails the test.
DROPPED_TABLES: dict[str, str] = {}  # "table": "00NN_revision: why"
DROPPED_COLUMNS: dict[str, str] = {}  # "table.column": "00NN_revision: why"
REWRITTEN_COLUMNS: dict[str, str] = {}  # "table.column": "00NN_revision: how its values change"

_spec = importlib.util.spec_from_file_location("upgrade_fixture", ROOT / "scripts" / "upgrade_fixture.py")
upgrade_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(upgrade_fixture)


def _fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.json.gz"))


def _head() -> str:
    return ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def _head_tables() -> set[str]:
    """The tables of the models at head (create_app imports every models module)."""
    dispose(create_app(make_config("sqlite://")))
    return set(db.metadata.tables)


# ------------------------------------------------------------------ the empty database
def _suite_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")


@pytest.fixture
def empty_url(request, tmp_path):
    """An empty database for one fixture: a SQLite file, or a fresh PostgreSQL database named with "test"
    beside the suite's own (created here, dropped after)."""
    suite = _suite_url()
    if not suite or not suite.startswith(("postgres://", "postgresql")):
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    url = sa.engine.make_url(database_url(suite))
    base = url.database or ""
    if "test" not in base:
        pytest.exit(f"refusing to run the tests on {suite}: its database name must contain 'test'", returncode=2)
    name = f"{base}_upgrade_{request.node.callspec.id[:4]}".lower()
    assert re.fullmatch(r"[a-z0-9_]+", name) and "test" in name, name
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _flask(url: str, keys: dict, instance: Path, *args: str) -> str:
    """Run a command of this checkout's `flask` on the database, as an operator upgrading would."""
    env = {k: v for k, v in os.environ.items() if k not in OUTER}
    env.update(DATABASE_URL=url, SECRET_KEY=keys["SECRET_KEY"], DATA_ENCRYPTION_KEYS=keys["DATA_ENCRYPTION_KEYS"],
               INSTANCE_DIR=str(instance), LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=CLI_TIMEOUT)
    assert result.returncode == 0, f"flask {' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _engine(url: str):
    engine = sa.create_engine(database_url(url))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", lambda conn, _record: conn.execute("PRAGMA foreign_keys=ON"))
    return engine


def _reflect(engine) -> sa.MetaData:
    metadata = sa.MetaData()
    metadata.reflect(engine)
    return metadata


def _revision(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


# ------------------------------------------------------------------ loading and comparing
def _load(engine, fixture: dict) -> dict:
    """Insert the fixture's rows into the database at its revision (parents first); the primary key of each
    table. The release's migrations must have built exactly the tables and columns the release had."""
    metadata = _reflect(engine)
    tables = {t for t in metadata.tables if t != "alembic_version"}
    assert tables == set(fixture["tables"]), (
        f"the migrations up to {fixture['revision']} no longer build the release's tables: "
        f"missing {sorted(set(fixture['tables']) - tables)}, extra {sorted(tables - set(fixture['tables']))}")
    keys = {}
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name not in fixture["tables"]:
                continue
            data = fixture["tables"][table.name]
            columns, released = {c.name for c in table.columns}, set(data["columns"])
            assert columns == released, (
                f"{table.name}: the migrations up to {fixture['revision']} were changed after the release: "
                f"columns missing {sorted(released - columns)}, extra {sorted(columns - released)}")
            keys[table.name] = [c.name for c in table.primary_key]
            if data["rows"]:
                conn.execute(table.insert(), data["rows"])
        if engine.dialect.name == "postgresql":  # the next id after the loaded ones
            for table in metadata.sorted_tables:
                for column in table.columns:
                    sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                            {"t": table.name, "c": column.name}).scalar()
                    if sequence:
                        conn.execute(sa.text(f'SELECT setval(:s, (SELECT COALESCE(MAX("{column.name}"), 0) + 1 '
                                             f'FROM "{table.name}"), false)'), {"s": sequence})
    return keys


def _same(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(str(a)) == Decimal(str(b))
    return a == b


def _assert_rows_kept(engine, fixture: dict, keys: dict, stage: str) -> None:
    """Every fixture row is still there, found by its primary key, with the same values in every column that
    still exists (save the ones listed above as changed on purpose)."""
    metadata = _reflect(engine)
    problems = []
    for name, data in fixture["tables"].items():
        if name in DROPPED_TABLES:
            continue
        if name not in metadata.tables:
            problems.append(f"table {name} is gone")
            continue
        table = metadata.tables[name]
        present = {c.name for c in table.columns}
        gone = [c for c in data["columns"] if c not in present and f"{name}.{c}" not in DROPPED_COLUMNS]
        problems += [f"column {name}.{c} is gone" for c in gone]
        changed = DROPPED_COLUMNS.keys() | REWRITTEN_COLUMNS.keys()  # after a downgrade a dropped column is back, empty
        compared = [c for c in data["columns"] if c in present and f"{name}.{c}" not in changed]
        with engine.connect() as conn:
            stored = {tuple(r[k] for k in keys[name]): r for r in conn.execute(sa.select(table)).mappings()}
        for row in data["rows"]:
            pk = tuple(row[k] for k in keys[name])
            now = stored.get(pk)
            if now is None:
                problems.append(f"{name} {pk}: row lost")
                continue
            problems += [f"{name} {pk}.{c}: {row[c]!r} became {now[c]!r}"
                         for c in compared if not _same(row[c], now[c])]
    assert not problems, f"after {stage}: " + "; ".join(problems[:30])


# ------------------------------------------------------------------ the app on the upgraded data
def _the_app_uses_the_data(url: str, fixture: dict, keys: dict) -> None:
    from app.crypto import decrypt

    app = create_app(make_config(database_url(url), SECRET_KEY=keys["SECRET_KEY"],
                                 DATA_ENCRYPTION_KEYS=keys["DATA_ENCRYPTION_KEYS"]))
    try:
        client = app.test_client()
        response = login(client, app.config["CAPTCHAS"], keys["enterprise_user"], keys["password"])
        assert response.status_code == 302, response.get_data(as_text=True)
        user = next(u for u in fixture["tables"]["users"]["rows"] if u["username"] == keys["enterprise_user"])
        certificates = [c for c in fixture["tables"]["certificates"]["rows"]
                        if c["enterprise_id"] == user["enterprise_id"]]
        assert certificates, "the fixture has no certificate of its enterprise user"
        for cert in certificates:
            response = client.get(f"/certificates/{cert['id']}")
            page = response.get_data(as_text=True)
            assert response.status_code == 200, page
            assert cert["cert_no"] in page
        listing = client.get("/certificates")
        assert listing.status_code == 200
        assert all(c["cert_no"] in listing.get_data(as_text=True) for c in certificates)

        with app.app_context():
            metadata = _reflect(db.engine)
            checked = 0
            for name, rows in keys["decrypted"].items():
                table = metadata.tables[name]
                key = [c.name for c in table.primary_key]
                stored = {"/".join(str(r[k]) for k in key): r for r in db.session.execute(sa.select(table)).mappings()}
                for pk, columns in rows.items():
                    for column, plaintext in columns.items():
                        assert decrypt(stored[pk][column]) == plaintext, f"{name} {pk}.{column}"
                        checked += 1
            db.session.remove()
        assert checked, "the fixture records no encrypted value"
    finally:
        dispose(app)


# ------------------------------------------------------------------ the test
@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.name.split(".")[0])
def test_a_release_database_upgrades_to_head_with_its_data(path, empty_url, tmp_path):
    fixture = upgrade_fixture.read_fixture(path)
    keys = json.loads(path.with_name(path.name.split(".")[0] + ".keys.json").read_text())
    revision, head, instance = fixture["revision"], _head(), tmp_path / "instance"
    assert all(rows["rows"] for rows in fixture["tables"].values()), "every table of the fixture has rows"

    _flask(empty_url, keys, instance, "db", "upgrade", revision)
    engine = _engine(empty_url)
    try:
        assert _revision(engine) == revision
        pks = _load(engine, fixture)

        _flask(empty_url, keys, instance, "db", "upgrade")
        assert _revision(engine) == head
        _assert_rows_kept(engine, fixture, pks, f"upgrade {revision} → {head}")
        tables, models = set(_reflect(engine).tables) - {"alembic_version"}, _head_tables()
        assert tables == models, f"tables at head: missing {sorted(models - tables)}, extra {sorted(tables - models)}"
        assert not set(fixture["tables"]) - set(DROPPED_TABLES) - tables

        _flask(empty_url, keys, instance, "db", "downgrade", revision)
        assert _revision(engine) == revision
        _assert_rows_kept(engine, fixture, pks, f"downgrade {head} → {revision}")
        assert set(_reflect(engine).tables) - {"alembic_version"} == set(fixture["tables"])

        _flask(empty_url, keys, instance, "db", "upgrade")
        assert _revision(engine) == head
        _assert_rows_kept(engine, fixture, pks, f"upgrade {revision} → {head} again")
    finally:
        engine.dispose()

    _the_app_uses_the_data(empty_url, fixture, keys)
