"""Server-side login sessions: the cookie only names a session; the database decides if it is alive."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload
from flask import current_app, has_request_context, request, session

from app.extensions import db
from app.timeutil import utcnow

from .models import Enterprise, User, UserSession

SESSION_KEY = "sid"
# last_seen_at is written at most this often, so that reading a page is not a write per request.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> UserSession:
    """Open a server session for `user` and put its token in a fresh cookie session.

    A session this browser already had is ended first, so an older copy of the cookie dies too.
    """
    end_current()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(
        token_hash=_digest(token), user_id=user.id, created_at=now, last_seen_at=now,
        expires_at=now + timedelta(hours=current_app.config["SESSION_MAX_HOURS"]),
        ip=request.remote_addr, user_agent=(request.user_agent.string or "")[:200],
    )
    db.session.add(row)
    session.clear()  # a new cookie session: nothing from before login carries over
    session[SESSION_KEY] = token
    return row


def background(view):
    """Marks a view the page calls by itself (the live status, the 通知 mark): it keeps no session alive, so a
    tab left open still ends its session after SESSION_IDLE_MINUTES without the user."""
    view.background_poll = True
    return view


def _is_background() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "background_poll", False))


def resolve(user_id: str) -> User | None:
    """The user of the live session named by the cookie, or None (logged out, idle, expired, disabled)."""
    token = session.get(SESSION_KEY)
    if not token or not str(user_id).isdigit():
        return None
    # One query for the session, its user, the enterprise and its qualification (every page needs them).
    row = db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _digest(token)).options(
        joinedload(UserSession.user).joinedload(User.enterprise).joinedload(Enterprise.qualification)))
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if (row is None or row.revoked_at is not None or row.expires_at <= now
            or row.last_seen_at + idle <= now or row.user_id != int(user_id)
            or not can_log_in(row.user)):
        return None
    user = row.user
    if now - row.last_seen_at >= TOUCH_EVERY and not _is_background():
        _touch(row.id, now)
    return user


def _touch(session_id: int, now) -> None:
    """Record activity in a transaction of its own whose first statement is the write.

    The user is resolved by login_required before the view does any work, so ending the read
    transaction here commits nothing of the view's. A busy database skips the touch rather than
    refusing the page.
    """
    db.session.commit()
    try:
        db.session.execute(sa.update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))
        db.session.commit()
    except OperationalError:
        db.session.rollback()


def can_log_in(user: User) -> bool:
    """An active account, and for enterprise users an active enterprise."""
    return user.is_active and (user.enterprise is None or user.enterprise.is_active)


def end_current() -> None:
    """Revoke the session named by the cookie (logout)."""
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(sa.update(UserSession)
                           .where(UserSession.token_hash == _digest(token), UserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
    session.clear()


def revoke_all(user: User, keep_current: bool = False) -> None:
    """End every session of `user` (disabled, password reset), optionally keeping this one."""
    stmt = sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    token = session.get(SESSION_KEY) if keep_current and has_request_context() else None  # the CLI has none
    if token:
        stmt = stmt.where(UserSession.token_hash != _digest(token))
    db.session.execute(stmt.values(revoked_at=utcnow()))


def live_sessions(user: User) -> list[UserSession]:
    """The user's sessions that are still alive (not ended, not past their lifetime or idle limit), newest first."""
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    return list(db.session.scalars(sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None), UserSession.expires_at > now,
        UserSession.last_seen_at > now - idle).order_by(UserSession.created_at.desc(), UserSession.id.desc())))


def is_current(row: UserSession) -> bool:
    """`row` is the session of this request's cookie."""
    token = session.get(SESSION_KEY)
    return bool(token) and row.token_hash == _digest(token)


def end_own(user: User, session_id: int) -> bool:
    """End one of `user`'s own sessions: its browser is logged out at its next request.

    :returns: False when there is no such live session of this user (another user's id changes nothing).
    """
    return bool(db.session.execute(sa.update(UserSession).where(
        UserSession.id == session_id, UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())).rowcount)


def purge_ended(days: int = 7) -> int:
    """Delete sessions that ended more than `days` ago."""
    cutoff = utcnow() - timedelta(days=days)
    return db.session.execute(sa.delete(UserSession).where(
        sa.or_(UserSession.expires_at < cutoff, UserSession.revoked_at < cutoff,
               UserSession.last_seen_at < cutoff))).rowcount
