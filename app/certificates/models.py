"""Certificate data. For now: 初始值设置, the values every new certificate of an enterprise starts with."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

# Fields of 初始值设置 that prefill a new certificate, in page order (DESIGN.md glossary names).
INITIAL_FIELDS = (
    "issuing_authority", "collecting_authority", "trade_mode", "serial_prefix",
    "exporter_name", "exporter_address", "exporter_phone", "exporter_fax", "exporter_email",
    "producer_name", "producer_address", "transport_mode", "port_of_loading", "marks",
    "currency", "quantity_unit", "package_unit", "weight_unit",
)


class InitialValues(db.Model):
    """初始值设置 of one enterprise (第三章)."""

    __tablename__ = "initial_values"

    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), primary_key=True)
    issuing_authority: Mapped[str | None] = mapped_column(sa.String(10))
    collecting_authority: Mapped[str | None] = mapped_column(sa.String(10))
    trade_mode: Mapped[str | None] = mapped_column(sa.String(10))
    serial_prefix: Mapped[str | None] = mapped_column(sa.String(3))
    exporter_name: Mapped[str | None] = mapped_column(sa.String(200))
    exporter_address: Mapped[str | None] = mapped_column(sa.String(400))
    exporter_phone: Mapped[str | None] = mapped_column(sa.String(40))
    exporter_fax: Mapped[str | None] = mapped_column(sa.String(40))
    exporter_email: Mapped[str | None] = mapped_column(sa.String(100))
    producer_name: Mapped[str | None] = mapped_column(sa.String(200))
    producer_address: Mapped[str | None] = mapped_column(sa.String(400))
    transport_mode: Mapped[str | None] = mapped_column(sa.String(10))
    port_of_loading: Mapped[str | None] = mapped_column(sa.String(10))
    marks: Mapped[str | None] = mapped_column(sa.String(400))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    quantity_unit: Mapped[str | None] = mapped_column(sa.String(20))
    package_unit: Mapped[str | None] = mapped_column(sa.String(20))
    weight_unit: Mapped[str | None] = mapped_column(sa.String(20))
    updated_at: Mapped[datetime | None] = mapped_column(onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
