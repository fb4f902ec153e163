"""What the 系统设置 page shows about the jobs process."""
from datetime import timedelta

from flask import current_app

from app.extensions import db
from app.timeutil import utcnow

from .lease import LEASE_NAME
from .models import JobLease


def jobs_status() -> dict:
    row = db.session.get(JobLease, LEASE_NAME)
    if row is None:
        return {"running": False, "holder": None, "heartbeat_at": None, "summary": ""}
    stale_after = timedelta(seconds=3 * current_app.config["JOBS_TICK_SECONDS"])
    return {"running": row.heartbeat_at > utcnow() - stale_after and row.expires_at > utcnow(),
            "holder": row.holder, "heartbeat_at": row.heartbeat_at, "summary": row.last_summary}
