"""The jobs process's heartbeat for /metrics and /healthz (registered with web.metrics and web.observability).

The leader renews its lease every JOBS_TICK_SECONDS (runner.py); three ticks without a renewal and the lease
may be taken over (status.py says 未运行): that is when /healthz answers 503, unless HEALTH_REQUIRE_JOBS is off
for an install that runs no jobs process on purpose.
"""
import sqlalchemy as sa
from flask import current_app
from prometheus_client.core import GaugeMetricFamily

from app.extensions import db
from app.timeutil import utcnow
from app.web import metrics, observability

from .lease import LEASE_NAME
from .models import JobLease


def heartbeat_age() -> float | None:
    """Seconds since the jobs process last renewed its lease; None when none ever ran."""
    beat = db.session.scalar(sa.select(JobLease.heartbeat_at).where(JobLease.name == LEASE_NAME))
    return None if beat is None else max(0.0, (utcnow() - beat).total_seconds())


@metrics.source("jobs")
def read():
    """co_jobs_heartbeat_age_seconds (no sample when no jobs process ever ran: alert on absent())."""
    gauge = GaugeMetricFamily("co_jobs_heartbeat_age_seconds", "Seconds since the jobs process last renewed its lease")
    age = heartbeat_age()
    if age is not None:
        gauge.add_metric([], age)
    return [gauge]


@observability.health_check("jobs")
def health() -> tuple[bool, dict]:
    stale_after = 3 * int(current_app.config["JOBS_TICK_SECONDS"])
    required = bool(current_app.config.get("HEALTH_REQUIRE_JOBS", True))
    age = heartbeat_age()
    status = "missing" if age is None else "ok" if age <= stale_after else "stale"
    return status == "ok" or not required, {
        "status": status, "heartbeat_age_seconds": None if age is None else round(age, 1),
        "stale_after_seconds": stale_after, "required": required}
