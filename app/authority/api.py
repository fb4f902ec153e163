"""The authority's HTTP endpoint for the `http` gateway (docs/exchange.md): inbox and receipts.

Served when this instance is the authority: APP_MODE=authority, or APP_MODE=full with the `http` gateway. With
the embedded gateway (the default full mode) the desk is reached in-process only and these routes are 404, so
no enterprise can post a declaration past its own outbox. The sender signs in with HTTP Basic auth: the
质检通讯平台帐号/密码 the authority issued to it (发送方登记, senders.py); failures are throttled and logged.
"""
import logging

from flask import Response, abort, current_app, request

from app.exchange.messages import MessageError
from app.extensions import csrf, db

from . import bp
from .inbox import InboxRefused, receive
from .models import Sender
from .receipts import receipts_xml
from .senders import authenticate

log = logging.getLogger(__name__)
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


def _refused(text: str, code: int = 401) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="co-authority"'} if code == 401 else {}
    return Response(text, code, headers, content_type=TEXT)


def _sender() -> Sender:
    auth = request.authorization
    if auth is None or not auth.username or auth.password is None:
        abort(_refused("需要质检通讯平台帐号和密码"))
    sender, why = authenticate(auth.username, auth.password, request.remote_addr or "")
    if sender is None:
        db.session.commit()  # the failed attempt counts
        abort(_refused(why, 429 if why.startswith("尝试次数过多") else 401))
    return sender


def _authority_mode():
    mode, gateway = current_app.config["APP_MODE"], current_app.config["EXCHANGE_GATEWAY"]
    if mode == "enterprise" or (mode == "full" and gateway == "embedded"):
        abort(404)


@bp.post("/exchange/inbox")
@csrf.exempt
def inbox():
    """Receive a declaration: 202 when new, 200 when it was already received (applied once)."""
    _authority_mode()
    sender = _sender()
    try:
        declaration, created = receive(request.get_data(), sender.co_reg_no)
    except MessageError as exc:
        log.warning("rejected an invalid declaration from %s: %s", sender.co_reg_no, exc)
        return Response(f"报文无效：{exc}", 400, content_type=TEXT)
    except InboxRefused as exc:
        log.warning("refused a declaration from %s: %s", sender.co_reg_no, exc)
        db.session.rollback()
        return Response(str(exc), 403, content_type=TEXT)
    db.session.commit()
    return Response(declaration.message_id, 202 if created else 200, content_type=TEXT)


@bp.get("/exchange/receipts")
def receipts():
    """The sender's receipts after `after` (a receipt id), oldest first."""
    _authority_mode()
    sender = _sender()
    after = request.args.get("after", "0")
    if not after.isdigit():
        abort(400)
    after = min(int(after), 2**31 - 1)  # receipt ids are INTEGER: a larger cursor is past them all
    return Response(receipts_xml(sender.co_reg_no, after), 200, content_type=XML)
