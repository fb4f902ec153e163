"""Background jobs of the exchange: deliver the outbox, fetch receipts (intervals from the configuration)."""
from flask import current_app

from app.jobs.registry import job

from . import outbox, polling


@job(seconds="EXCHANGE_SEND_SECONDS")
def send_outbox() -> str | None:
    if current_app.config["APP_MODE"] == "authority":
        return None
    delivered, failed = outbox.send_due()
    if delivered:  # an automatic review may have answered already: fetch at once rather than next poll
        polling.poll_all()
    return f"delivered {delivered} failed {failed}" if delivered or failed else None


@job(seconds="EXCHANGE_POLL_SECONDS")
def poll_receipts() -> str | None:
    if current_app.config["APP_MODE"] == "authority":
        return None
    new, failed = polling.poll_all()
    return f"receipts {new} failed {failed}" if new or failed else None
