"""Secrets that must survive restarts: taken from config, else created once under instance/."""
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet


def _read_or_create(path: Path, make) -> str:
    """Return the secret kept in `path`, writing a new one (mode 0600) on first use.

    The new secret is written to a private temporary file and then hard-linked into place, so a
    second process starting at the same moment sees either no file or the whole secret.
    """
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race: use its secret
    finally:
        os.unlink(tmp)
    return path.read_text().strip()


def ensure_secrets(app) -> None:
    """Fill SECRET_KEY and DATA_ENCRYPTION_KEYS when the environment did not set them."""
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _read_or_create(instance / "secret_key", lambda: secrets.token_hex(32))
    if not app.config.get("DATA_ENCRYPTION_KEYS"):
        app.config["DATA_ENCRYPTION_KEYS"] = _read_or_create(
            instance / "data_encryption_key", lambda: Fernet.generate_key().decode()
        )
