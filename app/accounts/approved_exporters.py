"""经核准出口商 (GACC Order 254): the enterprise's approvals to make origin declarations, kept by its admin.

The services take domain objects and validated form data, flush and never commit (the view commits once);
each write adds its audit row to the same transaction. `approvals_for` is what the certificate code reads.
"""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.accounts.approval_rules import normalise_approval_no
from app.exceptions import Conflict, FieldError
from app.extensions import db
from app.refdata import search

from . import audit
from .models import ApprovedExporter

TAKEN = "该核准出口商编号已登记（编号全国唯一，不能重复登记）"
STALE = "该核准出口商资质已被他人修改或删除（可能在另一个页签中）。请重新打开查看最新内容后再保存；您本次填写的内容仍保留在下方。"


@dataclass(frozen=True)
class Approval:
    """A read-only copy of an approval, for the declaration rules (app/accounts/approval_rules.py)."""

    approval_no: str
    agreement_keys: tuple[str, ...]
    valid_from: date
    valid_until: date
    agreement_names: tuple[str, ...] = ()


def declaration_agreements() -> list:
    """The agreements whose 参数表 entry allows origin declarations (`"declarations": true`), in table order."""
    return [e for e in search.all_entries("agreement") if (e.attrs or {}).get("declarations") is True]


def agreement_names(keys) -> list[str]:
    """The Chinese names of agreement keys, in their order (the key itself when 参数表 no longer has it)."""
    return [search.name_of("agreement", key) for key in keys]


def list_for(enterprise_id: int) -> list[ApprovedExporter]:
    """The enterprise's approvals, the one valid longest first."""
    return list(db.session.scalars(sa.select(ApprovedExporter).where(ApprovedExporter.enterprise_id == enterprise_id)
                                   .order_by(ApprovedExporter.valid_until.desc(), ApprovedExporter.id)))


def approvals_for(enterprise_id: int) -> list[Approval]:
    """The enterprise's approvals as read-only copies with the agreements' names, for the declaration rules."""
    return [Approval(a.approval_no, tuple(a.agreement_keys), a.valid_from, a.valid_until,
                     tuple(agreement_names(a.agreement_keys))) for a in list_for(enterprise_id)]


def _details(approval: ApprovedExporter) -> dict:
    return {"agreements": approval.agreements, "valid_from": approval.valid_from.isoformat(),
            "valid_until": approval.valid_until.isoformat()}


def is_taken(approval_no: str) -> bool:
    """The number is registered already, by any enterprise (customs issues each number once)."""
    return db.session.scalar(sa.select(ApprovedExporter.id).where(ApprovedExporter.approval_no == approval_no)) \
        is not None


def add(enterprise, *, approval_no: str, agreements: list[str], valid_from: date, valid_until: date,
        actor) -> ApprovedExporter:
    """Register an approval of `enterprise`.

    :raises FieldError: the approval number is registered already (by any enterprise: customs issues it once).
    """
    approval_no = normalise_approval_no(approval_no)
    if is_taken(approval_no):
        raise FieldError("approval_no", TAKEN)
    approval = ApprovedExporter(enterprise_id=enterprise.id, approval_no=approval_no, agreements=",".join(agreements),
                                valid_from=valid_from, valid_until=valid_until, updated_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(approval)
    except IntegrityError:  # registered at the same moment by another request
        raise FieldError("approval_no", TAKEN) from None
    audit.record("approved_exporter.create", f"approved_exporter:{approval_no}", enterprise_id=enterprise.id,
                 actor=actor, **_details(approval))
    return approval


def update(approval: ApprovedExporter, *, version: int | None, agreements: list[str], valid_from: date,
           valid_until: date, actor) -> None:
    """Change an approval's agreements and validity, if nobody changed it since the editor loaded `version`.

    :raises Conflict: the approval was changed meanwhile (a flush may also raise StaleDataError).
    """
    if version != approval.version:
        raise Conflict(STALE)
    before = _details(approval)
    approval.agreements = ",".join(agreements)
    approval.valid_from, approval.valid_until = valid_from, valid_until
    approval.updated_by_id = actor.id
    db.session.flush()
    changes = audit.changes(before, _details(approval))
    audit.record("approved_exporter.update", f"approved_exporter:{approval.approval_no}",
                 enterprise_id=approval.enterprise_id, actor=actor, **changes)


def delete(approval: ApprovedExporter, *, actor) -> None:
    """Remove an approval; declarations made under it keep their serials (they hold the number, not a link)."""
    audit.record("approved_exporter.delete", f"approved_exporter:{approval.approval_no}",
                 enterprise_id=approval.enterprise_id, actor=actor, **_details(approval))
    db.session.delete(approval)
    db.session.flush()
