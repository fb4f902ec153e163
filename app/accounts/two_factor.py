"""双重认证: enrolment, checking a code at login, recovery codes. Services flush; the views commit.

The TOTP secret is stored encrypted (app.crypto, DATA_ENCRYPTION_KEYS). While the user enrols, the new secret
travels in the enrolment form as a Fernet token bound to the user (nothing is stored until a code from the app
proves the secret was copied), so a page reload or a wrong code keeps the same QR code.
"""
import time

import sqlalchemy as sa

from app.crypto import decrypt, encrypt
from app.exceptions import FieldError
from app.extensions import db
from app.timeutil import utcnow

from . import audit, sessions, totp
from .models import RecoveryCode, User
from .passwords import hash_password, verify_password

ENROL_TOKEN_SECONDS = 3600  # a QR code left open longer than this is replaced by a new one


class WrongCode(FieldError):
    """A second-factor code that does not match: counted by the login throttle."""

    def __init__(self, message: str = "验证码不正确：请输入应用中当前显示的 6 位数字，或一个未用过的恢复码"):
        super().__init__("code", message)


def must_enrol(user: User) -> bool:
    """An officer or system administrator without a second factor: sent to enrol before anything else."""
    return totp.is_mandatory(user.role) and not user.has_two_factor


def enrolment_token(user: User, token: str | None = None) -> tuple[str, str]:
    """(secret, token) of an enrolment under way: the one in `token` when it is still good, else a new one."""
    if token:
        secret = _secret_from_token(user, token)
        if secret:
            return secret, token
    secret = totp.new_secret()
    return secret, encrypt(f"{user.id}:{int(time.time())}:{secret}")


def _secret_from_token(user: User, token: str) -> str | None:
    try:
        user_id, issued, secret = decrypt(token).split(":", 2)
    except ValueError:
        return None
    if user_id != str(user.id) or time.time() - int(issued) > ENROL_TOKEN_SECONDS:
        return None
    return secret


def enrol(user: User, token: str, code: str) -> list[str]:
    """Turn on the second factor with the secret of `token`, once `code` shows the app has it.

    Other sessions of the user end (they were opened without the second factor).
    :returns: the new recovery codes, to be shown once.
    :raises FieldError: the code is wrong, or the enrolment page is too old.
    """
    secret = _secret_from_token(user, token or "")
    if secret is None:
        raise FieldError("code", "二维码已过期，请用新的二维码重新添加")
    step = totp.matching_step(secret, code, time.time(), None)
    if step is None:
        raise WrongCode("验证码不正确：请输入身份验证器应用中本系统当前显示的 6 位数字")
    codes = activate(user, secret, step)
    sessions.revoke_all(user, keep_current=True)
    db.session.flush()
    return codes


def activate(user: User, secret: str, step: int | None = None, actor=None) -> list[str]:
    """Store `secret` as the user's second factor (`step`: the code just used) and make new recovery codes.

    `enrol` calls it after the code check; `flask demo load` directly, for the demo accounts.
    """
    user.totp_secret_enc = encrypt(secret)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    db.session.flush()
    audit.record("user.two_factor_enable", f"user:{user.username}", enterprise_id=user.enterprise_id,
                 actor=actor or user)
    return codes


def secret_of(user: User) -> str | None:
    """The user's TOTP secret in clear (only `flask demo` shows it)."""
    return decrypt(user.totp_secret_enc) if user.totp_secret_enc else None


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(totp.normalise_recovery_code(code)))
                       for code in codes)
    return codes


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def check_code(user: User, code: str) -> str | None:
    """Check a login code: a TOTP code not used before, or an unused recovery code (then spent).

    The caller serializes logins of the account (throttle.serialize), so two requests cannot spend the same
    step or recovery code; the conditional updates below hold even without that.
    :returns: "totp" or "recovery" when the code is good, else None.
    """
    if not user.has_two_factor:
        return None
    typed = totp.normalise_code(code)
    if totp.looks_like_totp(typed):
        step = totp.matching_step(decrypt(user.totp_secret_enc), typed, time.time(), user.totp_last_step)
        if step is None:
            return None
        done = db.session.execute(sa.update(User).where(
            User.id == user.id, sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
        if done:
            user.totp_last_step = step
        return "totp" if done else None
    recovery = totp.normalise_recovery_code(typed)
    if recovery is None:
        return None
    for row in db.session.scalars(sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))):
        if verify_password(row.code_hash, recovery):
            spent = db.session.execute(sa.update(RecoveryCode).where(
                RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None)).values(used_at=utcnow())
                .execution_options(synchronize_session=False)).rowcount
            if spent:
                audit.record("user.recovery_code_used", f"user:{user.username}", enterprise_id=user.enterprise_id,
                             actor=user, remaining=remaining_recovery_codes(user))
            return "recovery" if spent else None
    return None


def new_recovery_codes(user: User, code: str) -> list[str]:
    """Replace the recovery codes (the old ones stop working), after a current code.

    :raises WrongCode: the code is wrong.
    """
    if check_code(user, code) is None:
        raise WrongCode()
    codes = _replace_recovery_codes(user)
    db.session.flush()
    audit.record("user.recovery_codes", f"user:{user.username}", enterprise_id=user.enterprise_id, actor=user)
    return codes


def disable(user: User, code: str, *, replacing: bool = False) -> None:
    """The user turns the second factor off: for good (enterprise users only, for whom it is optional), or
    `replacing` it with a new phone or app (anyone; officers and sysadmins are then sent to enrol at once).

    :raises WrongCode: the code is wrong.
    :raises FieldError: the role must keep a second factor.
    """
    if totp.is_mandatory(user.role) and not replacing:
        raise FieldError("code", "签证机构审核员和系统管理员必须使用双重认证，不能关闭；换手机请用“更换手机”")
    if check_code(user, code) is None:
        raise WrongCode()
    _clear(user)
    sessions.revoke_all(user, keep_current=True)
    db.session.flush()
    audit.record("user.two_factor_disable", f"user:{user.username}", enterprise_id=user.enterprise_id, actor=user,
                 replacing=replacing)


def reset(user: User, *, actor) -> None:
    """An administrator clears a user's second factor (phone and recovery codes lost); their sessions end.

    Officers and system administrators then enrol again at their next login.
    """
    _clear(user)
    sessions.revoke_all(user)
    db.session.flush()
    audit.record("user.two_factor_reset", f"user:{user.username}", enterprise_id=user.enterprise_id, actor=actor)


def _clear(user: User) -> None:
    user.totp_secret_enc = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
