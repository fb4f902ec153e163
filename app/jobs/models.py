"""The lease that makes one jobs process the leader, with its heartbeat."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class JobLease(db.Model):
    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(80))
    expires_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    last_summary: Mapped[str] = mapped_column(sa.Text, default="")
