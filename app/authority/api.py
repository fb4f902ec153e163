"""The authority's HTTP endpoint for the `http` gateway (docs/exchange.md): inbox and receipts.

Served when the app runs in authority (or full) mode. The sender authenticates with HTTP Basic auth: the
enterprise's 质检通讯平台帐号/密码 as registered in its 资质备案 on this instance.
"""
import hmac
import logging

import sqlalchemy as sa
from flask import Response, abort, current_app, request

from app.accounts.models import Enterprise, Qualification
from app.crypto import decrypt
from app.exchange.messages import MessageError
from app.extensions import csrf, db

from . import bp
from .inbox import InboxRefused, receive, receipts_xml

log = logging.getLogger(__name__)
XML = "application/xml; charset=utf-8"


def _sender() -> Qualification:
    auth = request.authorization
    if auth is None or not auth.username or auth.password is None:
        abort(Response("需要质检通讯平台帐号和密码", 401, {"WWW-Authenticate": 'Basic realm="co-authority"'}))
    qualification = db.session.scalar(
        sa.select(Qualification).join(Enterprise).where(Qualification.platform_account == auth.username,
                                                        Enterprise.is_active.is_(True)))
    stored = ""
    if qualification is not None and qualification.platform_password_enc:
        try:
            stored = decrypt(qualification.platform_password_enc)
        except ValueError:
            stored = ""
    if not (stored and hmac.compare_digest(stored.encode(), auth.password.encode())):
        abort(Response("质检通讯平台帐号或密码错误", 401, {"WWW-Authenticate": 'Basic realm="co-authority"'}))
    return qualification


def _authority_mode():
    if current_app.config["APP_MODE"] == "enterprise":
        abort(404)


@bp.post("/exchange/inbox")
@csrf.exempt
def inbox():
    """Receive a declaration: 202 when new, 200 when it was already received (applied once)."""
    _authority_mode()
    qualification = _sender()
    try:
        declaration, created = receive(request.get_data(), qualification.co_reg_no)
    except MessageError as exc:
        log.warning("rejected an invalid declaration from %s: %s", qualification.co_reg_no, exc)
        return Response(f"报文无效：{exc}", 400, content_type="text/plain; charset=utf-8")
    except InboxRefused as exc:
        return Response(str(exc), 403, content_type="text/plain; charset=utf-8")
    db.session.commit()
    return Response(declaration.message_id, 202 if created else 200, content_type="text/plain; charset=utf-8")


@bp.get("/exchange/receipts")
def receipts():
    """The sender's receipts after `after` (a receipt id), oldest first."""
    _authority_mode()
    qualification = _sender()
    after = request.args.get("after", "0")
    if not after.isdigit():
        abort(400)
    return Response(receipts_xml(qualification.co_reg_no, int(after)), 200, content_type=XML)
