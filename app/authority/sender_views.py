"""发送方登记 (sysadmin of the authority): register an enterprise as a sender, issue or reset its password,
stop or allow it. A new password is shown once, on the answer to the POST itself (never flashed, never stored
in clear, never cached)."""
from flask import abort
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from app.accounts import audit
from app.accounts.access import sysadmin_required
from app.exceptions import FieldError
from app.extensions import db
from app.web.htmx import render_page_or_fragment

from . import bp, senders
from .models import Sender

REQUIRED = "此项为必填项"


class SenderForm(FlaskForm):
    co_reg_no = StringField("产地证备案号", [DataRequired(REQUIRED), Length(max=9)],
                            description="9 位，与企业资质备案中的产地证备案号一致", id="sender_co_reg_no")
    name = StringField("企业名称", [DataRequired(REQUIRED), Length(max=100)], id="sender_name")
    account = StringField("质检通讯平台帐号", [Optional(), Length(max=64)], description="不填则为 co + 备案号",
                          id="sender_account")


class ActionForm(FlaskForm):
    """The CSRF token of the 重置密码 / 停用 / 启用 buttons."""


def _page(form=None, issued=None, status=200):
    rows = list(db.session.scalars(db.select(Sender).order_by(Sender.co_reg_no)))
    response = render_page_or_fragment("authority/senders.html", "authority/_senders.html", status,
                                       senders=rows, form=form or SenderForm(), action=ActionForm(),
                                       issued=issued)
    if issued:
        response.headers["Cache-Control"] = "no-store"
    return response


def _sender(sender_id: int) -> Sender:
    sender = db.session.get(Sender, sender_id)
    if sender is None:
        abort(404)
    return sender


@bp.get("/authority/senders")
@sysadmin_required
def senders_page():
    return _page()


@bp.post("/authority/senders")
@sysadmin_required
def senders_register():
    form = SenderForm()
    if form.validate():
        try:
            sender, password = senders.register(form.co_reg_no.data, form.name.data, current_user,
                                                account=form.account.data or None)
        except FieldError as exc:
            getattr(form, exc.field).errors = [exc.message]
        else:
            audit.record("sender.register", f"sender:{sender.co_reg_no}", account=sender.account, name=sender.name)
            db.session.commit()
            return _page(SenderForm(formdata=None), issued=(sender, password))
    return _page(form, status=422)


@bp.post("/authority/senders/<int:sender_id>/password")
@sysadmin_required
def senders_reset(sender_id):
    if not ActionForm().validate():
        abort(400)
    sender = _sender(sender_id)
    password = senders.reset_password(sender)
    audit.record("sender.reset_password", f"sender:{sender.co_reg_no}", account=sender.account)
    db.session.commit()
    return _page(issued=(sender, password))


@bp.post("/authority/senders/<int:sender_id>/active")
@sysadmin_required
def senders_toggle(sender_id):
    if not ActionForm().validate():
        abort(400)
    sender = _sender(sender_id)
    sender.is_active = not sender.is_active
    audit.record("sender.enable" if sender.is_active else "sender.disable", f"sender:{sender.co_reg_no}")
    db.session.commit()
    return _page()
