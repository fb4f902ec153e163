"""更改证 / 重发证 / 更改重发证 (manual 第二章; DESIGN.md): only from 审核通过, a new draft with a new number
linked to the original by 原证书号, everything copied (the invoice number too)."""
from datetime import date

import sqlalchemy as sa

from app.exceptions import Conflict
from app.extensions import db

from . import services
from .models import Certificate
from .states import Status

KIND_LABELS = {"new": "新证", "change": "更改证", "reissue": "重发证", "change_reissue": "更改重发证"}
REASON_LABELS = {"change": "更改原因", "reissue": "重发原因", "change_reissue": "更改/重发原因"}
MAX_TEXT = 1000


class AlreadyStarted(Conflict):
    """A change / reissue of this kind is already under way for the original: open it rather than start another."""

    def __init__(self, existing: Certificate, kind: str):
        super().__init__(f"证书 {existing.original_cert_no} 已有一票{KIND_LABELS[kind]} {existing.cert_no}"
                         f"（{existing.status.label}），已为您打开，请在其中修改；无需重新办理。")
        self.existing = existing


OPEN = (Status.DRAFT, Status.RETURNED, Status.DECLARED, Status.ACCEPTED)


def open_child(cert: Certificate, kind: str) -> Certificate | None:
    """The change / reissue of this kind made from `cert` that is not finished yet (not 审核通过), if any."""
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.enterprise_id == cert.enterprise_id, Certificate.original_cert_no == cert.cert_no,
        Certificate.kind == kind, Certificate.status.in_(OPEN)).order_by(Certificate.id).limit(1))


def start(cert: Certificate, kind: str, actor, today: date) -> Certificate:
    """:raises Conflict: the certificate is not 审核通过. :raises AlreadyStarted: one is under way already."""
    label = KIND_LABELS[kind]
    if cert.status != Status.ISSUED:
        raise Conflict(f"只有审核通过的证书才能办理{label}；证书 {cert.cert_no} 当前状态为“{cert.status.label}”。")
    existing = open_child(cert, kind)
    if existing is not None:
        raise AlreadyStarted(existing, kind)
    clone = services.copy_certificate(cert, actor, today)
    clone.invoice_no = cert.invoice_no
    clone.kind, clone.original_cert_no = kind, cert.cert_no
    db.session.flush()
    return clone


def save_reasons(cert: Certificate, reason: str | None, content: str | None) -> dict[str, str]:
    """Store 更改原因 / 重发原因 and 更改内容; returns field errors (too long), storing nothing then."""
    errors = {}
    reason, content = (reason or "").strip(), (content or "").strip()
    if len(reason) > MAX_TEXT:
        errors["reason"] = f"不能超过 {MAX_TEXT} 个字符"
    if len(content) > MAX_TEXT:
        errors["change_content"] = f"不能超过 {MAX_TEXT} 个字符"
    if not errors:
        cert.reason = reason or None
        if cert.kind in ("change", "change_reissue"):
            cert.change_content = content or None
    return errors


def linked(cert: Certificate) -> tuple[Certificate | None, list[Certificate]]:
    """(the original, the change / reissue certificates made from this one), within the enterprise."""
    original = None
    if cert.original_cert_no:
        original = db.session.scalar(sa.select(Certificate).where(
            Certificate.enterprise_id == cert.enterprise_id, Certificate.cert_no == cert.original_cert_no))
    children = list(db.session.scalars(sa.select(Certificate).where(
        Certificate.enterprise_id == cert.enterprise_id, Certificate.original_cert_no == cert.cert_no)
        .order_by(Certificate.id)))
    return original, children
