"""Build the upgrade fixture of a release: its database, with data in every table, as portable JSON.

    .venv/bin/python scripts/upgrade_fixture.py COMMIT        # e.g. the last commit that landed through CI

The release's own code (a `git worktree` of COMMIT under /tmp, removed afterwards) builds a fresh SQLite
database as an operator would: `flask db upgrade`, `flask refdata load`, `flask demo load`; then people use it
(logins, 系统设置, 经核准出口商, 打印设置, certificates with goods and 日本进料信息, a declaration delivered by
`flask jobs run --once` to the embedded authority and its receipts). A table still empty after that gets a
plausible row by SQL (its foreign keys pointing at existing rows). Then every table is written to
tests/fixtures/upgrade/<head revision>.json.gz, and the instance keys (a fixed SECRET_KEY and
DATA_ENCRYPTION_KEYS, passed through the environment) and what the encrypted columns hold to
<head revision>.keys.json. tests/http/test_upgrade.py loads each fixture into a database at its revision and
upgrades it to head.

The script refuses (exit 1, nothing written) when a table of the release's schema is still empty.
Code tables (code_entries) are kept whole except the large ones (HS codes, ports): of those, the entries other
tables refer to, the locally edited ones and every SAMPLE_EVERY-th.
"""
import argparse
import base64
import datetime as dt
import decimal
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "tests" / "fixtures" / "upgrade"
# Fixed keys of every fixture's instance (test data only): the test passes the same ones.
SECRET_KEY = "upgrade-fixture-secret-key"
DATA_ENCRYPTION_KEYS = "7bHk1nQ0yQbq3pV5uP7L2m9sZ1cX4vB6nM8aS0dF2gE="
DEMO_PASSWORD = "Demo@12345"  # app/cli.py DEMO_PASSWORD: every demo account's
ENTERPRISE_USER = "demo_clerk"
# Variables of the caller's environment that must not reach the release's processes.
OUTER = ("DATABASE_URL", "TEST_DATABASE_URL", "APP_MODE", "EXCHANGE_GATEWAY", "AUTHORITY_URL", "DEMO_MODE",
         "SECRET_KEY", "DATA_ENCRYPTION_KEYS", "INSTANCE_DIR", "FLASK_APP", "HOST", "PORT", "PYTHONPATH")
LARGE_GROUP = 500  # a code table with more entries than this is sampled
SAMPLE_EVERY = 50
TIMEOUT = 300


# ------------------------------------------------------------------ portable values
def encode(value):
    """A database value as JSON: dates, times, decimals and bytes tagged, JSON values wrapped."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, (dict, list)):
        return {"$json": value}
    raise TypeError(f"cannot encode {type(value).__name__}: {value!r}")


def decode(value):
    """The inverse of encode()."""
    if not isinstance(value, dict):
        return value
    (tag, raw), = value.items()
    return {"$datetime": dt.datetime.fromisoformat, "$date": dt.date.fromisoformat, "$time": dt.time.fromisoformat,
            "$decimal": decimal.Decimal, "$bytes": base64.b64decode, "$json": lambda v: v}[tag](raw)


def read_fixture(path: Path) -> dict:
    """A fixture file (.json or .json.gz) with its rows decoded: {"revision", "tables": {name: [row, ...]}, …}."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    for table in data["tables"].values():
        table["rows"] = [{k: decode(v) for k, v in row.items()} for row in table["rows"]]
    return data


# ------------------------------------------------------------------ the release's processes
def release_env(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in OUTER}
    env.update(DATABASE_URL=f"sqlite:///{work / 'co.sqlite3'}", INSTANCE_DIR=str(work / "instance"),
               SECRET_KEY=SECRET_KEY, DATA_ENCRYPTION_KEYS=DATA_ENCRYPTION_KEYS, DEMO_MODE="1", APP_MODE="full",
               EXCHANGE_GATEWAY="embedded", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1", FLASK_APP="wsgi",
               PYTHONPATH=str(work / "src"))
    return env


