"""The authority's inbound side: declarations arrive once (by message id); receipts go out in id order.

Both gateways end here: `embedded` calls these functions in-process, `http` reaches them through api.py.
"""
import json
from datetime import timezone

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.exchange import messages
from app.extensions import db
from app.timeutil import utcnow

from .models import AuthorityReceipt, Declaration

RECEIPT_BATCH = 500


class InboxRefused(Exception):
    """The message is well-formed but not acceptable from this sender (the text says why)."""


def receive(xml: bytes, co_reg_no: str) -> tuple[Declaration, bool]:
    """Store a declaration once; a new one gets its 已接收 receipt and, where it is on, automatic review.

    Returns (declaration, created). Raises messages.MessageError for invalid XML, InboxRefused for a
    certificate that does not belong to the sender.
    """
    from . import review

    parsed = messages.parse_declaration(xml)
    cert = parsed["certificate"]
    if cert.get("co_reg_no") != co_reg_no:
        raise InboxRefused("证书的产地证备案号与发送企业的备案号不一致")
    existing = _by_message_id(parsed["message_id"])
    if existing is not None:
        return existing, False
    declaration = Declaration(
        message_id=parsed["message_id"], authority_code=cert.get("issuing_authority") or "",
        co_reg_no=co_reg_no, applicant_name=cert.get("applicant_name_cn") or "", cert_no=cert["cert_no"],
        cert_type=cert["cert_type"], kind=cert.get("kind") or "normal", xml=xml.decode("utf-8"),
        data=json.dumps(cert, ensure_ascii=False))
    try:
        with db.session.begin_nested():
            db.session.add(declaration)
    except IntegrityError:  # the same message, delivered twice at the same moment
        return _by_message_id(parsed["message_id"]), False
    issue_receipt(declaration, "RECEIVED", "报文已接收，等待审核", "received")
    review.on_arrival(declaration)
    return declaration, True


def _by_message_id(message_id: str) -> Declaration | None:
    return db.session.scalar(sa.select(Declaration).where(Declaration.message_id == message_id))


def issue_receipt(declaration: Declaration, code: str, text: str, status: str, officer: str | None = None
                  ) -> AuthorityReceipt:
    """The next receipt of this certificate number (回执序号 counts per certificate, across declarations)."""
    last = db.session.scalar(sa.select(sa.func.max(AuthorityReceipt.seq))
                             .where(AuthorityReceipt.cert_no == declaration.cert_no)) or 0
    receipt = AuthorityReceipt(declaration_id=declaration.id, co_reg_no=declaration.co_reg_no,
                               cert_no=declaration.cert_no, seq=last + 1, time=utcnow(), code=code, text=text,
                               status=status, officer=officer, message_id=declaration.message_id,
                               issue_date=declaration.issue_date if status == "issued" else None)
    db.session.add(receipt)
    db.session.flush()
    return receipt


def receipts_after(co_reg_no: str, after: int, limit: int = RECEIPT_BATCH) -> list[AuthorityReceipt]:
    return list(db.session.scalars(
        sa.select(AuthorityReceipt).where(AuthorityReceipt.co_reg_no == co_reg_no, AuthorityReceipt.id > after)
        .order_by(AuthorityReceipt.id).limit(limit)))


def receipts_xml(co_reg_no: str, after: int, limit: int = RECEIPT_BATCH) -> bytes:
    """The sender's receipts after cursor `after`, as one <Receipts> document."""
    return messages.build_receipts([
        {"receipt_id": r.id, "message_id": r.message_id, "cert_no": r.cert_no, "seq": r.seq,
         "time": r.time.replace(tzinfo=timezone.utc), "code": r.code, "text": r.text, "status": r.status,
         "issue_date": r.issue_date.isoformat() if r.issue_date else None, "officer": r.officer}
        for r in receipts_after(co_reg_no, after, limit)])
