"""Pure rules of the second factor: TOTP codes (RFC 6238, via pyotp) and recovery codes.

No Flask here: the service (`two_factor.py`) stores the secret encrypted and remembers the last step used.
"""
import secrets
import unicodedata

import pyotp

from .roles import Role

ISSUER = "原产地证申报系统"
STEP_SECONDS = 30  # RFC 6238's default, what every authenticator app uses
DRIFT_STEPS = 1  # the previous and the next code are accepted too (clock drift, typing time)
RECOVERY_CODE_COUNT = 10
# Crockford's base32 without I, L, O, U: nothing that reads like another character. 10 characters = 50 bits;
# the codes are stored argon2id-hashed (salted) and guesses are throttled like passwords (ASVS 2.6.2).
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
RECOVERY_LENGTH = 10
# The roles that must use a second factor (ASVS 2.2.3 for administrative and high-value accounts):
# officers issue certificates, the system administrator manages every account.
MANDATORY_ROLES = (Role.OFFICER, Role.SYSADMIN)


def new_secret() -> str:
    """A random TOTP secret: 32 base32 characters = 160 bits (RFC 4226's recommended length)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def time_step(now: float) -> int:
    return int(now // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def normalise_code(value: str) -> str:
    """What the user typed, as ASCII without spaces or dashes (full-width digits from a Chinese IME become ASCII)."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in value if ch not in " -－—\t").lower()


def looks_like_totp(value: str) -> bool:
    return len(value) == 6 and value.isdigit()


def matching_step(secret: str, code: str, now: float, last_step: int | None) -> int | None:
    """The time step whose code `code` is, within the accepted drift, or None.

    A step at or before `last_step` (the last one this account used) is refused: a code works once
    (ASVS 2.8.4), so one seen over a shoulder or in a proxy log cannot be replayed.
    """
    code = normalise_code(code)
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret)
    current = time_step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """`count` random recovery codes, shown as `xxxxx-xxxxx`."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(raw[:5] + "-" + raw[5:])
    return codes


def normalise_recovery_code(value: str) -> str | None:
    """The stored form of a typed recovery code (no dash, lower case), or None when it cannot be one."""
    code = normalise_code(value)
    if len(code) != RECOVERY_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in code):
        return None
    return code


def is_mandatory(role: Role) -> bool:
    return role in MANDATORY_ROLES