def run(args: list, work: Path, python: str) -> str:
    print("  $", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([python, *args], cwd=work / "src", env=release_env(work), capture_output=True,
                            text=True, timeout=TIMEOUT)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def flask(work: Path, python: str, *args: str) -> str:
    return run(["-m", "flask", "--app", "wsgi", *args], work, python)


# ------------------------------------------------------------------ people using the release (its own code)
def drive() -> None:
    """Run inside the release's worktree (cwd, PYTHONPATH): its app, its test helpers. Each step is tried on
    its own; a step the release's code no longer allows is reported and the table filler covers it."""
    import traceback

    from app import create_app
    from app.extensions import db

    captchas: dict = {}
    app = create_app({"CAPTCHA_ENABLED": True, "CAPTCHA_OBSERVER": captchas.__setitem__, "DEMO_MODE": True,
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    client = app.test_client  # a new browser per person

    def step(name, func, in_context=False):
        """HTTP steps run as requests do (no outer app context); service steps in one, committed."""
        try:
            if in_context:
                with app.app_context():
                    func()
                    db.session.commit()
            else:
                func()
            print(f"  ok      {name}", flush=True)
        except Exception:  # noqa: BLE001 - reported; the filler gives the table a row
            print(f"  FAILED  {name}\n" + "".join("          " + line for line in
                                                 traceback.format_exc().splitlines(True)[-6:]), flush=True)

    def gist(response) -> str:
        """What a person reads on a page that refused: its text, tags stripped."""
        import re

        html = response.get_data(as_text=True)
        html = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", html)
        main = re.search(r"(?s)<main\b.*", html)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.group(0) if main else html)).strip()
        return f"{response.status_code} {response.headers.get('Location', '')} {text[:400]}"

    def logged_in(username, password=DEMO_PASSWORD):
        from tests.support import login

        browser = client()
        response = login(browser, captchas, username, password)
        assert response.status_code == 302, gist(response)
        return browser

    def failed_login():
        from tests.support import login

        assert login(client(), captchas, ENTERPRISE_USER, "Wrong-pass1").status_code != 302

    def settings():
        from app.settings.registry import SETTINGS
        from tests.support import post

        browser = logged_in("sysadmin")
        form = {}
        for key, definition in SETTINGS.items():
            value = {"login.lockout_minutes": 30, "login.max_failures_per_account": 6}.get(key, definition.default)
            if definition.kind == "bool":
                if value:
                    form[key] = "1"
            else:
                form[key] = str(value)
        response = post(browser, "/admin/settings", form, "/admin/settings")
        assert response.status_code == 302, gist(response)

    def enterprise_admin():
        from tests.support import post

        browser = logged_in("demo_admin")
        response = post(browser, "/enterprise/approved-exporters",
                        {"approval_no": "CH2200A0001", "agreements": ["S", "I"], "valid_from": "2025-01-01",
                         "valid_until": "2030-12-31"}, "/enterprise/approved-exporters")
        assert response.status_code == 302, gist(response)
        response = post(browser, "/print-settings", {"offset_x": "2.5", "offset_y": "-1.5"}, "/print-settings")
        assert response.status_code in (200, 302), gist(response)

    def certificates():
        import sqlalchemy as sa
        from werkzeug.datastructures import MultiDict

        from app.accounts.models import Enterprise, User
        from app.certificates import japan_materials, services
        from app.certificates.entry_forms import MaterialForm, basic_form_class, goods_form_class
        from app.certificates.types import TYPES
        from app.cli import DEMO_ENTERPRISE
        from app.refdata.models import CodeEntry
        from app.refdata.services import save_entry
        from app.timeutil import local_today
        from tests.support import GOODS_ROW, MATERIAL_ROW, basic_for

        today = local_today(app.config["DISPLAY_TIMEZONE"])
        company = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == DEMO_ENTERPRISE))
        clerk = db.session.scalar(sa.select(User).where(User.username == ENTERPRISE_USER))
        # A sysadmin's edit of 协定成员: Japan still gives GSP, so that a Form A to Japan has 日本进料信息.
        entry = db.session.scalar(sa.select(CodeEntry).where(
            CodeEntry.table == "agreement_member", CodeEntry.category == "G", CodeEntry.code == "JP"))
        save_entry(entry, name_zh=entry.name_zh, name_en=entry.name_en, category=entry.category,
                   attrs={k: v for k, v in entry.attrs.items() if k != "valid_until"}, active=True,
                   source=entry.source, sort=entry.sort)

        def make(cert_type, destination, items, materials=0, declare=False, **changes):
            basic = basic_for(destination, application_date=today.isoformat(), invoice_date=today.isoformat(),
                              **changes)
            with app.test_request_context("/", method="POST", data=basic):
                form = basic_form_class(TYPES[cert_type])(meta={"csrf": False})
                assert form.validate(), form.errors
                cert = services.create(company, TYPES[cert_type], form.data, clerk, today)
                for n in range(items):
                    goods = goods_form_class(TYPES[cert_type])(
                        formdata=MultiDict({**GOODS_ROW, "quantity": str(20000 + n)}), meta={"csrf": False})
                    assert goods.validate(), goods.errors
                    services.add_item(cert, goods.data)
                for _ in range(materials):
                    material = MaterialForm(formdata=MultiDict(MATERIAL_ROW), meta={"csrf": False})
                    assert material.validate(), material.errors
                    japan_materials.add_material(cert, material.data)
                if declare:
                    assert services.declare(cert, clerk, today, undertaking=True) == []

        make("C", "DE", items=2, declare=True)  # delivered and issued by `flask jobs run --once` below
        make("C", "DE", items=1, invoice_no="INV-2026-DRAFT", importer_name="DRAFT IMPORTER GMBH")
        make("G", "JP", items=1, materials=2)

    def clerk_browses():
        browser = logged_in(ENTERPRISE_USER)
        assert browser.get("/certificates").status_code == 200
        client().get("/login")  # someone opens the login page: a captcha waits in its table

    def jobs_process():
        from datetime import timedelta

        from app.jobs import lease

        assert lease.acquire("fixture-host:4242", timedelta(seconds=60))  # as `flask jobs run` does
        lease.record_summary("fixture-host:4242", "send_outbox: ok; poll_receipts: ok")

    step("a failed login", failed_login)
    step("系统设置 by the sysadmin (second factor)", settings)
    step("经核准出口商 and 打印设置 by the enterprise admin", enterprise_admin)
    step("certificates: declared, draft, Form A to Japan with 日本进料信息", certificates, in_context=True)
    step("the clerk logs in and lists certificates", clerk_browses)
    step("the officer logs in (second factor)", lambda: logged_in("demo_officer"))
    step("the jobs process holds its lease", jobs_process, in_context=True)


