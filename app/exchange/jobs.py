"""Background jobs of the exchange: deliver the outbox, fetch receipts (intervals from the configuration)."""
from flask import current_app

from app.jobs.registry import job
from app.refdata import search

from . import outbox, polling


@job(seconds="EXCHANGE_SEND_SECONDS")
def send_outbox() -> str | None:
    if current_app.config["APP_MODE"] == "authority":
        return None
    search.cache_for_this_run()  # the automatic review of each delivered declaration reads the same codes
    delivered, failed = outbox.send_due()
    if not delivered:
        return f"delivered 0 failed {failed}" if failed else None
    new, _ = polling.poll_all()  # an automatic review may have answered already: fetch now, not at the next poll
    return f"delivered {delivered} failed {failed}, then receipts {new}"


@job(seconds="EXCHANGE_POLL_SECONDS")
def poll_receipts() -> str | None:
    if current_app.config["APP_MODE"] == "authority":
        return None
    new, failed = polling.poll_all()
    return f"receipts {new} failed {failed}" if new or failed else None
