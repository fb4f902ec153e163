"""The authority's answers (回执): issued in order per certificate number, fetched by the sender in id order."""
from datetime import timezone

import sqlalchemy as sa

from app.exchange import messages
from app.exchange.receipt_status import ReceiptStatus
from app.extensions import db
from app.timeutil import utcnow

from .models import AuthorityReceipt, Declaration

RECEIPT_BATCH = 500


def issue_receipt(declaration: Declaration, code: str, text: str, status: ReceiptStatus, officer: str | None = None
                  ) -> AuthorityReceipt:
    """The next receipt of this certificate number (回执序号 counts per certificate, across declarations).

    It answers this declaration's message: the enterprise applies it only to the message it sent.
    """
    last = db.session.scalar(sa.select(sa.func.max(AuthorityReceipt.seq))
                             .where(AuthorityReceipt.cert_no == declaration.cert_no)) or 0
    receipt = AuthorityReceipt(declaration_id=declaration.id, co_reg_no=declaration.co_reg_no,
                               cert_no=declaration.cert_no, seq=last + 1, time=utcnow(), code=code, text=text,
                               status=status.value, officer=officer, message_id=declaration.message_id,
                               issue_date=declaration.issue_date if status == ReceiptStatus.ISSUED else None)
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
