"""API tokens: made and revoked by the enterprise admin, each acting as one user of the enterprise.

A token is shown once, when it is made; only its SHA-256 is stored (a token is 256 random bits, so a plain hash is
enough: there is nothing to guess that a slow hash would protect), with its first characters to tell tokens apart.
The services flush and never commit; each write adds its audit row to the same transaction.
"""
import hashlib
import secrets

import sqlalchemy as sa

from app.accounts import audit
from app.accounts.models import User
from app.accounts.roles import ENTERPRISE_ROLES
from app.exceptions import Conflict, FieldError
from app.extensions import db
from app.timeutil import utcnow

from .models import ApiToken

SCHEME = "coapi_"  # what a token starts with, so that it is recognised in a configuration file or a leak scan
PREFIX_LENGTH = 12  # shown on the page: "coapi_" and six characters of the secret part


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return SCHEME + secrets.token_urlsafe(32)  # 43 characters, 256 bits


def label(row: ApiToken) -> str:
    """How the token is named in the audit log and on the page: its name and prefix, never the secret."""
    return f"{row.name}（{row.prefix}…）"


def users_for(enterprise_id: int) -> list[User]:
    """The active users of the enterprise a token may act as (clerks and admins), by username."""
    return list(db.session.scalars(sa.select(User).where(
        User.enterprise_id == enterprise_id, User.is_active.is_(True), User.role.in_(ENTERPRISE_ROLES))
        .order_by(User.username)))


def list_for(enterprise_id: int) -> list[ApiToken]:
    """Every token of the enterprise, newest first (revoked ones stay listed, marked)."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.enterprise_id == enterprise_id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create(enterprise, *, name: str, user_id: int, actor) -> tuple[ApiToken, str]:
    """Make a token of `enterprise` acting as its user `user_id`; returns the row and the token (show it once).

    :raises FieldError: the user is not an active user of this enterprise, or the name is empty.
    """
    name = (name or "").strip()
    if not name:
        raise FieldError("name", "请填写令牌名称，例如“ERP”")
    user = db.session.get(User, user_id)
    if user is None or user.enterprise_id != enterprise.id or not user.is_active or user.role not in ENTERPRISE_ROLES:
        raise FieldError("user_id", "请选择本企业的一个在用用户")
    token = new_token()
    row = ApiToken(enterprise_id=enterprise.id, user_id=user.id, name=name[:100], token_hash=digest(token),
                   prefix=token[:PREFIX_LENGTH], created_by_id=actor.id, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.create", f"api_token:{row.prefix}", enterprise_id=enterprise.id, actor=actor,
                 名称=row.name, 使用者=user.username)
    return row, token


def revoke(row: ApiToken, actor) -> None:
    """撤销: the token stops working at once (its next call is answered 401); the row stays for the record.

    :raises Conflict: it was revoked already.
    """
    if row.revoked_at is not None:
        raise Conflict(f"令牌“{label(row)}”已于此前撤销。")
    row.revoked_at, row.revoked_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record("api_token.revoke", f"api_token:{row.prefix}", enterprise_id=row.enterprise_id, actor=actor,
                 名称=row.name, 使用者=row.user.username if row.user else "")
