"""获取回执: fetch the authority's receipts for an enterprise and apply each once, in order.

Receipts are stored under (证书号, 回执序号), so the same receipt twice is stored once; whether it moves the
certificate is decided by receipt_rules.decide (never backwards, never twice), and only when it answers a
message this enterprise sent about that certificate (its message id is the key of one of the certificate's
outbox rows): an answer to a message someone else sent is stored, marked, and changes nothing. An invalid receipts document
is rejected and logged, and changes nothing.
"""
import logging
from datetime import date
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Enterprise
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.extensions import db
from app.timeutil import utcnow

from . import messages
from .gateways import GatewayError, get_gateway
from .models import OutboxMessage, Receipt, ReceiptCursor
from .receipt_rules import decide

log = logging.getLogger(__name__)
WAITING = (Status.DECLARED, Status.ACCEPTED)


def _sent_keys(certificate_ids) -> set[tuple[int, str]]:
    """(certificate id, message id) of every message these certificates sent."""
    if not certificate_ids:
        return set()
    return set(db.session.execute(sa.select(OutboxMessage.certificate_id, OutboxMessage.idempotency_key)
                                  .where(OutboxMessage.certificate_id.in_(certificate_ids))).all())


def apply_receipt(enterprise_id: int, data: dict, certs: dict | None = None, stored: set | None = None,
                  savepoint: bool = True, sent: set | None = None) -> Receipt | None:
    """Store one receipt (None if already stored) and move its certificate when it answers a message this
    enterprise sent about it and decide() allows.

    `certs` (by number), `stored` ((number, seq) pairs) and `sent` (see _sent_keys) may be preloaded for a batch.
    """
    key = (data["cert_no"], data["seq"])
    if stored is not None:
        if key in stored:
            return None
    elif db.session.scalar(sa.select(Receipt.id).where(Receipt.cert_no == key[0], Receipt.seq == key[1])) is not None:
        return None
    if certs is not None:
        cert = certs.get(data["cert_no"])
    else:
        cert = db.session.scalar(sa.select(Certificate).where(Certificate.cert_no == data["cert_no"],
                                                              Certificate.enterprise_id == enterprise_id))
    if cert is not None and sent is None:
        sent = _sent_keys([cert.id])
    if cert is not None and (cert.id, data.get("message_id")) not in sent:
        log.warning("receipt %s/%s for enterprise %s answers message %r, which it never sent: not applied",
                    data["cert_no"], data["seq"], enterprise_id, data.get("message_id"))
        cert = None  # kept for the record, shown nowhere, moves nothing
    receipt = Receipt(enterprise_id=enterprise_id, certificate_id=cert.id if cert else None, cert_no=data["cert_no"],
                      seq=data["seq"], receipt_time=data["time"].replace(tzinfo=None), code=data["code"],
                      text=data["text"], status=data["status"], officer=data.get("officer"),
                      issue_date=date.fromisoformat(data["issue_date"]) if data.get("issue_date") else None,
                      message_id=data.get("message_id"))
    if cert is not None:
        target = decide(cert.status, cert.receipt_seq, receipt.seq, receipt.status)
        if target is not None:
            cert.status, cert.receipt_seq, receipt.applied = target, receipt.seq, True
            if target == Status.ISSUED:
                cert.issue_date, cert.issued_at, cert.issued_by = receipt.issue_date, utcnow(), receipt.officer
    if stored is not None:
        stored.add(key)
    if not savepoint:
        db.session.add(receipt)
        return receipt
    try:
        with db.session.begin_nested():
            db.session.add(receipt)
    except IntegrityError:  # stored meanwhile by another poll
        return None
    return receipt


def _apply_batch(enterprise_id: int, receipts: list[dict]) -> int:
    """Apply a fetched batch with three queries in all; if another poll stored some meanwhile (a unique
    violation), start again one receipt at a time."""
    numbers = {r["cert_no"] for r in receipts}
    try:
        with db.session.begin_nested():
            certs = {c.cert_no: c for c in db.session.scalars(sa.select(Certificate).where(
                Certificate.enterprise_id == enterprise_id, Certificate.cert_no.in_(numbers))
                .execution_options(populate_existing=True))}  # as they are now, after the cursor's lock
            stored = set(db.session.execute(sa.select(Receipt.cert_no, Receipt.seq)
                                            .where(Receipt.cert_no.in_(numbers))).all())
            sent = _sent_keys([c.id for c in certs.values()])
            new = sum(apply_receipt(enterprise_id, data, certs, stored, savepoint=False, sent=sent) is not None
                      for data in receipts)
            db.session.flush()
        return new
    except IntegrityError:
        db.session.expire_all()
        return sum(apply_receipt(enterprise_id, data) is not None for data in receipts)


