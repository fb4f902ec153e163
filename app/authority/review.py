"""Review at the authority: pre-check findings, 受理 / 审核通过 / 退证, and automatic review (smart review).

Status changes are guarded by the certificate state machine (states.next_status); every action answers the
enterprise with a receipt.
"""
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app

from app.certificates import services
from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS
from app.certificates.states import next_status
from app.certificates.types import get_type
from app.exchange.receipt_status import ReceiptStatus
from app.extensions import db
from app.settings import get_setting
from app.timeutil import local_today, utcnow

from .models import Declaration
from .receipts import issue_receipt

AUTO_OFFICER = "自动审核"


class ReviewRefused(Exception):
    """The action does not apply to the declaration in its present state (the text says why)."""


def _typed(value, kind):
    if value in (None, ""):
        return None
    if kind == "date":
        return date.fromisoformat(value)
    if kind in ("number",):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    if kind == "integer":
        return int(value)
    return value


def certificate_of(declaration: Declaration) -> SimpleNamespace:
    """The declared certificate, typed like the enterprise's model (for the rules and the read-only page)."""
    data = json.loads(declaration.data)
    cert = SimpleNamespace(**{k: v for k, v in data.items() if k not in ("items", "japan_materials", "change")})
    change = data.get("change") or {}
    cert.reason, cert.change_content = change.get("reason"), change.get("content")
    for name, spec in BASIC_FIELDS.items():
        setattr(cert, name, _typed(data.get(name), spec.kind))
    cert.items = [SimpleNamespace(position=row.get("item_no"), **{n: _typed(row.get(n), s.kind)
                                                                  for n, s in GOODS_FIELDS.items()})
                  for row in data.get("items", [])]
    cert.materials = [SimpleNamespace(position=row.get("item_no"), **{n: _typed(row.get(n), s.kind)
                                                                      for n, s in MATERIAL_FIELDS.items()})
                      for row in data.get("japan_materials", [])]
    return cert


def findings(declaration: Declaration, today: date) -> list[str]:
    """Automatic pre-check: the same declare rules as the enterprise side, plus the authority's own checks."""
    cert = certificate_of(declaration)
    ctype = get_type(declaration.cert_type)
    if ctype is None:
        return [f"未知的证书类型 {declaration.cert_type}"]
    found = [p.message for p in services.rule_problems(cert, cert.items, ctype, today, cert.materials)]
    if not (getattr(cert, "undertaking_text", None) or "").strip():
        found.append("申报未附申请人承诺（海关总署令第270号）")
    if ctype.is_declaration and not (getattr(cert, "declaration_no", None) or "").strip():
        found.append("原产地声明缺少声明编号（核准出口商编号 + 单据日期 + 序号）")
    issued_before = sa.select(Declaration.id).where(Declaration.cert_no == declaration.cert_no,
                                                    Declaration.status == ReceiptStatus.ISSUED,
                                                    Declaration.id != declaration.id)
    if db.session.scalar(issued_before) is not None:
        found.append(f"证书号 {declaration.cert_no} 已签发过，不能重复签发")
    original = getattr(cert, "original_cert_no", None)
    if declaration.kind in ("change", "reissue", "change_reissue"):
        issued = sa.select(Declaration.id).where(Declaration.cert_no == (original or ""),
                                                 Declaration.co_reg_no == declaration.co_reg_no,
                                                 Declaration.status == ReceiptStatus.ISSUED)
        if db.session.scalar(issued) is None:
            found.append(f"原证书 {original or '（未填写）'} 不是本系统签发的有效证书，不能办理更改或重发")
    return found


def auto_review_on(cert_type: str) -> bool:
    text = (get_setting("authority.auto_review_types") or "").replace("，", ",").replace(" ", ",")
    codes = {code.strip().upper() for code in text.split(",") if code.strip()}
    return "*" in codes or cert_type in codes


def on_arrival(declaration: Declaration) -> None:
    """Pre-check at once; with automatic review on for the type, a clean declaration is approved now."""
    today = local_today(current_app.config["DISPLAY_TIMEZONE"])
    found = findings(declaration, today)
    declaration.findings = json.dumps(found, ensure_ascii=False)
    if not auto_review_on(declaration.cert_type):
        return
    if found:
        declaration.review = "manual"
        issue_receipt(declaration, "MANUAL_REVIEW", f"自动审核发现 {len(found)} 项问题，已转人工审核",
                      ReceiptStatus.RECEIVED)
        return
    declaration.review = "auto"
    approve(declaration, AUTO_OFFICER, None, today)


def _move(declaration: Declaration, event: str) -> None:
    try:
        status = next_status(ReceiptStatus(declaration.status).certificate_status, event)
    except Exception as exc:
        raise ReviewRefused(f"该申报状态为“{declaration.status_label}”，不能执行此操作") from exc
    declaration.status = ReceiptStatus.for_certificate(status).value


def accept(declaration: Declaration, officer: str, officer_id: int | None) -> None:
    """受理."""
    _move(declaration, "accept")
    declaration.officer_name, declaration.officer_id = officer, officer_id
    issue_receipt(declaration, "ACCEPTED", "已受理", ReceiptStatus.ACCEPTED, officer)


def approve(declaration: Declaration, officer: str, officer_id: int | None, today: date) -> None:
    """审核通过: issue date and officer recorded (a declaration not yet accepted is accepted first)."""
    if declaration.status == ReceiptStatus.RECEIVED:
        accept(declaration, officer, officer_id)
    _move(declaration, "approve")
    declaration.issue_date, declaration.decided_at = today, utcnow()
    declaration.officer_name, declaration.officer_id = officer, officer_id
    issue_receipt(declaration, "ISSUED", f"审核通过，签发日期 {today.isoformat()}", ReceiptStatus.ISSUED, officer)


def return_(declaration: Declaration, officer: str, officer_id: int | None, reason: str) -> None:
    """退证, with the reason the enterprise will read."""
    if not (reason or "").strip():
        raise ReviewRefused("请填写退证原因")
    _move(declaration, "return")
    declaration.return_reason, declaration.decided_at = reason.strip(), utcnow()
    declaration.officer_name, declaration.officer_id = officer, officer_id
    issue_receipt(declaration, "RETURNED", f"退证：{reason.strip()}", ReceiptStatus.RETURNED, officer)
