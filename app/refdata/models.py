"""Code tables (参数表): one row per entry of every table, kept apart by `table`."""
import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class CodeEntry(db.Model):
    """An entry of a code table: code, Chinese and English names, extra attributes, active flag, source.

    `package_hash` fingerprints what the shipped data said when it was last loaded; `locally_edited`
    marks an entry a sysadmin changed, which a newer package never overwrites.
    """

    __tablename__ = "code_entries"
    __table_args__ = (
        # Codes repeat only across categories (an origin criterion such as WO in several agreements).
        sa.UniqueConstraint("table", "category", "code", name="uq_code_entries_table_category_code"),
        sa.Index("ix_code_entries_table_active_code", "table", "active", "code"),
        sa.Index("ix_code_entries_table_category", "table", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table: Mapped[str] = mapped_column(sa.String(30))
    code: Mapped[str] = mapped_column(sa.String(20))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    name_en: Mapped[str] = mapped_column(sa.String(600), default="")
    category: Mapped[str] = mapped_column(sa.String(20), default="")
    attrs_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    active: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(default=1000)
    # Lower-case, width-folded code + names: what a lookup searches.
    search_text: Mapped[str] = mapped_column(sa.String(700), default="")
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    package_hash: Mapped[str | None] = mapped_column(sa.String(64))
    locally_edited: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def attrs(self) -> dict:
        return json.loads(self.attrs_json or "{}")

    @attrs.setter
    def attrs(self, value: dict) -> None:
        self.attrs_json = json.dumps(value or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def shown_code(self) -> str:
        """The code as a person reads it (HS dotted: 9603.2100)."""
        from .tables import dotted_hs

        return dotted_hs(self.code) if self.table == "hs" else self.code

    @property
    def label(self) -> str:
        """How a chosen entry reads in a field: code and Chinese name (or English when there is none)."""
        from .tables import dotted_hs

        name = self.name_zh or self.name_en
        code = dotted_hs(self.code) if self.table == "hs" else self.code
        return f"{code} {name}" if name and name != self.code else code
