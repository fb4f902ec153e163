"""发送方登记: the enterprises allowed to send declarations to this authority, and their sign-in.

The authority issues each sender its 质检通讯平台帐号 and a generated password (shown once, stored hashed); the
enterprise keeps them in its 资质备案 to use with the `http` gateway. Nothing an enterprise sets on its own side
is ever accepted here. Sign-in failures are throttled per account and per address (the login's rules and
limits, accounts/throttle.py) and logged without the password.
"""
import logging
import re
import secrets

import sqlalchemy as sa

from app.accounts import throttle
from app.accounts.rules import check_co_reg_no, normalise_code
from app.accounts.passwords import hash_password, verify_password
from app.exceptions import FieldError
from app.extensions import db
from app.timeutil import utcnow

from .models import Sender

log = logging.getLogger(__name__)
ACCOUNT_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")


def new_password() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 bits


def register(co_reg_no: str, name: str, actor=None, account: str | None = None,
             password: str | None = None) -> tuple[Sender, str]:
    """Register a sender; returns it with its password (to hand over once).

    :raises FieldError: the 备案号 or the account is malformed or already registered.
    """
    co_reg_no = normalise_code(co_reg_no)
    problem = check_co_reg_no(co_reg_no)
    if problem:
        raise FieldError("co_reg_no", problem)
    account = (account or f"co{co_reg_no.lower()}").strip()
    if not ACCOUNT_RE.match(account):
        raise FieldError("account", "帐号只能由 2–64 位字母、数字、下划线、点、@ 或连字符组成")
    if not (name or "").strip():
        raise FieldError("name", "请填写企业名称")
    if db.session.scalar(sa.select(Sender.id).where(Sender.co_reg_no == co_reg_no)):
        raise FieldError("co_reg_no", f"产地证备案号 {co_reg_no} 已登记")
    if db.session.scalar(sa.select(Sender.id).where(Sender.account == account)):
        raise FieldError("account", f"帐号 {account} 已被使用")
    password = password or new_password()
    sender = Sender(co_reg_no=co_reg_no, name=name.strip()[:100], account=account,
                    password_hash=hash_password(password), created_by_id=getattr(actor, "id", None))
    db.session.add(sender)
    db.session.flush()
    return sender, password


def reset_password(sender: Sender) -> str:
    password = new_password()
    sender.password_hash, sender.password_set_at = hash_password(password), utcnow()
    db.session.flush()
    return password


def throttle_key(account: str) -> str:
    return "exchange:" + (account or "")[:55]


def authenticate(account: str, password: str, address: str) -> tuple[Sender | None, str | None]:
    """(sender, None) when the account and password are right; (None, why) otherwise. Writes the attempt
    (the caller commits, also on failure)."""
    key = throttle_key(account)
    throttle.serialize(key, address)
    locked = throttle.locked_for(key, address)
    if locked:
        throttle.record(key, address, "locked")
        log.warning("exchange sign-in refused while locked: account=%r address=%s", account[:64], address)
        return None, f"尝试次数过多，请 {max(1, int(locked.total_seconds() // 60) + 1)} 分钟后再试"
    sender = db.session.scalar(sa.select(Sender).where(Sender.account == account, Sender.is_active.is_(True)))
    if not verify_password(sender.password_hash if sender else None, password):
        throttle.record(key, address, "password")
        log.warning("exchange sign-in failed: account=%r address=%s", account[:64], address)
        return None, "质检通讯平台帐号或密码错误"
    return sender, None  # (a success is not written: the jobs process signs in on every poll)
