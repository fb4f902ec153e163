"""API tokens (per user, made and revoked by the enterprise admin) and the answers kept for idempotency keys."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class ApiToken(db.Model):
    """One API token: only its SHA-256 is stored; the token itself is shown once, when it is made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))  # the API acts as this user
    name: Mapped[str] = mapped_column(sa.String(100))  # what it is for, e.g. "ERP"
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))  # the first characters, shown to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user = relationship("User", foreign_keys=[user_id], lazy="joined", viewonly=True)


class ApiIdempotency(db.Model):
    """The answer given to a create or declare with an Idempotency-Key, returned again on a retry."""

    __tablename__ = "api_idempotency"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "scope", "key", name="uq_api_idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    scope: Mapped[str] = mapped_column(sa.String(100))  # the operation, e.g. "create" or "declare:42"
    key: Mapped[str] = mapped_column(sa.String(100))
    request_hash: Mapped[str] = mapped_column(sa.String(64))  # the same key with another body is refused
    status_code: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # the hourly purge (api/jobs.py)
