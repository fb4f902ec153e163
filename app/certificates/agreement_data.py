"""The agreements' data from 参数表 (协定, 协定成员及生效日期), for the pure rules in agreements.py."""
import re

from app.refdata import search

from .agreements import Member, member_from
from .types import CertType

NUMBER_PREFIX = re.compile(r"^[A-Z0-9]{1,5}$")


def members_of(agreement: str) -> list[Member] | None:
    """The active members of an agreement with their dates; None when the table lists none."""
    return [member_from(e.code, e.attrs) for e in search.all_entries("agreement_member", agreement)] or None


def agreement_attrs(agreement: str | None) -> dict:
    entry = search.get("agreement", agreement) if agreement else None
    return entry.attrs if entry else {}


def number_prefix(ctype: CertType) -> str:
    """The letters a certificate number starts with: the type code, or the agreement's `number_prefix` (the letter
    China uses for RCEP is unverified, so it is data an admin can correct)."""
    if ctype.is_declaration:
        return ctype.code
    prefix = str(agreement_attrs(ctype.agreement).get("number_prefix") or "").strip().upper()
    return prefix if NUMBER_PREFIX.match(prefix) else ctype.code


def declaration_problem_for(enterprise_id: int):
    """For 新建证书: why this enterprise cannot make a declaration of a type on a date (None: it can)."""
    def problem(ctype: CertType, on) -> str | None:
        from app.accounts.approved_exporters import approvals_for

        from app.accounts.approval_rules import approval_problem

        entry = search.get("agreement", ctype.agreement)
        name = entry.name_zh if entry else ctype.agreement
        since = agreement_attrs(ctype.agreement).get("declarations_from")
        if since and on.isoformat() < str(since):
            return f"{name}的原产地声明自 {since} 起适用"
        return approval_problem(approvals_for(enterprise_id), ctype.agreement, name, on)
    return problem
