"""The operations behind `flask backup`: create, restore, check. Each reports through `echo`, in Chinese, and
raises BackupError (a Chinese message saying what to do) instead of going on with something unsafe."""
import hashlib
import os
import time
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from app.extensions import db

from . import keys, postgres, sqlite
from .contents import (KEY_TABLES, BackupError, Contents, columns_text, counts_text, dialect_of, encrypted_columns,
                       kind_of, secrets_text, size_text)

SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".dump"}
LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def create(app: Flask, out_dir: Path, keys_dir: Path, echo) -> Path:
    """Back up the configured database into `out_dir` and the instance keys into `keys_dir`; the backup file.

    Raises BackupError when the database cannot be read, the copy is not whole or a file would be overwritten."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    kind = dialect_of(uri)
    out_dir, keys_dir = Path(out_dir).expanduser().resolve(), Path(keys_dir).expanduser().resolve()
    for directory in {out_dir, keys_dir}:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = "co-" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target, keys_path = out_dir / f"{name}{SUFFIX[kind]}", keys_dir / f"{name}.keys.json"
    if keys_path.exists():
        raise BackupError(f"{keys_path} 已存在，不会覆盖")
    started = time.monotonic()
    if kind == "sqlite":
        source = sqlite.database_path(uri)
        sqlite.copy(source, target)
        checked, what = "完整性检查 ok", f"SQLite 数据库 {source}"
    else:
        postgres.dump(uri, target)
        checked, what = "pg_restore 已完整读回", f"PostgreSQL 数据库 {postgres.safe_name(uri)}"
    elapsed = time.monotonic() - started
    found = _contents(kind, target)
    origin = keys.origins(Path(app.instance_path), os.environ)
    keys.write_file(keys_path, app.config, target.name, origin)
    echo(f"已备份 {what}（用时 {elapsed:.2f} 秒）")
    echo(f"  备份文件：{target}（{size_text(target.stat().st_size)}，{checked}）")
    echo(f"  SHA-256：{_sha256(target)}")
    _describe(found, echo)
    echo(f"  密钥文件：{keys_path}（权限 0600；" + "，".join(f"{n} 来自 {o}" for n, o in origin.items()) + "）")
    echo("  请把密钥文件与备份文件分开保存（例如另一介质、另一人保管）：备份中的加密字段只有用它才能读出，"
         "单有备份文件的人读不到。" + ("密钥文件现与备份在同一目录，复制到别处时请分开存放。"
                                       if keys_dir == out_dir else ""))
    return target


def restore(app: Flask, backup: Path, keys_path: Path | None, force: bool, echo) -> None:
    """Restore `backup` into the configured (empty) database and its keys into instance/.

    Raises BackupError, before anything is changed, when the database holds data (unless `force`), the backup is
    of another kind of database, or its encrypted fields would be unreadable with the keys the instance will
    have (unless `force`)."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    kind = dialect_of(uri)
    backup = _existing(backup, "备份文件")
    if kind_of(backup) != kind:
        raise BackupError(f"{backup.name} 是 {LABEL[kind_of(backup)]} 备份，本实例的数据库却是 {LABEL[kind]}："
                          "只能恢复到同一种数据库")
    saved = keys.read_file(_existing(keys_path, "密钥文件")) if keys_path else None
    where = str(sqlite.database_path(uri)) if kind == "sqlite" else postgres.safe_name(uri)
    used = sqlite.in_use(sqlite.database_path(uri)) if kind == "sqlite" else postgres.in_use(db.engine, uri)
    if used and not force:
        raise BackupError(f"目标数据库 {where} 已有数据（{counts_text(used)}）：恢复会替换这些数据，已拒绝。"
                          "请在新安装的空数据库上恢复；确要覆盖时先停止应用，再加 --force。")
    found = _contents(kind, backup)
    failed = _check_keys(app, found, saved, keys_path, force)
    revision_note, newer = _revision_note(found.revision)
    if newer and not force:
        raise BackupError(f"备份的数据库版本 {found.revision} {revision_note}")

    for line in keys.install(Path(app.instance_path), saved, os.environ) if saved else []:
        echo(line)
    started = time.monotonic()
    if kind == "sqlite":
        sqlite.restore(backup, sqlite.database_path(uri))
    else:
        db.engine.dispose()  # no pooled connection of this process holds a lock pg_restore waits for
        postgres.restore(uri, backup)
    elapsed = time.monotonic() - started
    after = _target_counts(kind)
    echo(f"已把 {backup}（{size_text(backup.stat().st_size)}）恢复到 {where}（用时 {elapsed:.2f} 秒）")
    echo(f"  行数：{counts_text(after)}" + ("（与备份一致）" if after == found.counts else ""))
    echo(f"  数据库版本：{found.revision or '未知'}（{revision_note}）")
    if not saved:
        echo("  未指定密钥文件：沿用本实例现有的密钥；若其 SECRET_KEY 与备份时不同，已打印证书二维码中的核验链接将失效")
    if failed:
        echo(f"  警告：{failed} 个加密字段无法用本实例的密钥解密（--force）：企业管理员须在资质备案中重新填写"
             "质检通讯平台密码，双重认证由系统管理员重置（flask users reset-two-factor）")
    elif found.tokens():
        echo(f"  加密字段：{len(found.tokens())} 个，均可用本实例的密钥解密")
    if after != found.counts:
        raise BackupError(f"恢复后的行数（{counts_text(after)}）与备份（{counts_text(found.counts)}）不符")
    echo("  下一步：如有 web 或后台任务进程正在运行，请重启它们（它们仍持有恢复前的数据与密钥）；否则 flask serve 启动。")


