"""SQLite: a consistent copy through the online backup API, readable while the web app and the jobs write.

The copy is one read transaction of the source (sqlite3's backup with pages=-1): in WAL mode writers go on
meanwhile and the copy holds the database as it was when the read began, never half a transaction. It goes to a
temporary file beside the target and is renamed into place only once `PRAGMA integrity_check` says ok, so a
backup file that exists is always whole.
"""
import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa

from .contents import DATA_TABLES, KEY_TABLES, BackupError, Contents

BUSY_TIMEOUT_SECONDS = 30  # reading in WAL mode waits only in rare cases (a writer's checkpoint, a recovery)


def database_path(uri: str) -> Path:
    """The file of a sqlite:/// URL; an in-memory database has none."""
    name = sa.engine.make_url(uri).database
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        raise BackupError("内存中的 SQLite 数据库无法备份或恢复：请用 DATABASE_URL 指定数据库文件")
    return Path(name).resolve()


def _open_read_only(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """A connection that never writes `path` (immutable: a file no one changes, e.g. a backup on read-only media)."""
    query = "mode=ro&immutable=1" if immutable else "mode=ro"
    return sqlite3.connect(f"{path.as_uri()}?{query}", uri=True, timeout=BUSY_TIMEOUT_SECONDS)


def copy(source: Path, target: Path) -> None:
    """Copy the database `source` to the new file `target` (mode 0600), checked whole before it appears.

    Raises BackupError when the source cannot be read, the copy fails the integrity check, or `target` exists."""
    if target.exists():
        raise BackupError(f"{target} 已存在，不会覆盖")
    tmp = _checked_copy(source, target)
    try:
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(target.parent)


def _checked_copy(source: Path, target: Path, *, source_is_backup: bool = False) -> Path:
    """A temporary file beside `target` holding the whole of `source`, integrity checked and on disk."""
    if not source.is_file():
        raise BackupError(f"找不到数据库文件 {source}")
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")  # mode 0600
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            with closing(_open_read_only(source, immutable=source_is_backup)) as src, \
                    closing(sqlite3.connect(tmp)) as dst:
                src.backup(dst)  # pages=-1: the whole database in one step, one read transaction
                # A self-contained file: no -wal beside it, whatever mode the source was in.
                dst.execute("PRAGMA journal_mode=DELETE")
                problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
        except sqlite3.Error as exc:
            raise BackupError(f"读取 SQLite 数据库 {source} 失败：{exc}") from exc
        if problems != ["ok"]:
            raise BackupError(f"复制后的完整性检查未通过：{'；'.join(problems[:5])}")
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _fsync_dir(path: Path) -> None:
    """Make the rename itself durable (a power cut right after must not lose the new name)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def integrity(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` says about a backup file (["ok"] when whole)."""
    try:
        with closing(_open_read_only(path, immutable=True)) as conn:
            return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        raise BackupError(f"无法读取 SQLite 备份 {path}：{exc}") from exc


def contents(path: Path, encrypted: list[tuple[str, str]], *, immutable: bool = True) -> Contents:
    """Row counts of the key tables, the schema revision and the encrypted values held in the file."""
    found = Contents()
    try:
        with closing(_open_read_only(path, immutable=immutable)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" in tables:
                found.revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            for table, _label in KEY_TABLES:
                if table in tables:
                    found.counts[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table, column in encrypted:
                if table in tables:
                    found.secrets[f"{table}.{column}"] = [row[0] for row in conn.execute(
                        f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL AND "{column}" != \'\'')]
    except sqlite3.Error as exc:
        raise BackupError(f"无法读取 SQLite 数据库 {path}：{exc}") from exc
    return found


def in_use(path: Path) -> dict[str, int]:
    """Rows in DATA_TABLES of the database at `path` (empty when the file is missing, empty or has no tables)."""
    if not path.exists() or path.stat().st_size == 0:
        return {}
    used = {}
    try:
        with closing(_open_read_only(path)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            for table in DATA_TABLES:
                if table in tables:
                    count = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    if count:
                        used[table] = count
    except sqlite3.Error as exc:
        raise BackupError(f"无法读取目标数据库 {path}：{exc}") from exc
    return used


def restore(backup: Path, target: Path) -> None:
    """Put the backup in place of the database file `target` (the app stopped). The -wal and -shm files of
    the old database go just before: left beside the new file they would be replayed into it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _checked_copy(backup, target, source_is_backup=True)
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(target.parent)
