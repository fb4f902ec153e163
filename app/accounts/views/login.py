"""登录 / 退出 (第四篇) and the user's own password."""
import time

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.dbtxn import writes_on_get
from app.exceptions import FieldError
from app.extensions import db
from app.timeutil import utcnow
from app.web.htmx import is_fragment_request, render_page_or_fragment
from app.web.safe_url import safe_next

from .. import bp, captcha, sessions, throttle
from ..forms import ChangePasswordForm, LoginForm
from ..models import User
from ..passwords import hash_password, needs_rehash, verify_password
from ..rules import check_password, minutes_text, normalise_username
from ..services import change_own_password, initial_password_expired
from .common import field_error

GENERIC_FAILURE = "用户名或密码错误"
PENDING_KEY = "second_step"  # the cookie session between the password and the code
SECOND_STEP_SECONDS = 300


def client_ip() -> str:
    return request.remote_addr or "-"


def _login_page(form, status=200, message=None):
    captcha_id = captcha.create(client_ip()) if current_app.config["CAPTCHA_ENABLED"] else None
    db.session.commit()
    form.captcha.data = ""
    form.captcha_id.data = captcha_id
    form.password.data = ""
    return make_response(render_template("accounts/login.html", form=form, message=message,
                                         captcha_id=captcha_id), status)


@bp.get("/login")
@writes_on_get
def login():
    """The login page with a fresh captcha."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    return _login_page(LoginForm(next=request.args.get("next", "")))


@bp.post("/login")
def login_post():
    """Check throttling, captcha and password, in that order; one generic message for bad credentials."""
    form = LoginForm()
    if request.form.get("action") == "refresh" or not form.validate():
        return _login_page(form, 200 if request.form.get("action") == "refresh" else 422)
    username, ip = normalise_username(form.username.data), client_ip()
    throttle.serialize(username, ip)
    locked = throttle.locked_for(username, ip)
    if locked:
        throttle.record(username, ip, "locked")
        return _login_page(form, 429, f"登录失败次数过多，已暂时锁定，请 {minutes_text(locked)}后再试。")
    if current_app.config["CAPTCHA_ENABLED"] and not captcha.consume(form.captcha_id.data, form.captcha.data):
        throttle.record(username, ip, "captcha")
        form.captcha.errors = ["验证码错误或已过期，请重新输入"]
        return _login_page(form, 422)
    user = db.session.scalar(db.select(User).where(User.username == username))
    if not verify_password(user.password_hash if user else None, form.password.data):
        throttle.record(username, ip, "password")
        return _login_page(form, 422, GENERIC_FAILURE)
    if not sessions.can_log_in(user):
        throttle.record(username, ip, "disabled")
        return _login_page(form, 422, "该帐号已停用，请联系管理员。")
    if initial_password_expired(user):
        throttle.record(username, ip, "expired")
        return _login_page(form, 422, f"您的初始密码已过期（管理员设置的密码须在 "
                                      f"{current_app.config['INITIAL_PASSWORD_HOURS']} 小时内改为自己的密码），"
                                      "请联系管理员重新设置。")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(form.password.data)
    if user.has_two_factor:
        # The second step (the 6-digit code) decides; until then this browser holds no login session.
        start_second_step(user, form.next.data)
        db.session.commit()
        return redirect(url_for("accounts.login_code"))
    complete_login(user, ip)
    return redirect(safe_next(form.next.data) or url_for("web.home"))


def start_second_step(user: User, next_url: str | None) -> None:
    """Remember, in a fresh cookie session, whose password was right and when (for SECOND_STEP_SECONDS)."""
    session.clear()
    session[PENDING_KEY] = {"uid": user.id, "at": int(time.time()), "next": safe_next(next_url) or ""}


def complete_login(user: User, ip: str) -> None:
    """Open the server session: the user is logged in."""
    user.last_login_at = utcnow()
    throttle.record(user.username, ip, "ok")
    sessions.start(user)
    db.session.commit()
    login_user(user)


@bp.get("/captcha/new")
@writes_on_get
def captcha_new():
    """A new captcha (htmx swaps it into the login form)."""
    captcha_id = captcha.create(client_ip())
    db.session.commit()
    return render_template("accounts/_captcha.html", captcha_id=captcha_id)


@bp.get("/captcha/<captcha_id>.png")
def captcha_image(captcha_id):
    """The captcha picture; 404 once used or expired."""
    png = captcha.image_png(captcha_id)
    if png is None:
        return render_template("errors/_error.html", title="验证码已失效", text="请点击“换一张”。"), 404
    response = make_response(png)
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/logout")
def logout():
    """退出: end the session on the server, so a copied cookie is worthless."""
    sessions.end_current()
    db.session.commit()
    logout_user()
    flash("您已安全退出。", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """修改密码 (required after an admin set or reset it)."""
    form = ChangePasswordForm()
    if current_user.must_change_password:
        form.current.description = "即管理员告诉您的初始密码"
    status = 200
    if form.validate_on_submit():
        message = check_password(form.new.data, current_user.username, (current_user.display_name,))
        try:
            if message:
                raise FieldError("new", message)
            change_own_password(current_user, form.current.data, form.new.data)
            db.session.commit()
            flash("密码已修改。", "success")
            if not is_fragment_request():
                return redirect(url_for("web.home"))
            form = ChangePasswordForm(formdata=None)
        except FieldError as exc:
            db.session.rollback()
            field_error(form, exc)
    if form.errors:
        status = 422
    return render_page_or_fragment("accounts/password.html", "accounts/_password_form.html", status, form=form)
