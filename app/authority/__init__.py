"""The issuing authority: 审核工作台 (review queue, approve / return), 发送方登记 and its inbound exchange endpoint.

At app start it registers its desk with the enterprise side's embedded gateway (exchange/gateways.py): the
enterprise side never imports the authority.
"""
from flask import Blueprint

bp = Blueprint("authority", __name__)


@bp.record_once
def _register_desk(state) -> None:
    from app.exchange.gateways import Desk, register_embedded_desk

    from .inbox import receive
    from .receipts import receipts_xml

    register_embedded_desk(state.app, Desk(receive=receive, receipts=receipts_xml))


from . import api, print_views, sender_views, views  # noqa: E402,F401
