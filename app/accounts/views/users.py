"""用户管理: an enterprise admin manages the users of their own enterprise (a sysadmin, anyone's)."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.exceptions import FieldError
from app.extensions import db
from app.web.htmx import is_fragment_request, render_page_or_fragment

from .. import bp, services, totp, two_factor
from ..access import ent_admin_required, enterprise_select, get_for_enterprise_or_404, roles_required
from ..forms import ResetPasswordForm, UserCreateForm, UserEditForm, tab_ids
from ..models import User
from ..roles import Role
from ..rules import check_password
from .common import field_error

managers_only = roles_required(Role.ENT_ADMIN, Role.SYSADMIN)


def load_managed_user(user_id: int) -> User:
    """A user the current admin may manage: own enterprise for ent_admin; any for sysadmin."""
    if current_user.role == Role.SYSADMIN:
        user = db.session.get(User, user_id)
        if user is None or user.role == Role.SYSADMIN:
            abort(404)
        return user
    return get_for_enterprise_or_404(User, user_id)


def create_enterprise_user(enterprise, form: UserCreateForm) -> User | None:
    """Create a user from a validated form; on a taken username, mark the field and return None."""
    try:
        user = services.create_user(username=form.username.data, display_name=form.display_name.data,
                                    role=Role(form.role.data), password=form.password.data,
                                    enterprise=enterprise, actor=current_user)
        db.session.commit()
        return user
    except FieldError as exc:
        db.session.rollback()
        field_error(form, exc)
        return None


def _own_users() -> list[User]:
    return list(db.session.scalars(enterprise_select(User).order_by(User.username)))


@bp.get("/users")
@ent_admin_required
def users():
    """The enterprise's users and the form to add one."""
    return render_page_or_fragment("accounts/users.html", "accounts/_users.html",
                                   users=_own_users(), form=UserCreateForm())


@bp.post("/users")
@ent_admin_required
def users_create():
    """Add a user to the admin's own enterprise."""
    form = UserCreateForm()
    if form.validate() and create_enterprise_user(current_user.enterprise, form):
        flash(f"用户 {form.username.data.strip().lower()} 已创建，首次登录须修改密码。", "success")
        if not is_fragment_request():
            return redirect(url_for("accounts.users"))
        form = UserCreateForm(formdata=None)
    status = 422 if form.errors else 200
    return render_page_or_fragment("accounts/users.html", "accounts/_users.html", status,
                                   users=_own_users(), form=form)


def _user_page(user, status=200, edit=None, reset=None):
    edit = tab_ids(edit or UserEditForm(obj=user, formdata=None, role=user.role.value), f"user{user.id}")
    reset = tab_ids(reset or ResetPasswordForm(formdata=None), f"user{user.id}")
    return render_page_or_fragment("accounts/user.html", "accounts/_user_forms.html", status,
                                   user=user, edit=edit, reset=reset)


@bp.get("/users/<int:user_id>")
@managers_only
def user_detail(user_id):
    """One user: name and role, password reset, enable/disable."""
    return _user_page(load_managed_user(user_id))


@bp.post("/users/<int:user_id>")
@managers_only
def user_update(user_id):
    """Save name and role."""
    user = load_managed_user(user_id)
    form = UserEditForm()
    if user.role == Role.OFFICER:
        form.role.choices = [SelectChoice(Role.OFFICER.value, Role.OFFICER.label)]
    if not form.validate():
        return _user_page(user, 422, edit=form)
    services.update_user(user, display_name=form.display_name.data, role=Role(form.role.data),
                         actor=current_user)
    db.session.commit()
    flash("用户信息已保存。", "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
@managers_only
def user_reset_password(user_id):
    """重置密码: the admin types a new one; the user must change it at next login."""
    user = load_managed_user(user_id)
    form = ResetPasswordForm()
    if form.validate():
        message = check_password(form.new.data, user.username, (user.display_name,))
        if not message:
            services.reset_password(user, form.new.data, actor=current_user)
            db.session.commit()
            flash(f"已重置 {user.username} 的密码，其登录会话已全部结束。", "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
        form.new.errors = [message]
    return _user_page(user, 422, reset=form)


@bp.post("/users/<int:user_id>/two-factor/reset")
@managers_only
def user_reset_two_factor(user_id):
    """重置双重认证 (phone and recovery codes lost): the user's sessions end; they log in with the password."""
    user = load_managed_user(user_id)
    if user.has_two_factor:
        two_factor.reset(user, actor=current_user)
        db.session.commit()
        flash(f"已重置 {user.username} 的双重认证，其登录会话已全部结束。"
              + ("下次登录时须重新设置。" if totp.is_mandatory(user.role) else ""), "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/active")
@managers_only
def user_set_active(user_id):
    """启用 / 停用."""
    user = load_managed_user(user_id)
    active = request.form.get("active") == "1"
    services.set_active(user, active, actor=current_user)
    db.session.commit()
    flash(f"用户 {user.username} 已{'启用' if active else '停用'}。", "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))
