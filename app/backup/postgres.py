"""PostgreSQL: `pg_dump --format=custom` and `pg_restore`, with the URL of the app's config.

pg_dump reads in one repeatable-read transaction, so the dump is consistent while the app writes. The password
never reaches a command line (other users see those in `ps`) nor the output: the tools get it in PGPASSWORD,
and messages name the database with the password masked.
"""
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

from .contents import DATA_TABLES, KEY_TABLES, BackupError, Contents

PACKAGE_HINT = "请安装 PostgreSQL 客户端（Debian/Ubuntu：sudo apt install postgresql-client，主版本不低于数据库服务器）"
_COPY = re.compile(r'^COPY (?:"?[^" ]+"?\.)?"?([^" ]+)"? \((.*)\) FROM stdin;$')
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}：{PACKAGE_HINT}")
    return path


def safe_name(uri: str) -> str:
    """The database URL as messages show it: postgresql://user:***@host:port/name."""
    return sa.engine.make_url(uri).set(drivername="postgresql").render_as_string(hide_password=True)


def _libpq(uri: str) -> tuple[str, dict]:
    """(the URL without password for --dbname, the environment carrying the password)."""
    url = sa.engine.make_url(uri).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict | None = None, what: str = "") -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{what or Path(args[0]).name} 失败（退出码 {result.returncode}）：{detail}")
    return result


def dump(uri: str, target: Path) -> None:
    """pg_dump the database into the new file `target` (mode 0600), listed back by pg_restore before it appears."""
    if target.exists():
        raise BackupError(f"{target} 已存在，不会覆盖")
    pg_dump = tool("pg_dump")
    dbname, env = _libpq(uri)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _run([pg_dump, "--format=custom", "--no-password", f"--file={tmp}", f"--dbname={dbname}"], env,
             what=f"pg_dump {safe_name(uri)}")
        verify(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def verify(path: Path) -> int:
    """Read the whole dump back (its table of contents and every data block); the number of entries."""
    pg_restore = tool("pg_restore")
    listing = _run([pg_restore, "--list", str(path)], what=f"pg_restore --list {path}").stdout
    _run([pg_restore, "--file=/dev/null", str(path)], what=f"pg_restore {path}")
    return sum(1 for line in listing.splitlines() if line and not line.startswith(";"))


def contents(path: Path, encrypted: list[tuple[str, str]]) -> Contents:
    """Row counts, schema revision and encrypted values, read from the dump's COPY data of those tables."""
    wanted = {table for table, _label in KEY_TABLES} | {table for table, _column in encrypted} | {"alembic_version"}
    args = [tool("pg_restore"), "--data-only", "--file=-"] + [f"--table={t}" for t in sorted(wanted)] + [str(path)]
    found = Contents()
    secret_columns: dict[str, list[str]] = {}
    for table, column in encrypted:
        secret_columns.setdefault(table, []).append(column)
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          encoding="utf-8") as process:
        _read_copy(process.stdout, found, secret_columns)
        stderr = process.stderr.read()
    if process.returncode != 0:
        raise BackupError(f"pg_restore 读取 {path} 失败：{stderr.strip()[-2000:]}")
    return found


def _read_copy(lines, found: Contents, secret_columns: dict[str, list[str]]) -> None:
    """Count the rows of each COPY block of pg_restore's output; keep the revision and the encrypted values."""
    table, picks, rows = None, [], 0
    for line in lines:
        line = line.rstrip("\n")
        if table is None:
            match = _COPY.match(line)
            if match:
                table, rows = match.group(1), 0
                columns = [c.strip().strip('"') for c in match.group(2).split(",")]
                picks = [(columns.index(c), f"{table}.{c}") for c in secret_columns.get(table, []) if c in columns]
                for _index, name in picks:
                    found.secrets[name] = []
                if table == "alembic_version":
                    picks = [(columns.index("version_num"), None)]
            continue
        if line == "\\.":
            if table in dict(KEY_TABLES):
                found.counts[table] = rows
            table = None
            continue
        rows += 1
        fields = line.split("\t")
        for index, name in picks:
            value = _unescape(fields[index])
            if name is None:
                found.revision = value
            elif value:
                found.secrets[name].append(value)


def _unescape(field: str) -> str | None:
    """A COPY text field: \\N is NULL, backslash escapes as PostgreSQL writes them."""
    if field == "\\N":
        return None
    if "\\" not in field:
        return field
    return re.sub(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", lambda m: _escape(m.group(1)), field)


def _escape(code: str) -> str:
    if code[0] == "x" and len(code) > 1:
        return chr(int(code[1:], 16))
    if code.isdigit():
        return chr(int(code, 8))
    return _ESCAPES.get(code, code)


def in_use(engine: sa.Engine, uri: str) -> dict[str, int]:
    """Rows in DATA_TABLES of the configured database (empty: a new database, or only `flask db upgrade` run)."""
    try:
        with engine.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
            used = {}
            for table in DATA_TABLES:
                if table in present:
                    count = conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                    if count:
                        used[table] = count
            return used
    except sa.exc.OperationalError as exc:
        raise BackupError(f"无法连接数据库 {safe_name(uri)}：{exc.orig}") from exc


def restore(uri: str, path: Path) -> None:
    """pg_restore the dump into the configured database in one transaction: all of it or nothing.

    --clean --if-exists: tables a `flask db upgrade` already made are replaced; --no-owner --no-acl: the objects
    belong to the user of DATABASE_URL, whatever role owned them where the dump was taken."""
    dbname, env = _libpq(uri)
    _run([tool("pg_restore"), "--no-password", "--clean", "--if-exists", "--no-owner", "--no-acl",
          "--single-transaction", "--exit-on-error", f"--dbname={dbname}", str(path)], env,
         what=f"pg_restore 到 {safe_name(uri)}")
