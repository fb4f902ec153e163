"""API 令牌 (/enterprise/api-tokens): the enterprise admin makes tokens for the firm's own systems and revokes them.

A new token is shown once, on the answer to the POST itself (never flashed into the cookie, never stored in
clear, never cached). 撤销 asks first: a confirm box with JavaScript, a page without (sourcehut's pattern).
"""
from flask import flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.accounts.access import ent_admin_required, get_for_enterprise_or_404
from app.accounts.forms import REQUIRED, tab_ids
from app.accounts.views.common import field_error
from app.exceptions import Conflict, FieldError
from app.extensions import db
from app.web.htmx import is_fragment_request, render_page_or_fragment
from app.web.params import db_int

from . import bp, tokens
from .models import ApiToken


def _user_id(value) -> int:
    """The chosen user's id; anything that is no id reads as none (told beside the field, never in English)."""
    try:
        return db_int(value)
    except ValueError:
        return -1


class TokenForm(FlaskForm):
    name = StringField("令牌名称", [DataRequired(REQUIRED), Length(max=100, message="不能超过 100 个字")],
                       description="说明用途，例如“ERP 正式环境”；列表中据此区分令牌")
    user_id = SelectField("代表的用户", coerce=_user_id, validate_choice=False,
                          description="通过该令牌新建、申报的证书，创建人记为此用户；用户停用后令牌随之失效")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [(u.id, f"{u.display_name}（{u.username}，{u.role.label}）")
                                for u in tokens.users_for(current_user.enterprise_id)]

    def validate_user_id(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError("请选择本企业的一个在用用户")


def _page(form=None, issued=None, status=200):
    form = tab_ids(form or TokenForm(formdata=None), "api-token-new")
    response = render_page_or_fragment("api/tokens.html", "api/_tokens.html", status, form=form, issued=issued,
                                       tokens=tokens.list_for(current_user.enterprise_id), label=tokens.label)
    if issued:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/enterprise/api-tokens")
@ent_admin_required
def tokens_page():
    """The enterprise's API tokens and the form to make one."""
    return _page()


@bp.post("/enterprise/api-tokens")
@ent_admin_required
def tokens_create():
    """Make a token; the answer shows it, once."""
    form = TokenForm()
    if form.validate():
        try:
            row, token = tokens.create(current_user.enterprise, name=form.name.data, user_id=form.user_id.data,
                                       actor=current_user)
        except FieldError as exc:
            db.session.rollback()
            field_error(form, exc)
        else:
            db.session.commit()
            return _page(issued=(row, token))
    return _page(form, status=422)


@bp.post("/enterprise/api-tokens/<int:token_id>/revoke")
@ent_admin_required
def token_revoke(token_id):
    """撤销 (asked first without JavaScript); the token's next call is refused."""
    row = get_for_enterprise_or_404(ApiToken, token_id)
    if request.form.get("confirmed") != "1" and not is_fragment_request():
        return render_page_or_fragment("api/token_revoke.html", "api/token_revoke.html", t=row,
                                       label=tokens.label)
    try:
        tokens.revoke(row, current_user)
    except Conflict as exc:
        flash(exc.message, "warning")
    else:
        db.session.commit()
        flash(f"令牌“{tokens.label(row)}”已撤销，使用它的系统将无法再调用接口。", "success")
    if is_fragment_request():
        return _page()
    return redirect(url_for("api.tokens_page"))

