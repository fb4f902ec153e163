"""The authority's inbound side: a declaration is taken once (by message id), and only from its own sender.

Both gateways end here: `embedded` calls receive() in-process, `http` reaches it through api.py after the
sender signed in with the account the authority issued (senders.py). What is refused, and why:
- a certificate whose 产地证备案号 is not the sender's, or whose number is not 类型 + 年份 + that 备案号 + 流水号;
- a number that is already waiting for review or issued (a second declaration of it) — after 退证 it may come again;
- a change or reissue of an original certificate that was not issued to this sender;
- more goods rows than the authority takes in one declaration.
The answers (回执) are issued by receipts.py.
"""
import json
import re

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.exchange import messages
from app.exchange.gateways import DeliveryRefused
from app.exchange.receipt_status import WAITING, ReceiptStatus
from app.extensions import db

from . import review
from .models import Declaration
from .receipts import issue_receipt

CHANGE_KINDS = ("change", "reissue", "change_reissue")


class InboxRefused(DeliveryRefused):
    """The message is well-formed but not acceptable from this sender (the text says why)."""


def number_belongs(cert_no: str, cert_type: str, co_reg_no: str) -> bool:
    """类型 + 2-digit year + the sender's 产地证备案号 + a 4-character serial."""
    return re.fullmatch(rf"{re.escape(cert_type)}\d{{2}}{re.escape(co_reg_no)}[A-Z0-9]{{4}}", cert_no or "") is not None


def _refusal(cert: dict, co_reg_no: str, message_id: str, kind: str) -> str | None:
    if cert.get("co_reg_no") != co_reg_no:
        return "证书的产地证备案号与发送企业的备案号不一致"
    if not number_belongs(cert["cert_no"], cert["cert_type"], co_reg_no):
        return f"证书号 {cert['cert_no']} 不符合“证书类型 + 年份 + 本企业产地证备案号 + 流水号”的编号规则"
    limit = current_app.config["INBOX_MAX_ITEMS"]
    if len(cert.get("items") or ()) > limit:
        return f"一份申报最多 {limit} 项货物"
    if db.session.get_bind().dialect.name == "postgresql":  # two declarations of one number take turns
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "declare:" + cert["cert_no"]})
    busy = db.session.scalar(sa.select(Declaration.status).where(
        Declaration.cert_no == cert["cert_no"], Declaration.message_id != message_id,
        Declaration.status.in_([*WAITING, ReceiptStatus.ISSUED])).limit(1))
    if busy is not None:
        state = "已签发" if busy == ReceiptStatus.ISSUED else "正在审核"
        return f"证书号 {cert['cert_no']} {state}，不能重复申报"
    if kind in CHANGE_KINDS:
        original = cert.get("original_cert_no") or ""
        issued_to = db.session.scalar(sa.select(Declaration.co_reg_no).where(
            Declaration.cert_no == original, Declaration.status == ReceiptStatus.ISSUED).limit(1))
        if issued_to is not None and issued_to != co_reg_no:
            return f"原证书 {original} 不是签发给本企业的证书，不能办理更改或重发"
    return None


def receive(xml: bytes, co_reg_no: str) -> tuple[Declaration, bool]:
    """Store a declaration once; a new one gets its 已接收 receipt and, where it is on, automatic review.

    Returns (declaration, created). Raises messages.MessageError for invalid XML, InboxRefused for a
    message this sender may not send (see the module's docstring).
    """
    parsed = messages.parse_declaration(xml)
    cert = parsed["certificate"]
    existing = _by_message_id(parsed["message_id"])
    if existing is not None:
        if existing.co_reg_no != co_reg_no:
            raise InboxRefused("报文编号已被其他企业使用")
        return existing, False
    kind = cert.get("kind") or "normal"
    refusal = _refusal(cert, co_reg_no, parsed["message_id"], kind)
    if refusal:
        raise InboxRefused(refusal)
    declaration = Declaration(
        message_id=parsed["message_id"], authority_code=cert.get("issuing_authority") or "",
        co_reg_no=co_reg_no, applicant_name=cert.get("applicant_name_cn") or "", cert_no=cert["cert_no"],
        cert_type=cert["cert_type"], kind=kind, xml=xml.decode("utf-8"),
        data=json.dumps(cert, ensure_ascii=False))
    try:
        with db.session.begin_nested():
            db.session.add(declaration)
    except IntegrityError:  # the same message, delivered twice at the same moment
        return _by_message_id(parsed["message_id"]), False
    issue_receipt(declaration, "RECEIVED", "报文已接收，等待审核", ReceiptStatus.RECEIVED)
    review.on_arrival(declaration)
    return declaration, True


def _by_message_id(message_id: str) -> Declaration | None:
    return db.session.scalar(sa.select(Declaration).where(Declaration.message_id == message_id))
