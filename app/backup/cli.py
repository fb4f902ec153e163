"""`flask backup create` / `flask backup restore` / `flask backup check` (docs/backup.md)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import services
from .contents import BackupError

backup_cli = click.Group("backup", help="备份与恢复（数据库与实例密钥）")
_PATH = click.Path(path_type=Path)


@backup_cli.command("create")
@click.option("--dir", "out_dir", type=_PATH, default=None, help="备份文件目录（默认 instance/backups）")
@click.option("--keys-dir", type=_PATH, default=None,
              help="密钥文件目录（默认与备份同一目录，另一文件；最好放在另一介质）")
@with_appcontext
def create(out_dir, keys_dir):
    """Back up the database while the app runs, and the instance keys into a separate file."""
    app = current_app._get_current_object()
    out_dir = out_dir or Path(app.instance_path) / "backups"
    try:
        services.create(app, out_dir, keys_dir or out_dir, click.echo)
    except BackupError as exc:
        raise click.ClickException(exc.message) from None
    except OSError as exc:  # a full disk, a folder not writable: said plainly, without a traceback
        raise click.ClickException(f"文件操作失败：{exc.strerror or exc}（{exc.filename or ''}）") from None


@backup_cli.command("restore")
@click.argument("backup", type=_PATH)
@click.option("--keys", "keys_file", type=_PATH, default=None, help="备份时写出的密钥文件（<备份名>.keys.json）")
@click.option("--force", is_flag=True,
              help="目标数据库已有数据、密钥不符或环境变量中的密钥不同时仍然恢复（先停止应用）")
@with_appcontext
def restore(backup, keys_file, force):
    """Restore a backup into the configured empty database, and its keys into instance/."""
    try:
        services.restore(current_app._get_current_object(), backup, keys_file, force, click.echo)
    except BackupError as exc:
        raise click.ClickException(exc.message) from None
    except OSError as exc:  # a full disk, a folder not writable: said plainly, without a traceback
        raise click.ClickException(f"文件操作失败：{exc.strerror or exc}（{exc.filename or ''}）") from None


@backup_cli.command("check")
@click.argument("backup", type=_PATH)
@click.option("--keys", "keys_file", type=_PATH, default=None, help="同时检查密钥文件能否解密其中的加密字段")
@with_appcontext
def check(backup, keys_file):
    """Read a backup through and report what it holds; with --keys, that its keys open it."""
    try:
        services.check(current_app._get_current_object(), backup, keys_file, click.echo)
    except BackupError as exc:
        raise click.ClickException(exc.message) from None
    except OSError as exc:  # a full disk, a folder not writable: said plainly, without a traceback
        raise click.ClickException(f"文件操作失败：{exc.strerror or exc}（{exc.filename or ''}）") from None