def _locked_cursor(enterprise_id: int) -> ReceiptCursor:
    """This enterprise's receipt cursor, locked until the transaction ends (created first if need be).

    The polls of one enterprise take turns on it: the jobs process's two jobs and a clerk's 获取回执 may poll at
    the same moment, and two polls applying the same receipts would both update the certificate (the later one
    meets a changed version and fails). After the wait, the certificates and receipts are read afresh.
    """
    query = sa.select(ReceiptCursor).where(ReceiptCursor.enterprise_id == enterprise_id).with_for_update() \
        .execution_options(populate_existing=True)
    cursor = db.session.scalar(query)
    if cursor is None:
        try:
            with db.session.begin_nested():
                db.session.add(ReceiptCursor(enterprise_id=enterprise_id, last_receipt_id=0))
        except IntegrityError:  # a concurrent poll created it
            pass
        cursor = db.session.scalar(query)
    return cursor


def poll(enterprise: Enterprise, gateway=None) -> int:
    """Fetch and apply this enterprise's new receipts; returns how many were new. Commits."""
    qualification = enterprise.qualification
    if qualification is None or not qualification.co_reg_no:
        return 0
    enterprise_id = enterprise.id
    sender = SimpleNamespace(co_reg_no=qualification.co_reg_no, platform_account=qualification.platform_account,
                             platform_password_enc=qualification.platform_password_enc)
    gateway = gateway or get_gateway()
    if gateway.in_process:
        after = _locked_cursor(enterprise_id).last_receipt_id  # held through the fetch: no network wait
    else:
        cursor = db.session.get(ReceiptCursor, enterprise_id)
        after = cursor.last_receipt_id if cursor else 0
        db.session.commit()  # hold no database lock while waiting on the network
    document = gateway.fetch(sender, after)
    try:
        receipts = messages.parse_receipts(document)
    except messages.MessageError as exc:
        db.session.rollback()
        log.error("rejected an invalid receipts document for enterprise %s: %s", enterprise_id, exc)
        raise
    cursor = _locked_cursor(enterprise_id)
    ordered = sorted(receipts, key=lambda r: r["receipt_id"])
    new = _apply_batch(enterprise_id, ordered) if ordered else 0
    if ordered:
        cursor.last_receipt_id = max(cursor.last_receipt_id, ordered[-1]["receipt_id"])
    cursor.polled_at = utcnow()
    db.session.commit()
    return new


def waiting_enterprises() -> list[Enterprise]:
    """Enterprises with a certificate waiting for the authority (已申报 / 已受理)."""
    ids = sa.select(Certificate.enterprise_id).where(Certificate.status.in_(WAITING)).distinct()
    return list(db.session.scalars(sa.select(Enterprise).where(Enterprise.id.in_(ids))))


def poll_all(gateway=None) -> tuple[int, int]:
    """Poll every waiting enterprise. Returns (new receipts, enterprises that failed)."""
    new = failed = 0
    for enterprise in waiting_enterprises():
        try:
            new += poll(enterprise, gateway)
        except (GatewayError, messages.MessageError) as exc:
            db.session.rollback()
            failed += 1
            log.warning("polling receipts for enterprise %s failed: %s", enterprise.id, exc)
    return new, failed


def fetch_now(enterprise: Enterprise, certificate_ids: list[int]) -> int:
    """获取回执 on demand: deliver these certificates' waiting messages, then fetch the enterprise's receipts.

    Returns the number of new receipts; raises GatewayError / MessageError when the authority cannot answer.
    """
    from . import outbox

    outbox.send_due(certificate_ids)
    try:
        return poll(enterprise)
    except (GatewayError, messages.MessageError):
        db.session.rollback()
        raise

