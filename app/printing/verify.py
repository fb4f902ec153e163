"""The verification token printed (as a QR code) on issued certificates: unguessable, derived, not stored."""
import hashlib
import hmac


def token(secret: str, cert_no: str) -> str:
    return hmac.new(secret.encode(), f"verify:{cert_no}".encode(), hashlib.sha256).hexdigest()[:32]


def valid(secret: str, cert_no: str, given: str | None) -> bool:
    return bool(given) and given.isascii() and hmac.compare_digest(token(secret, cert_no), given)
