"""打印 on 审核工作台: the officer prints the declared certificate (证书 standard / overlay, 申请书, 发票) from what
the authority received, read-only, with the enterprise's own print rules (app/printing/service.py): anything
not issued carries 非有效证书 on every page.

The authority holds only the declaration message (Declaration.data), never the enterprise's certificate row:
the certificate to print is `review.certificate_of` with what the printing needs on top (status, issue date,
the original certificate of a 更改/重发 from the authority's own records).
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from flask_login import current_user

from app.accounts.approval_rules import approval_of_serial
from app.certificates.states import Status
from app.certificates.types import get_type
from app.exchange.receipt_status import ReceiptStatus
from app.extensions import db
from app.printing import service

from .models import Declaration
from .review import certificate_of


def printable(declaration: Declaration):
    """The declared certificate, typed like the enterprise's model as the printing reads it."""
    cert = certificate_of(declaration)
    status = ReceiptStatus.of(declaration.status) or ReceiptStatus.RECEIVED
    cert.id = declaration.id
    cert.cert_no, cert.cert_type = declaration.cert_no, declaration.cert_type
    cert.status = status.certificate_status
    cert.issue_date = declaration.issue_date if status == ReceiptStatus.ISSUED else None
    cert.kind = "new" if declaration.kind in (None, "", "normal") else declaration.kind
    cert.enterprise_id = None
    at = getattr(cert, "undertaking_at", None)
    cert.undertaking_at = _utc_naive(at) if isinstance(at, str) else at
    return cert  # every other field comes with the message (parse_declaration reads each, None when empty)


def _utc_naive(text: str) -> datetime | None:
    """The message's instant ("…Z") as the model keeps it: naive UTC."""
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at


def _original_issue_date(declaration: Declaration, cert) -> str | None:
    """The issue date of the certificate a 更改/重发 replaces, as this authority issued it to the same sender."""
    if not cert.original_cert_no:
        return None
    issued = db.session.scalar(sa.select(Declaration.issue_date).where(
        Declaration.cert_no == cert.original_cert_no, Declaration.co_reg_no == declaration.co_reg_no,
        Declaration.status == ReceiptStatus.ISSUED).order_by(Declaration.id.desc()).limit(1))
    return issued.isoformat() if issued else None


def source(declaration: Declaration, cert, base_url: str) -> service.Source:
    """What the declaration does not say: no printer offsets (the officer's print is not on the enterprise's
    printer), the original's issue date from the authority's records, the officer's own print workers, and the
    approval number read from the declaration's serial."""
    ctype = get_type(cert.cert_type)
    document_date = getattr(cert, "invoice_date", None) or getattr(cert, "application_date", None)
    return service.Source(
        offsets=(0.0, 0.0), original_issue_date=_original_issue_date(declaration, cert),
        verify_url=service.verify_url(cert, base_url) if cert.status == Status.ISSUED else None, owner=("officer", current_user.id),
        approval_no=approval_of_serial(cert.declaration_no, document_date)
        if ctype is not None and ctype.is_declaration else None)


def document(declaration: Declaration, cert, kind: str, fmt: str, base_url: str) -> bytes:
    """The PDF the officer asked for; `cert` is `printable(declaration)` (see `service.document` for what it
    raises)."""
    return service.document(cert, kind, fmt, base_url, source(declaration, cert, base_url))
