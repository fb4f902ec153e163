"""商品库: the enterprise's goods saved once (HS, names, units, packaging, producer, criterion per agreement)
and picked into a goods row. Services flush and never commit; every query is scoped to one enterprise.
"""
import re

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.refdata.hs import check_hs_code

from .models import CertificateItem, Certificate, Product, ProductCriterion
from .types import CertType

# The product's own columns, in page order (商品库 form, Excel import/export).
FIELDS = ("code", "hs_code", "name_cn", "name_en", "quantity_unit", "package_unit", "weight_unit", "currency",
          "producer_name", "producer_address")
# What picking a product fills in a goods row (besides the criterion of the row's agreement).
ROW_FIELDS = ("hs_code", "name_cn", "name_en", "quantity_unit", "package_unit", "weight_unit", "currency")
SEARCH_LIMIT = 12


def for_enterprise(enterprise_id: int):
    return sa.select(Product).where(Product.enterprise_id == enterprise_id)


def get(enterprise_id: int, product_id: int) -> Product | None:
    product = db.session.get(Product, product_id)
    return product if product is not None and product.enterprise_id == enterprise_id else None


def by_code(enterprise_id: int, code: str) -> Product | None:
    code = (code or "").strip()
    if not code:
        return None
    return db.session.scalar(for_enterprise(enterprise_id).where(Product.code == code))


def search(enterprise_id: int, q: str, limit: int = SEARCH_LIMIT, offset: int = 0) -> list[Product]:
    """商品编号 or HS prefix or a word of the Chinese/English name; exact 商品编号 first, then by 商品编号."""
    return list(db.session.scalars(_filtered(enterprise_id, q).options(selectinload(Product.criteria))
                                   .order_by(sa.case((Product.code == (q or "").strip(), 0), else_=1), Product.code)
                                   .limit(limit).offset(offset)))


def count(enterprise_id: int, q: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_filtered(enterprise_id, q).subquery()))


def _filtered(enterprise_id: int, q: str):
    query = for_enterprise(enterprise_id)
    q = (q or "").strip()[:100]
    if not q:
        return query
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    digits = re.sub(r"[.\s]", "", q)
    conditions = [Product.code.ilike(like, escape="\\"), Product.name_cn.ilike(like, escape="\\"),
                  Product.name_en.ilike(like, escape="\\")]
    if digits.isdigit():
        conditions.append(Product.hs_code.startswith(digits))
    return query.where(sa.or_(*conditions))


def criterion_for(product: Product, agreement: str | None) -> ProductCriterion | None:
    for criterion in product.criteria:
        if criterion.agreement == (agreement or ""):
            return criterion
    return None


def row_values(product: Product, ctype: CertType) -> dict:
    """The goods-row fields picking `product` fills on a certificate of `ctype` (only fields the type has)."""
    values = {name: getattr(product, name) for name in ROW_FIELDS if getattr(product, name)}
    criterion = criterion_for(product, ctype.agreement)
    if criterion is not None:
        values["origin_criterion"] = criterion.origin_criterion
        if criterion.criterion_aux:
            values["criterion_aux"] = criterion.criterion_aux
    return {name: value for name, value in values.items() if name in ctype.goods_fields}


def save(enterprise_id: int, values: dict, actor_id: int | None, product: Product | None = None,
         criteria: dict[str, tuple[str, str | None]] | None = None) -> Product:
    """Add (product None) or update a product; `criteria` replaces the criteria of the agreements it names
    (agreement → (criterion, aux); an empty criterion removes that agreement's)."""
    if product is None:
        product = Product(enterprise_id=enterprise_id)
        db.session.add(product)
    for name in FIELDS:
        if name in values:
            value = values[name]
            setattr(product, name, (value.strip() or None) if isinstance(value, str) else value)
    product.code = (values.get("code") or product.code or "").strip()
    if product.hs_code:
        product.hs_code = check_hs_code(product.hs_code)[0] or product.hs_code  # stored as digits, as rows are
    product.updated_by_id = actor_id
    for agreement, (criterion, aux) in (criteria or {}).items():
        existing = criterion_for(product, agreement)
        if not criterion:
            if existing is not None:
                product.criteria.remove(existing)
        elif existing is None:
            product.criteria.append(ProductCriterion(agreement=agreement, origin_criterion=criterion,
                                                     criterion_aux=aux or None))
        else:
            existing.origin_criterion, existing.criterion_aux = criterion, aux or None
    db.session.flush()
    return product


def delete(product: Product) -> None:
    db.session.delete(product)
    db.session.flush()


def from_item(item: CertificateItem, ctype: CertType) -> tuple[dict, dict]:
    """A goods row as 商品库 values and criteria (保存到商品库 from the row editor)."""
    values = {name: getattr(item, name) for name in ROW_FIELDS}
    criteria = {}
    if ctype.agreement is not None and item.origin_criterion:
        criteria[ctype.agreement] = (item.origin_criterion, item.criterion_aux)
    return values, criteria


def suggested_code(enterprise_id: int, hs_code: str | None) -> str:
    """A 商品编号 for a row saved without one: the HS code, then -2, -3 … if that is taken."""
    base = re.sub(r"\D", "", hs_code or "") or "P"
    taken = set(db.session.scalars(sa.select(Product.code).where(
        Product.enterprise_id == enterprise_id, sa.or_(Product.code == base, Product.code.like(base + "-%")))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def earlier_goods(enterprise_id: int, limit: int = 500) -> list[CertificateItem]:
    """The newest row of each distinct (HS, names) this enterprise has entered: what 从历史货物导入 offers."""
    latest = (sa.select(sa.func.max(CertificateItem.id))
              .join(Certificate, Certificate.id == CertificateItem.certificate_id)
              .where(Certificate.enterprise_id == enterprise_id, CertificateItem.hs_code.is_not(None),
                     CertificateItem.non_goods.is_(False))
              .group_by(CertificateItem.hs_code, CertificateItem.name_cn, CertificateItem.name_en))
    return list(db.session.scalars(sa.select(CertificateItem).where(CertificateItem.id.in_(latest))
                                   .options(selectinload(CertificateItem.certificate))  # its type, not one query each
                                   .order_by(CertificateItem.id.desc()).limit(limit)))
