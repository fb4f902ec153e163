"""The instance keys a backup needs: SECRET_KEY (it signs the verification links in the QR codes of printed
certificates) and DATA_ENCRYPTION_KEYS (it opens the encrypted fields: 质检通讯平台密码, 双重认证密钥).

They are written to a file of their own, never into the backup: whoever holds a database copy alone reads no
secret, so the two can be kept apart (another medium, another person). Neither value is ever printed.
"""
import json
import os
import tempfile
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from .contents import BackupError

FORMAT = "co-backup-keys/1"
# Each key: its config/environment name and its file under instance/ (app/secrets_store.py).
KEYS = (("SECRET_KEY", "secret_key"), ("DATA_ENCRYPTION_KEYS", "data_encryption_key"))


def origins(instance_dir: Path, environ: Mapping) -> dict[str, str]:
    """Where the running app took each key from, as the operator reads it."""
    return {name: (f"环境变量 {name}" if (environ.get(name) or "").strip() else str(instance_dir / filename))
            for name, filename in KEYS}


def write_file(path: Path, config: Mapping, backup_name: str, origin: dict[str, str]) -> None:
    """The keys of the running app (`config`) into the new file `path`, mode 0600 from its creation."""
    document = {"format": FORMAT, "backup": backup_name,
                "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "from": origin, **{name: config[name] for name, _file in KEYS}}
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} 已存在，不会覆盖") from None
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_file(path: Path) -> dict[str, str]:
    """{SECRET_KEY, DATA_ENCRYPTION_KEYS} of a keys file; BackupError when it is not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"找不到密钥文件 {path}") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"无法读取密钥文件 {path}：{exc.__class__.__name__}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path} 不是 flask backup create 写出的密钥文件")
    keys = {}
    for name, _file in KEYS:
        value = document.get(name)
        if not isinstance(value, str) or not value.strip():
            raise BackupError(f"密钥文件 {path} 缺少 {name}")
        keys[name] = value.strip()
    try:
        _fernet(keys["DATA_ENCRYPTION_KEYS"])
    except ValueError:
        raise BackupError(f"密钥文件 {path} 中的 DATA_ENCRYPTION_KEYS 不是有效的密钥") from None
    return keys


def _fernet(keys: str) -> MultiFernet:
    """As app/crypto.py reads DATA_ENCRYPTION_KEYS: comma-separated Fernet keys, the first encrypts, all decrypt."""
    return MultiFernet([Fernet(k.strip()) for k in keys.split(",") if k.strip()])


def unreadable(tokens: list[str], keys: str) -> int:
    """How many of the encrypted values `keys` cannot open."""
    try:
        fernet = _fernet(keys)
    except ValueError:
        return len(tokens)
    failed = 0
    for token in tokens:
        try:
            fernet.decrypt(token.encode())
        except (InvalidToken, ValueError):
            failed += 1
    return failed


def effective(saved: Mapping | None, config: Mapping, environ: Mapping) -> dict[str, str]:
    """The keys the restored instance will run with: the environment first (as config.py reads it), else the
    keys file being restored (written to instance/), else what the instance has now."""
    result = {}
    for name, _file in KEYS:
        env_value = (environ.get(name) or "").strip()
        result[name] = env_value or (saved[name] if saved else config[name])
    return result


def env_conflicts(saved: Mapping, environ: Mapping) -> list[str]:
    """Names set in the environment to something else than the keys file holds (files would be ignored)."""
    return [name for name, _file in KEYS if (environ.get(name) or "").strip() not in ("", saved[name])]


def install(instance_dir: Path, saved: Mapping, environ: Mapping) -> list[str]:
    """Write the saved keys to instance/ where the environment does not set them; what was done, in Chinese.

    A different key already there is kept beside as <file>.before-restore-<time>: the caller has made sure the
    database it protected is empty (a new install made that key at its first start) or was told --force."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    done = []
    for name, filename in KEYS:
        env_value = (environ.get(name) or "").strip()
        if env_value:
            same = "与密钥文件相同" if env_value == saved[name] else "与密钥文件不同（--force）：请改为密钥文件中的值"
            done.append(f"{name}：由环境变量设置，{same}；未写入 instance/")
            continue
        path = instance_dir / filename
        current = path.read_text().strip() if path.exists() else None
        if current == saved[name]:
            done.append(f"{name}：{path} 已是备份时的密钥")
            continue
        if current is not None:
            kept = path.with_name(f"{filename}.before-restore-{stamp}")
            os.replace(path, kept)
            done.append(f"{name}：已写入 {path}（原有的另一密钥保存为 {kept.name}）")
        else:
            done.append(f"{name}：已写入 {path}")
        _write_secret(path, saved[name])
    return done


def _write_secret(path: Path, value: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
