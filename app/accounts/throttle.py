"""Login throttling per account and per client address, kept in the database (holds across processes)."""
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.settings import get_setting
from app.timeutil import utcnow

from .models import LoginAttempt
from .rules import lockout_remaining

# Failures counted against a client address; against an account only wrong passwords and wrong second-step
# codes count (a wrong captcha proves nothing about the account).
FAILURES = ("password", "captcha", "disabled", "code")
ACCOUNT_FAILURES = ("password", "code")


def serialize(*keys: str) -> None:
    """Make concurrent login attempts on the same account or address take turns.

    Without this, parallel requests could all pass the lock check before any failure is recorded.
    PostgreSQL: transaction-level advisory locks, taken in sorted order so that they never
    deadlock. SQLite: the POST transaction already holds the database's write lock.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "login:" + key})


def _failure_times(column, value, counted_outcomes, reset_on_success, limit) -> list:
    """The newest `limit` failure times for `column == value` inside the window.

    An account's count restarts at its last success. An address's does not: one good login of
    an attacker's own account must not buy more guesses at other accounts.
    """
    window = timedelta(minutes=get_setting("login.lockout_minutes"))
    since = utcnow() - window
    if reset_on_success:
        last_ok = db.session.scalar(
            sa.select(sa.func.max(LoginAttempt.at)).where(column == value, LoginAttempt.outcome == "ok")
        )
        if last_ok and last_ok > since:
            since = last_ok
    return list(db.session.scalars(
        sa.select(LoginAttempt.at)
        .where(column == value, LoginAttempt.at > since, LoginAttempt.outcome.in_(counted_outcomes))
        .order_by(LoginAttempt.at.desc())
        .limit(limit)
    ))


def locked_for(username: str, ip: str) -> timedelta | None:
    """Remaining lock time for this account or this client address, whichever is longer."""
    window = timedelta(minutes=get_setting("login.lockout_minutes"))
    now = utcnow()
    per_account = get_setting("login.max_failures_per_account")
    per_address = get_setting("login.max_failures_per_address")
    by_user = lockout_remaining(_failure_times(LoginAttempt.username, username, ACCOUNT_FAILURES, True, per_account),
                                per_account, window, now)
    by_ip = lockout_remaining(_failure_times(LoginAttempt.ip, ip, FAILURES, False, per_address),
                              per_address, window, now)
    locks = [lock for lock in (by_user, by_ip) if lock]
    return max(locks) if locks else None


def record(username: str, ip: str, outcome: str) -> None:
    db.session.add(LoginAttempt(username=username[:64], ip=ip, outcome=outcome))


def purge_older_than(days: int = 30) -> int:
    cutoff = utcnow() - timedelta(days=days)
    return db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < cutoff)).rowcount
