"""Flask-Login wiring: users come from server-side sessions; the unauthenticated go to login."""
from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.extensions import login_manager
from app.web.htmx import is_htmx

from . import bp, sessions, two_factor

login_manager.session_protection = None  # the server-side session does this job


@login_manager.user_loader
def load_user(user_id):
    return sessions.resolve(user_id)


@login_manager.unauthorized_handler
def unauthorized():
    if session.pop(sessions.SESSION_KEY, None):
        flash("登录已超时或已在别处退出，请重新登录。", "warning")
    target = url_for("accounts.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if is_htmx() and request.method != "GET":
        # Keep the page: what the user typed is still in the form once they have logged in again.
        return render_template("errors/_error.html", title="登录已超时",
                               text="登录已超时或已退出。请在新窗口重新登录，然后回到本页再次提交；"
                                    "您填写的内容仍保留在页面上。"), 401
    if is_htmx():
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


ALWAYS_ALLOWED = {"accounts.change_password", "accounts.logout", "static", "versioned_static"}
ENROLMENT = {"accounts.two_factor_page", "accounts.two_factor_enrol"}


@bp.before_app_request
def require_password_change():
    """An account whose password was set by an admin must choose its own before anything else; then an
    officer or system administrator without a second factor must enrol (双重认证) before anything else."""
    if request.endpoint in ALWAYS_ALLOWED or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        flash("请先把管理员设置的初始密码改为您自己的密码。", "warning")
        return redirect(url_for("accounts.change_password"))
    if request.endpoint not in ENROLMENT and two_factor.must_enrol(current_user):
        flash("签证机构审核员和系统管理员必须使用双重认证：请先用手机上的身份验证器应用完成设置。", "warning")
        return redirect(url_for("accounts.two_factor_page"))
    return None
