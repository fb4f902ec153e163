"""A leader lease in the database: only the holder of an unexpired lease runs the jobs.

APScheduler does not coordinate between processes, so a second `flask jobs run` (by mistake, or
during a rolling restart) must idle. Taking or renewing the lease is one conditional UPDATE, which
both SQLite and PostgreSQL apply atomically.
"""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.timeutil import utcnow

from .models import JobLease

LEASE_NAME = "scheduler"


def acquire(holder: str, ttl: timedelta, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease for `holder`; False while another holder's lease is alive."""
    now = utcnow()
    taken = db.session.execute(
        sa.update(JobLease)
        .where(JobLease.name == name, sa.or_(JobLease.holder == holder, JobLease.expires_at < now))
        .values(holder=holder, expires_at=now + ttl, heartbeat_at=now)
    ).rowcount
    if taken:
        db.session.commit()
        return True
    db.session.rollback()
    if db.session.get(JobLease, name) is not None:
        return False
    try:
        db.session.add(JobLease(name=name, holder=holder, expires_at=now + ttl, heartbeat_at=now))
        db.session.commit()
        return True
    except IntegrityError:  # another process inserted it first
        db.session.rollback()
        return False


def release(holder: str, name: str = LEASE_NAME) -> None:
    db.session.execute(sa.update(JobLease).where(JobLease.name == name, JobLease.holder == holder)
                       .values(expires_at=utcnow()))
    db.session.commit()


def record_summary(holder: str, summary: str, name: str = LEASE_NAME) -> None:
    db.session.execute(sa.update(JobLease).where(JobLease.name == name, JobLease.holder == holder)
                       .values(last_summary=summary[:2000]))
    db.session.commit()