def decrypt_columns() -> None:
    """Run inside the worktree: print {table: {pk: {column: plaintext}}} of every *_enc column (JSON)."""
    import sqlalchemy as sa

    from app import create_app
    from app.crypto import decrypt
    from app.extensions import db

    out: dict = {}
    app = create_app()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name.endswith("_enc")]
            if not columns:
                continue
            key = [c.name for c in table.primary_key]
            for row in db.session.execute(sa.select(table)).mappings():
                for column in columns:
                    if row[column.name] is not None:
                        pk = "/".join(str(row[k]) for k in key)
                        out.setdefault(table.name, {}).setdefault(pk, {})[column.name] = decrypt(row[column.name])
    print(json.dumps(out, ensure_ascii=False))


# ------------------------------------------------------------------ filling, checking, exporting
def plausible(column, table_name: str):
    import sqlalchemy as sa

    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.Numeric):
        return decimal.Decimal("1.0")
    if isinstance(kind, sa.DateTime):
        return dt.datetime(2026, 11, 20, 8, 30, 0)
    if isinstance(kind, sa.Date):
        return dt.date(2026, 11, 20)
    if isinstance(kind, sa.LargeBinary):
        return b"fixture"
    if isinstance(kind, sa.JSON):
        return {}
    if isinstance(kind, sa.String):
        if column.name.endswith("_json"):
            return "{}"
        text = f"fixture {table_name}.{column.name}"
        return text[: kind.length] if getattr(kind, "length", None) else text
    return None


def fill_empty(engine) -> list[str]:
    """A plausible row in every empty table (FKs to the first row of the referenced table); their names. A row
    the database refuses is reported and its table left empty (the check that follows refuses the fixture)."""
    import sqlalchemy as sa

    metadata = sa.MetaData()
    metadata.reflect(engine)
    filled = []
    for table in metadata.sorted_tables:
        with engine.connect() as conn:
            if table.name == "alembic_version" or conn.execute(sa.select(sa.func.count()).select_from(table)).scalar():
                continue
            row = {}
            for column in table.columns:
                if column.foreign_keys:
                    target = next(iter(column.foreign_keys)).column
                    row[column.name] = conn.execute(sa.select(target).order_by(target).limit(1)).scalar()
                elif column.primary_key and isinstance(column.type, sa.Integer) and len(table.primary_key) == 1:
                    continue  # autoincrement
                else:
                    row[column.name] = plausible(column, table.name)
            try:
                conn.execute(table.insert().values(**row))
                conn.commit()
                filled.append(table.name)
            except sa.exc.DBAPIError as exc:
                conn.rollback()
                print(f"could not fill {table.name}: {exc.orig}")
    return filled


