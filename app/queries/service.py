"""证书查询: the conditions applied to the enterprise's certificates, sorting and one page of results."""
import re

import sqlalchemy as sa

from app.accounts.models import User
from app.certificates.models import Certificate, CertificateItem
from app.certificates.states import Status
from app.extensions import db
from app.refdata import search
from app.refdata.models import CodeEntry

from .filters import Conditions

PAGE = 20
ORDER = {
    "new": (Certificate.id.desc(),),
    "old": (Certificate.id.asc(),),
    "cert_no": (Certificate.cert_no.asc(),),
    "application_date": (Certificate.application_date.desc(), Certificate.id.desc()),
    "updated": (Certificate.updated_at.desc(), Certificate.id.desc()),
}


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def apply(query, c: Conditions, enterprise_id: int | None = None):
    """Narrow `query` (already limited to one enterprise) by every condition given."""
    if c.cert_no:
        query = query.where(Certificate.cert_no.ilike(_like(c.cert_no), escape="\\"))
    if c.cert_type:
        query = query.where(Certificate.cert_type == c.cert_type)
    if c.status:
        query = query.where(Certificate.status == Status(c.status))
    if c.date_from:
        query = query.where(Certificate.application_date >= c.date_from)
    if c.date_to:
        query = query.where(Certificate.application_date <= c.date_to)
    if c.destination:
        entry = search.resolve("country", c.destination)
        if entry is None:
            c.errors["destination"] = "没有这个国家/地区，请输入代码、中文或英文名称"
        else:
            query = query.where(Certificate.destination_country == entry.code)
    if c.invoice:
        query = query.where(Certificate.invoice_key.like(_like(c.invoice), escape="\\"))
    if c.goods:
        items = sa.select(CertificateItem.id).where(CertificateItem.certificate_id == Certificate.id)
        digits = re.sub(r"[.\s]", "", c.goods)
        if digits.isdigit():
            items = items.where(CertificateItem.hs_code.startswith(digits))
        else:
            items = items.where(CertificateItem.name_cn.ilike(_like(c.goods), escape="\\")
                                | CertificateItem.name_en.ilike(_like(c.goods), escape="\\"))
        query = query.where(items.exists())
    if c.creator_exact:
        users = sa.select(User.id).where(User.username == c.creator.lower())
    elif c.creator:
        users = sa.select(User.id).where(User.username.ilike(_like(c.creator), escape="\\")
                                         | User.display_name.ilike(_like(c.creator), escape="\\"))
    if c.creator:
        if enterprise_id is not None:
            users = users.where(User.enterprise_id == enterprise_id)
        query = query.where(Certificate.created_by_id.in_(users))
    return query


def _count(filtered) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        filtered.with_only_columns(Certificate.id).order_by(None).subquery()))


def page_of(base, c: Conditions, enterprise_id: int | None = None) -> tuple[list[Certificate], int]:
    """One page of results and the number of all results.

    The count runs over the index alone and the page reads only its rows: a window count would make the
    database carry every matching row of the enterprise (bench/queries.py).
    """
    filtered = apply(base, c, enterprise_id)
    total = _count(filtered)
    if not total:
        return [], 0
    rows = list(db.session.scalars(filtered.order_by(*ORDER[c.sort]).offset((c.page - 1) * PAGE).limit(PAGE)))
    return rows, total


# What 导出Excel reads of each certificate: the results table's columns, not whole rows.
EXPORT_COLUMNS = (Certificate.id, Certificate.cert_no, Certificate.kind, Certificate.declaration_no,
                  Certificate.cert_type, Certificate.application_date, Certificate.destination_country,
                  Certificate.invoice_no, Certificate.status, Certificate.updated_at)


def all_of(base, c: Conditions, enterprise_id: int | None, cap: int) -> tuple[list, int]:
    """Every result in the list's order (the results table's columns only) and their number; none when there
    are more than `cap`, so that one export never reads an enterprise's whole history."""
    filtered = apply(base, c, enterprise_id)
    total = _count(filtered)
    if not total or total > cap:
        return [], total
    return list(db.session.execute(filtered.with_only_columns(*EXPORT_COLUMNS).order_by(*ORDER[c.sort]))), total


def country_labels(rows) -> dict[str, str]:
    """`DE 德国` for every destination on the page, in one query."""
    codes = {cert.destination_country for cert in rows if cert.destination_country}
    if not codes:
        return {}
    entries = db.session.scalars(sa.select(CodeEntry).where(CodeEntry.table == "country", CodeEntry.code.in_(codes)))
    return {entry.code: entry.label for entry in entries}
