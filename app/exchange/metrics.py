"""The outbox and the receipts for /metrics, read from the database at each scrape (registered with web.metrics).

Read, not counted in the process: messages are queued by the web processes and sent, and receipts applied, by
the jobs process, so only the database knows the whole. Two small queries (the outbox's status index; receipts).
"""
import sqlalchemy as sa
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from app.extensions import db
from app.timeutil import utcnow
from app.web import metrics

from .models import OutboxMessage, Receipt

UNSENT = ("pending", "failed")


@metrics.source("exchange")
def read():
    """co_outbox_messages{status}, co_outbox_oldest_unsent_age_seconds, co_receipts_applied_total."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count(), sa.func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status != "sent").group_by(OutboxMessage.status)).all()
    counts = dict.fromkeys(UNSENT, 0)
    oldest = None
    for status, count, first in rows:
        counts[status] = count
        oldest = first if oldest is None or (first is not None and first < oldest) else oldest
    depth = GaugeMetricFamily("co_outbox_messages", "Messages to the authority not sent yet, by status",
                              labels=["status"])
    for status, count in counts.items():
        depth.add_metric([status], count)
    age = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
    applied = db.session.scalar(sa.select(sa.func.count()).select_from(Receipt).where(Receipt.applied.is_(True)))
    return [depth,
            GaugeMetricFamily("co_outbox_oldest_unsent_age_seconds",
                              "Age of the oldest message not sent yet (0 when every message is sent)",
                              value=max(0.0, age)),
            CounterMetricFamily("co_receipts_applied", "Receipts (回执) that moved a certificate's status, as the "
                                "database counts them", value=applied)]