def empty_tables(engine) -> list[str]:
    import sqlalchemy as sa

    metadata = sa.MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return [t.name for t in metadata.sorted_tables
                if not conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()]


def export(engine, commit: str) -> dict:
    import sqlalchemy as sa

    metadata = sa.MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        tables, referenced = {}, set()
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = [dict(r) for r in conn.execute(sa.select(table).order_by(*order)).mappings()]
            if table.name != "code_entries":
                referenced |= {v for r in rows for v in r.values() if isinstance(v, str) and len(v) <= 40}
            tables[table.name] = {"columns": {c.name: str(c.type) for c in table.columns}, "rows": rows}
        sampled = {}
        if "code_entries" in tables:
            rows = tables["code_entries"]["rows"]
            sizes: dict = {}
            for r in rows:
                sizes[r["table"]] = sizes.get(r["table"], 0) + 1
            large = {name for name, n in sizes.items() if n > LARGE_GROUP}
            kept, seen = [], {}
            for r in rows:
                if r["table"] in large:
                    seen[r["table"]] = seen.get(r["table"], 0) + 1
                    if not (r["code"] in referenced or r["locally_edited"] or seen[r["table"]] % SAMPLE_EVERY == 1):
                        continue
                kept.append(r)
            tables["code_entries"]["rows"] = kept
            sampled = {"code_entries": {name: f"{sum(1 for r in kept if r['table'] == name)} of {sizes[name]}"
                                        for name in sorted(large)}}
    for table in tables.values():
        table["rows"] = [{k: encode(v) for k, v in r.items()} for r in table["rows"]]
    return {"format": 1, "revision": revision, "commit": commit, "built": dt.date.today().isoformat(),
            "sampled": sampled, "tables": tables}


def build(commit: str, python: str, out_dir: Path, keep: bool) -> None:
    import sqlalchemy as sa

    sha = subprocess.run(["git", "rev-parse", "--verify", commit + "^{commit}"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="upgrade-fixture-"))
    src = work / "src"
    print(f"release {sha[:10]} in {src}", flush=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(src), sha], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        flask(work, python, "db", "upgrade")
        flask(work, python, "refdata", "load")
        flask(work, python, "demo", "load")
        print("people use it:", flush=True)
        print(run([__file__, "--drive"], work, python), end="")
        print(flask(work, python, "jobs", "run", "--once"), end="")  # declarations out, receipts back
        engine = sa.create_engine(f"sqlite:///{work / 'co.sqlite3'}")
        filled = fill_empty(engine)
        if filled:
            print("filled by SQL (the flows left them empty):", ", ".join(filled))
        empty = empty_tables(engine)
        if empty:
            raise SystemExit(f"refused: tables still empty: {', '.join(empty)}")
        fixture = export(engine, sha)
        engine.dispose()
        secrets = json.loads(run([__file__, "--decrypt"], work, python))
        revision = fixture["revision"]
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{revision}.json.gz"
        text = json.dumps(fixture, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
            handle.write(text.encode("utf-8"))
        keys = {"SECRET_KEY": SECRET_KEY, "DATA_ENCRYPTION_KEYS": DATA_ENCRYPTION_KEYS,
                "enterprise_user": ENTERPRISE_USER, "password": DEMO_PASSWORD, "decrypted": secrets,
                "note": "Test data only: the keys of the instance that built the fixture beside this file."}
        (out_dir / f"{revision}.keys.json").write_text(json.dumps(keys, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
              f"({path.stat().st_size // 1024} KiB) at revision {revision}:")
        for name, table in fixture["tables"].items():
            print(f"  {name:<24} {len(table['rows'])}")
    finally:
        if keep:
            print(f"kept {work}")
        else:
            subprocess.run(["git", "worktree", "remove", "--force", str(src)], cwd=ROOT, capture_output=True)
            shutil.rmtree(work, ignore_errors=True)
            subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)


def main() -> None:
    if sys.argv[1:2] == ["--drive"]:
        return drive()
    if sys.argv[1:2] == ["--decrypt"]:
        return decrypt_columns()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commit", help="the release: the last commit that landed through CI")
    parser.add_argument("--python", default=sys.executable, help="the Python (venv) that runs the release's code")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--keep", action="store_true", help="keep the worktree and database (to look into)")
    args = parser.parse_args()
    build(args.commit, args.python, args.out, args.keep)


if __name__ == "__main__":
    main()
