"""Delivering the outbox: claim a due message, send it, record the outcome, with exponential back-off.

A message is claimed with one conditional UPDATE (committed before sending), so two jobs processes never send
it at the same moment, and a process killed mid-send leaves it to be retried once the claim expires. The
authority applies each message once, by its idempotency key, so a retry after a lost answer is harmless.
With the embedded gateway the authority's records and the `sent` mark commit together.
"""
import json
import logging
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app

from app.certificates.models import Certificate
from app.extensions import db
from app.timeutil import utcnow

from .gateways import GatewayError, get_gateway
from .models import OutboxMessage

log = logging.getLogger(__name__)
BATCH = 100


def backoff(attempts: int, base: int, cap: int) -> timedelta:
    """Wait before retry number `attempts` (1, 2, …): base, 2·base, 4·base … at most cap seconds."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def due_ids(now: datetime, certificate_ids=None, limit: int = BATCH) -> list[int]:
    query = (sa.select(OutboxMessage.id).where(OutboxMessage.status != "sent", OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.id).limit(limit))
    if certificate_ids is not None:
        query = query.where(OutboxMessage.certificate_id.in_(certificate_ids))
    return list(db.session.scalars(query))


def _claim(message_id: int, now: datetime, commit: bool) -> bool:
    """Take the message. Committed at once before a network send; with the in-process gateway it commits with
    the delivery itself (a crash then leaves nothing half-done, and the message stays due)."""
    claim_until = now + timedelta(seconds=current_app.config["EXCHANGE_CLAIM_SECONDS"])
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status != "sent", OutboxMessage.next_attempt_at <= now)
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=claim_until)).rowcount
    if commit:
        db.session.commit()
    elif claimed != 1:
        db.session.rollback()
    return claimed == 1


def xml_of(message: OutboxMessage) -> bytes:
    """The message XML; rows queued before XML messages existed hold the JSON snapshot and are built now."""
    if not message.payload.lstrip().startswith("{"):
        return message.payload.encode("utf-8")
    from .messages import build_declaration

    snapshot = json.loads(message.payload)
    snapshot["kind"] = "normal" if snapshot.get("kind") in (None, "new") else snapshot["kind"]
    return build_declaration(snapshot, message_id=message.idempotency_key,
                             sent_at=message.created_at.replace(tzinfo=timezone.utc))


def send_one(message_id: int, gateway=None) -> bool | None:
    """Send one due message. True: delivered; False: failed, retried later; None: not due or taken."""
    now = utcnow()
    gateway = gateway or get_gateway()
    if not _claim(message_id, now, commit=not gateway.in_process):
        return None
    message = db.session.get(OutboxMessage, message_id)
    cert = db.session.get(Certificate, message.certificate_id) if message.certificate_id else None
    if cert is None:  # the certificate is gone: nothing to deliver
        message.status, message.last_error = "sent", "证书已删除，未发送"
        db.session.commit()
        return False
    q = cert.enterprise.qualification
    sender = SimpleNamespace(co_reg_no=q.co_reg_no, platform_account=q.platform_account,
                             platform_password_enc=q.platform_password_enc)
    key, xml = message.idempotency_key, xml_of(message)
    if not gateway.in_process:
        db.session.commit()  # hold no database lock while waiting on the network
    try:
        gateway.send(sender, key, xml)
    except GatewayError as exc:
        db.session.rollback()
        message = db.session.get(OutboxMessage, message_id)
        if gateway.in_process:  # the claim was rolled back with the rest: count this attempt now
            message.attempts += 1
        config = current_app.config
        message.status, message.last_error = "failed", str(exc)[:2000]
        message.next_attempt_at = now + backoff(message.attempts, config["EXCHANGE_RETRY_BASE_SECONDS"],
                                                 config["EXCHANGE_RETRY_MAX_SECONDS"])
        db.session.commit()
        log.warning("outbox message %s failed (attempt %s): %s", message_id, message.attempts, exc)
        return False
    message = db.session.get(OutboxMessage, message_id)
    message.status, message.sent_at, message.last_error = "sent", utcnow(), None
    db.session.commit()
    return True


def send_due(certificate_ids=None, gateway=None) -> tuple[int, int]:
    """Send every due message (of these certificates, when given). Returns (delivered, failed)."""
    delivered = failed = 0
    for message_id in due_ids(utcnow(), certificate_ids):
        outcome = send_one(message_id, gateway)
        delivered += outcome is True
        failed += outcome is False
    return delivered, failed
