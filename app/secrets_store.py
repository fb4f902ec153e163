"""Secrets that must survive restarts: taken from config, else created once under instance/."""
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def _read_or_create(path: Path, make) -> str:
    """Return the secret kept in `path`, writing a new one (mode 0600) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    # O_EXCL: when two processes start at once, one writes and the other reads.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def ensure_secrets(app) -> None:
    """Fill SECRET_KEY and DATA_ENCRYPTION_KEYS when the environment did not set them."""
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _read_or_create(instance / "secret_key", lambda: secrets.token_hex(32))
    if not app.config.get("DATA_ENCRYPTION_KEYS"):
        app.config["DATA_ENCRYPTION_KEYS"] = _read_or_create(
            instance / "data_encryption_key", lambda: Fernet.generate_key().decode()
        )
