"""Per-enterprise printer offsets for the overlay (套打) format."""
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class PrintSettings(db.Model):
    __tablename__ = "print_settings"

    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), primary_key=True)
    offset_x: Mapped[Decimal] = mapped_column(sa.Numeric(5, 1), default=0)  # mm, + moves right
    offset_y: Mapped[Decimal] = mapped_column(sa.Numeric(5, 1), default=0)  # mm, + moves down