def check(app: Flask, backup: Path, keys_path: Path | None, echo) -> None:
    """Read a backup through (integrity, contents, revision) and, given its keys file, open its encrypted fields.

    Raises BackupError when the file is damaged or the keys do not open it."""
    backup = _existing(backup, "备份文件")
    kind = kind_of(backup)
    if kind == "sqlite":
        problems = sqlite.integrity(backup)
        if problems != ["ok"]:
            raise BackupError(f"{backup} 完整性检查未通过：{'；'.join(problems[:5])}")
        checked = "完整性检查 ok"
    else:
        checked = f"pg_restore 已完整读回（{postgres.verify(backup)} 个条目）"
    found = _contents(kind, backup)
    echo(f"{LABEL[kind]} 备份 {backup}（{size_text(backup.stat().st_size)}，{checked}）")
    echo(f"  SHA-256：{_sha256(backup)}")
    _describe(found, echo, _revision_note(found.revision)[0])
    if keys_path:
        saved = keys.read_file(_existing(keys_path, "密钥文件"))
        failed = keys.unreadable(found.tokens(), saved["DATA_ENCRYPTION_KEYS"])
        if failed:
            raise BackupError(f"密钥文件 {keys_path} 打不开其中 {failed} 个加密字段：它不属于这份备份")
        echo(f"  密钥文件 {keys_path} 可解密全部 {len(found.tokens())} 个加密字段")


def _check_keys(app: Flask, found: Contents, saved: dict | None, keys_path: Path | None, force: bool) -> int:
    """Refuse (unless force) a restore after which the encrypted fields could not be read; how many could not."""
    columns = columns_text(encrypted_columns())
    if saved:
        conflicts = keys.env_conflicts(saved, os.environ)
        if conflicts and not force:
            names = "、".join(conflicts)
            raise BackupError(f"环境变量 {names} 已设置，且与密钥文件中的值不同：实例以环境变量为准，"
                              f"写入 instance/ 的密钥不会生效。请先把 {names} 设为密钥文件中的同名值"
                              "（本命令不显示密钥），再运行恢复。")
    wanted = keys.effective(saved, app.config, os.environ)
    failed = keys.unreadable(found.tokens(), wanted["DATA_ENCRYPTION_KEYS"])
    if not failed or force:
        return failed
    if saved:
        raise BackupError(f"密钥文件 {keys_path} 打不开此备份中的 {failed} 个加密字段（{columns}）："
                          "它不属于这份备份。请使用与备份同名的 .keys.json 文件。")
    raise BackupError(f"此备份中有 {failed} 个加密字段（{columns}）"
                      "无法用本实例的密钥解密，已拒绝恢复。请用 --keys 指定备份时写出的密钥文件（<备份名>.keys.json）。"
                      "密钥确已丢失时可加 --force 恢复其余数据：之后企业管理员须在资质备案中重新填写质检通讯平台密码，"
                      "双重认证由系统管理员重置（flask users reset-two-factor）。")


def _contents(kind: str, path: Path) -> Contents:
    reader = sqlite.contents if kind == "sqlite" else postgres.contents
    return reader(path, encrypted_columns())


def _describe(found: Contents, echo, note: str = "") -> None:
    echo(f"  数据库版本：{found.revision or '未知'}" + (f"（{note}）" if note else ""))
    echo(f"  行数：{counts_text(found.counts)}")
    echo(f"  加密字段：{secrets_text(found.secrets)}（须用密钥文件解密）")


def _target_counts(kind: str) -> dict[str, int]:
    """Rows of the key tables in the configured database, as the app now sees it."""
    db.engine.dispose()
    with db.engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        counts = {table: conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                  for table, _label in KEY_TABLES if table in present}
        if kind == "postgresql":
            conn.exec_driver_sql("ANALYZE")  # pg_restore leaves the planner without statistics
            conn.commit()
    db.engine.dispose()
    return counts


def _revision_note(revision: str | None) -> tuple[str, bool]:
    """(how the backup's schema revision compares with this code, whether it is newer than the code knows)."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = AlembicConfig()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    script = ScriptDirectory.from_config(config)
    if revision is None:
        return "备份中没有数据库版本：恢复后运行 flask db upgrade", False
    if revision in script.get_heads():
        return "与当前代码一致", False
    try:
        script.get_revision(revision)
    except Exception:  # alembic's ResolutionError / CommandError: a revision this code does not have
        return "当前代码不认识，备份来自更新的版本？请先部署相同或更新版本的代码（或加 --force）", True
    return "比当前代码旧：恢复后请运行 flask db upgrade", False


def _existing(path: Path, what: str) -> Path:
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise BackupError(f"找不到{what} {path}")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
