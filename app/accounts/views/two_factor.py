"""双重认证: the login's second step, and the user's own page to enrol, renew recovery codes or turn it off."""
import time

import segno
from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app.exceptions import FieldError
from app.extensions import db
from app.web.htmx import render_page_or_fragment
from app.web.safe_url import safe_next

from .. import bp, sessions, throttle, totp, two_factor
from ..forms import EnrolForm, LoginCodeForm, TwoFactorCodeForm, tab_ids
from ..models import User
from ..rules import minutes_text
from .common import field_error
from .login import PENDING_KEY, SECOND_STEP_SECONDS, client_ip, complete_login

WRONG_CODE = "验证码不正确或已经用过：请输入应用中当前显示的 6 位数字，或一个未用过的恢复码"


def _pending_user() -> User | None:
    """The user whose password this browser gave in the last SECOND_STEP_SECONDS, if they may still log in."""
    pending = session.get(PENDING_KEY) or {}
    if not pending or time.time() - pending.get("at", 0) > SECOND_STEP_SECONDS:
        return None
    user = db.session.get(User, pending.get("uid"))
    return user if user is not None and sessions.can_log_in(user) and user.has_two_factor else None


def _back_to_login(message: str):
    session.pop(PENDING_KEY, None)
    flash(message, "warning")
    return redirect(url_for("accounts.login"))


def _code_page(form, status=200, message=None):
    form.code.data = ""
    response = make_response(render_template("accounts/login_code.html", form=form, message=message), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/login/code")
def login_code():
    """登录第二步: the 6-digit code (or a recovery code)."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    if _pending_user() is None:
        return _back_to_login("请先输入用户名和密码（验证码页面超过 5 分钟未提交，须重新登录）。")
    return _code_page(LoginCodeForm())


@bp.post("/login/code")
def login_code_post():
    """Check the code, throttled like the password (same counters); success opens the login session."""
    user = _pending_user()
    if user is None:
        return _back_to_login("请重新登录：验证码页面已超过 5 分钟，或帐号已停用。")
    form = LoginCodeForm()
    if not form.validate():
        return _code_page(form, 422)
    ip = client_ip()
    throttle.serialize(user.username, ip)
    locked = throttle.locked_for(user.username, ip)
    if locked:
        throttle.record(user.username, ip, "locked")
        db.session.commit()
        session.pop(PENDING_KEY, None)
        return _code_page(form, 429, f"尝试次数过多，已暂时锁定，请 {minutes_text(locked)}后重新登录。")
    kind = two_factor.check_code(user, form.code.data)
    if kind is None:
        throttle.record(user.username, ip, "code")
        db.session.commit()
        form.code.errors = [WRONG_CODE]
        return _code_page(form, 422)
    next_url = safe_next(session[PENDING_KEY].get("next"))
    remaining = two_factor.remaining_recovery_codes(user) if kind == "recovery" else None
    complete_login(user, ip)
    if remaining is not None:
        flash(f"您用了一个恢复码，还剩 {remaining} 个。请尽快在“双重认证”页面生成新的恢复码。", "warning")
    return redirect(next_url or url_for("web.home"))


def _qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").png_data_uri(scale=4, border=2)


def _page(status=200, enrol=None, code_form=None, codes=None):
    """The 双重认证 page: enrolment (QR code, secret, code) when off; recovery codes and actions when on."""
    user = current_user
    ctx = {"codes": codes, "mandatory": totp.is_mandatory(user.role),
           "code_form": tab_ids(code_form or TwoFactorCodeForm(), "two-factor-manage")}
    if not user.has_two_factor:
        enrol = tab_ids(enrol or EnrolForm(), "two-factor-enrol")
        secret, enrol.token.data = two_factor.enrolment_token(user, enrol.token.data)
        uri = totp.provisioning_uri(secret, user.username)
        enrol.code.data = ""
        ctx.update(enrol=enrol, secret=totp.grouped(secret), qr=_qr_data_uri(uri), uri=uri)
    else:
        ctx["remaining"] = two_factor.remaining_recovery_codes(user)
    response = render_page_or_fragment("accounts/two_factor.html", "accounts/_two_factor.html", status, **ctx)
    response.headers["Cache-Control"] = "no-store"  # the secret and the recovery codes stay out of caches
    return response


@bp.get("/account/two-factor")
@login_required
def two_factor_page():
    """双重认证: on or off, and what can be done."""
    return _page()


@bp.post("/account/two-factor/enrol")
@login_required
def two_factor_enrol():
    """Turn the second factor on: the app's first code proves the secret was copied; recovery codes shown once."""
    form = EnrolForm()
    if current_user.has_two_factor:
        return redirect(url_for("accounts.two_factor_page"))
    if not form.validate():
        return _page(422, enrol=form)
    try:
        codes = two_factor.enrol(current_user, form.token.data, form.code.data)
    except FieldError as exc:
        db.session.rollback()
        field_error(form, exc)
        return _page(422, enrol=form)
    db.session.commit()
    flash("双重认证已开启。以后登录时，输入密码后还须输入应用中的 6 位数字。", "success")
    return _page(codes=codes)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def two_factor_recovery_codes():
    """New recovery codes (the old ones stop working), after a current code."""
    return _with_code(lambda code: two_factor.new_recovery_codes(current_user, code),
                      "已生成新的恢复码，原来的恢复码已作废。")


@bp.post("/account/two-factor/disable")
@login_required
def two_factor_disable():
    """关闭双重认证 (enterprise users), or 更换手机 (replace=1, anyone: off, then enrol again at once)."""
    replacing = request.form.get("replace") == "1"
    return _with_code(lambda code: two_factor.disable(current_user, code, replacing=replacing),
                      "请用新手机扫描下面的二维码。" if replacing else "双重认证已关闭。")


def _with_code(action, done: str):
    """Run `action(code)` after a current code; wrong codes count against the login throttle."""
    form = TwoFactorCodeForm()
    if not current_user.has_two_factor:
        return redirect(url_for("accounts.two_factor_page"))
    if not form.validate():
        return _page(422, code_form=form)
    ip = client_ip()
    throttle.serialize(current_user.username, ip)
    locked = throttle.locked_for(current_user.username, ip)
    try:
        if locked:
            raise FieldError("code", f"尝试次数过多，请 {minutes_text(locked)}后再试")
        codes = action(form.code.data)
    except FieldError as exc:
        db.session.rollback()
        if isinstance(exc, two_factor.WrongCode):
            throttle.record(current_user.username, ip, "code")
            db.session.commit()
        field_error(form, exc)
        return _page(422, code_form=form)
    db.session.commit()
    flash(done, "success")
    if codes:
        return _page(codes=codes)
    return redirect(url_for("accounts.two_factor_page"))
