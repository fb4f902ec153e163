"""Housekeeping of the API: the stored answers of Idempotency-Keys older than API_IDEMPOTENCY_DAYS are forgotten."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.jobs.registry import job
from app.timeutil import utcnow

from .models import ApiIdempotency


@job(seconds=3600)
def purge_idempotency_keys() -> str:
    cutoff = utcnow() - timedelta(days=int(current_app.config["API_IDEMPOTENCY_DAYS"]))
    removed = db.session.execute(sa.delete(ApiIdempotency).where(ApiIdempotency.created_at < cutoff)).rowcount
    return f"idempotency keys {removed}"
