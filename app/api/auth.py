"""Who calls the API: the token in `Authorization: Bearer …`, checked before every call and throttled per token.

The login cookie never counts: before any other hook runs, the request's user is set to nobody, so the
login's hooks and `current_user` never read the browser's session; then the token, and only the token, makes
its user the request's user. Everything downstream (tenant scoping, the audit log) sees that user.

Throttling is a sliding log of the token's calls in the last 60 seconds, kept in the login throttle's table
(`login_attempts`, key `api:<token id>`), so it holds across any number of web processes. The check is one short
transaction whose first statement is a write (the token's `last_used_at`, returning the token): on PostgreSQL that row lock makes
the calls of one token take turns, on SQLite it takes the write lock at once; it is committed before the call
itself runs, so a PDF being rendered holds no lock.
"""
import logging
import math
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, g, request
from sqlalchemy.orm import joinedload

from app.accounts.models import Enterprise, LoginAttempt, User
from app.accounts.roles import ENTERPRISE_ROLES
from app.accounts.sessions import can_log_in
from app.extensions import db, login_manager
from app.settings import get_setting
from app.timeutil import utcnow

from . import RATE_SETTING, v1
from .errors import ApiError
from .models import ApiToken
from .tokens import digest, label

log = logging.getLogger(__name__)
WINDOW = timedelta(seconds=60)
OUTCOME = "api"  # login_attempts.outcome of an API call (the login throttle counts only its own outcomes)
MAX_TOKEN_LENGTH = 200
CHALLENGE = 'Bearer realm="co-api"'
NO_TOKEN = "需要 API 令牌：请在请求头中提供 Authorization: Bearer <令牌>（令牌由企业管理员在“API 令牌”页面生成）"
BAD_TOKEN = "API 令牌无效或已撤销：请向企业管理员索取新的令牌"
NO_USER = "该 API 令牌所代表的用户已停用（或企业已停用）：请联系企业管理员"
NO_QUALIFICATION = ("本企业尚未完成质检原产地证资质备案（产地证备案号、组织机构代码、公司中文名称），"
                    "请企业管理员在“我的资质”中完成后再调用接口")


def public(view):
    """A route that needs no token (the OpenAPI document, the answer for unknown paths)."""
    view.api_public = True
    return view


def throttle_key(token_id: int) -> str:
    return f"api:{token_id}"


@v1.url_value_preprocessor
def _nobody(_endpoint, _values):
    # URL value preprocessors run before every before_request hook, the login's too: from here on
    # current_user is anonymous unless the token below says otherwise, whatever cookie came along.
    g._login_user = login_manager.anonymous_user()


@v1.before_request
def authenticate():
    """The token's user becomes the request's user; 401 without a usable token, 429 past the rate."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "api_public", False):
        return None
    token = _bearer_token()
    now = utcnow()
    row = db.session.execute(sa.update(ApiToken).where(ApiToken.token_hash == digest(token),
                                                       ApiToken.revoked_at.is_(None))
                             .values(last_used_at=now).returning(ApiToken.id, ApiToken.user_id,
                                                                 ApiToken.enterprise_id, ApiToken.name, ApiToken.prefix)
                             .execution_options(synchronize_session=False)).first()
    if row is None:
        db.session.rollback()
        log.warning("API call refused: unknown or revoked token, %s %s from %s", request.method, request.path,
                    request.remote_addr)
        raise ApiError(401, BAD_TOKEN, {"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'})
    user = db.session.scalar(sa.select(User).where(User.id == row.user_id).options(
        joinedload(User.enterprise).joinedload(Enterprise.qualification)))
    if (user is None or not can_log_in(user) or user.enterprise_id != row.enterprise_id
            or user.role not in ENTERPRISE_ROLES):
        db.session.rollback()
        raise ApiError(401, NO_USER, {"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'})
    qualification = user.enterprise.qualification
    complete = qualification is not None and qualification.is_complete
    limit, remaining = _count_call(row.id, now)
    g.api_token = SimpleNamespace(id=row.id, label=label(row), limit=limit, remaining=remaining)
    db.session.commit()
    g._login_user = user
    if not complete:
        raise ApiError(409, NO_QUALIFICATION)
    return None


def _bearer_token() -> str:
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise ApiError(401, NO_TOKEN, {"WWW-Authenticate": CHALLENGE})
    if len(value) > MAX_TOKEN_LENGTH:
        raise ApiError(401, BAD_TOKEN, {"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'})
    return value


def _count_call(token_id: int, now) -> tuple[int, int]:
    """Log this call in the token's window; (limit, calls left). :raises ApiError: 429 when the window is full
    (the refused call is not logged, so a client that waits as told gets in)."""
    key, limit = throttle_key(token_id), int(get_setting(RATE_SETTING))
    times = list(db.session.scalars(sa.select(LoginAttempt.at).where(
        LoginAttempt.username == key, LoginAttempt.outcome == OUTCOME, LoginAttempt.at > now - WINDOW)
        .order_by(LoginAttempt.at).limit(limit)))
    if len(times) >= limit:
        retry = max(1, math.ceil((times[0] + WINDOW - now).total_seconds()))
        db.session.rollback()
        raise ApiError(429, f"请求过于频繁：每个令牌每分钟最多 {limit} 次请求，请 {retry} 秒后再试",
                       {"Retry-After": str(retry)})
    db.session.execute(sa.insert(LoginAttempt).values(username=key, ip=(request.remote_addr or "-")[:45],
                                                      outcome=OUTCOME, at=now))
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == key, LoginAttempt.at <= now - WINDOW))
    return limit, limit - len(times) - 1


@v1.after_request
def rate_headers(response):
    """How many calls the token has left in the current window."""
    token = g.get("api_token")
    if token is not None:
        response.headers["X-RateLimit-Limit"] = str(token.limit)
        response.headers["X-RateLimit-Remaining"] = str(max(0, token.remaining))
    return response


def token_label() -> str:
    """The calling token as the audit log names it."""
    return g.api_token.label
