"""The authority's own records: declarations received (审核工作台) and the receipts it answers with."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.exchange.receipt_status import desk_label_of, label_of
from app.extensions import db
from app.timeutil import utcnow


class Declaration(db.Model):
    """One declaration message as the authority received it (idempotent on the message id)."""

    __tablename__ = "authority_declarations"
    __table_args__ = (sa.Index("ix_authority_declarations_queue", "authority_code", "received_at", "id"),
                      # 首页 of an officer: the queue by status and today's decisions, from the index alone
                      sa.Index("ix_authority_declarations_authority_code_status_decided_at", "authority_code",
                               "status", "decided_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    authority_code: Mapped[str] = mapped_column(sa.String(10))  # 签证机构 the certificate names
    co_reg_no: Mapped[str] = mapped_column(sa.String(9), index=True)
    applicant_name: Mapped[str] = mapped_column(sa.String(100))
    cert_no: Mapped[str] = mapped_column(sa.String(20), index=True)
    cert_type: Mapped[str] = mapped_column(sa.String(2))
    kind: Mapped[str] = mapped_column(sa.String(20), default="normal")
    xml: Mapped[str] = mapped_column(sa.Text)
    data: Mapped[str] = mapped_column(sa.Text)  # the certificate as parsed from the XML (JSON)
    status: Mapped[str] = mapped_column(sa.String(12), default="received")  # received | accepted | issued | returned
    review: Mapped[str] = mapped_column(sa.String(10), default="manual")  # auto | manual (人审)
    findings: Mapped[str] = mapped_column(sa.Text, default="[]")  # pre-check findings (JSON list of texts)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    officer_name: Mapped[str | None] = mapped_column(sa.String(100))
    return_reason: Mapped[str | None] = mapped_column(sa.Text)
    issue_date: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    receipts: Mapped[list["AuthorityReceipt"]] = relationship(order_by="AuthorityReceipt.seq")
    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return desk_label_of(self.status)


class AuthorityReceipt(db.Model):
    """A receipt the authority issued; its id is the polling cursor of the enterprise side."""

    __tablename__ = "authority_receipts"
    __table_args__ = (sa.UniqueConstraint("cert_no", "seq", name="uq_authority_receipts_cert_no_seq"),
                      sa.Index("ix_authority_receipts_co_reg_no_id", "co_reg_no", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("authority_declarations.id"))
    co_reg_no: Mapped[str] = mapped_column(sa.String(9))
    cert_no: Mapped[str] = mapped_column(sa.String(20))
    seq: Mapped[int]
    time: Mapped[datetime] = mapped_column(default=utcnow)
    code: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12))
    issue_date: Mapped[date | None]
    officer: Mapped[str | None] = mapped_column(sa.String(100))
    message_id: Mapped[str | None] = mapped_column(sa.String(64))

    @property
    def status_label(self) -> str:
        return label_of(self.status)

    @property
    def receipt_time(self) -> datetime:
        """As the enterprise side names it: one receipts table shows both sides' receipts."""
        return self.time


class Sender(db.Model):
    """An enterprise registered at the authority to send declarations (发送方登记): its 产地证备案号 and the
    质检通讯平台帐号 the authority issued to it. Only the authority sets these; the password is kept hashed."""

    __tablename__ = "authority_senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    co_reg_no: Mapped[str] = mapped_column(sa.String(9), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    account: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    password_set_at: Mapped[datetime] = mapped_column(default=utcnow)
