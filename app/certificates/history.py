"""The enterprise's own previously declared goods, offered first in the HS 编码 search (manual 1.1 货物信息)."""
import re
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db

from .models import Certificate, CertificateItem


# What choosing an earlier row fills in the editor: the goods themselves, not the quantities of one shipment.
FILLED = ("hs_code", "name_cn", "name_en", "quantity_unit", "package_unit", "weight_unit", "currency",
          "origin_criterion", "criterion_aux")


@dataclass(frozen=True)
class PreviousGoods:
    hs_code: str
    name_cn: str
    name_en: str
    fill: tuple = ()  # (field, value) of the latest such row, for FILLED fields that have a value


def previous_goods(enterprise_id: int, q: str, limit: int = 8) -> list[PreviousGoods]:
    """Distinct (HS, names) of this enterprise's goods rows matching `q` by HS prefix or goods name, newest first."""
    q = (q or "").strip()
    query = (sa.select(CertificateItem.hs_code, CertificateItem.name_cn, CertificateItem.name_en,
                       sa.func.max(CertificateItem.id).label("latest"))
             .join(Certificate, Certificate.id == CertificateItem.certificate_id)
             .where(Certificate.enterprise_id == enterprise_id, CertificateItem.hs_code.is_not(None),
                    CertificateItem.non_goods.is_(False))
             .group_by(CertificateItem.hs_code, CertificateItem.name_cn, CertificateItem.name_en)
             .order_by(sa.desc("latest")).limit(limit))
    digits = re.sub(r"[.\s]", "", q)
    if digits.isdigit():
        query = query.where(CertificateItem.hs_code.startswith(digits))
    elif q:
        like = f"%{q}%"
        query = query.where(CertificateItem.name_cn.ilike(like) | CertificateItem.name_en.ilike(like))
    rows = db.session.execute(query).all()
    latest = {item.id: item for item in db.session.scalars(
        sa.select(CertificateItem).where(CertificateItem.id.in_([row.latest for row in rows])))} if rows else {}
    found = []
    for row in rows:
        item = latest.get(row.latest)
        fill = tuple((name, getattr(item, name)) for name in FILLED if item is not None and getattr(item, name))
        found.append(PreviousGoods(row.hs_code, row.name_cn or "", row.name_en or "", fill))
    return found
