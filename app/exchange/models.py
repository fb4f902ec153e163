"""Exchange with the authority, enterprise side: the outbox, the receipts (回执) and the polling cursor."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

from .receipt_status import label_of


class OutboxMessage(db.Model):
    """A message to the authority, written in the same transaction as the status change."""

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificates.id", ondelete="SET NULL"),
                                                nullable=True, index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # declare | change | reissue | change_reissue
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    payload: Mapped[str] = mapped_column(sa.Text)  # the declaration XML (older rows: the JSON snapshot)
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    STATUS_LABELS = {"pending": "待发送", "sent": "已发送", "failed": "发送失败（将自动重试）"}

    @property
    def status_label(self) -> str:
        return self.STATUS_LABELS.get(self.status, self.status)


class Receipt(db.Model):
    """回执: one answer of the authority about one certificate, identified by (证书号, 回执序号)."""

    __tablename__ = "receipts"
    __table_args__ = (sa.UniqueConstraint("cert_no", "seq", name="uq_receipts_cert_no_seq"),
                      # 通知: an enterprise's new answers (审核通过 / 退证) since a time, on every page load
                      sa.Index("ix_receipts_enterprise_id_status_received_at", "enterprise_id", "status",
                               "received_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id", ondelete="SET NULL"),
                                                       index=True)
    cert_no: Mapped[str] = mapped_column(sa.String(20))
    seq: Mapped[int]  # 回执序号
    receipt_time: Mapped[datetime]  # 回执时间 (naive UTC)
    code: Mapped[str] = mapped_column(sa.String(40))  # 回执代码
    text: Mapped[str] = mapped_column(sa.Text)  # 回执内容
    status: Mapped[str] = mapped_column(sa.String(12))  # 审核状态: received | accepted | issued | returned
    issue_date: Mapped[date | None]
    officer: Mapped[str | None] = mapped_column(sa.String(100))
    message_id: Mapped[str | None] = mapped_column(sa.String(64))
    applied: Mapped[bool] = mapped_column(default=False)  # it moved the certificate's status
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def status_label(self) -> str:
        return label_of(self.status)


class ReceiptCursor(db.Model):
    """The last authority receipt id fetched for an enterprise (the polling position)."""

    __tablename__ = "receipt_cursors"

    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), primary_key=True)
    last_receipt_id: Mapped[int] = mapped_column(default=0)
    polled_at: Mapped[datetime | None]
