"""Encryption at rest for stored secrets (e.g. 质检通讯平台密码).

DATA_ENCRYPTION_KEYS is a comma-separated list of Fernet keys: the first encrypts, all decrypt,
so a key can be rotated by putting the new one first.
"""
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in current_app.config["DATA_ENCRYPTION_KEYS"].split(",") if k.strip()]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """Raises ValueError when no configured key opens the token."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("stored secret cannot be decrypted with the configured keys") from exc
