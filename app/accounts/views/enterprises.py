"""企业管理 and 审核员管理 (sysadmin): enterprises with their first admin, and authority officers."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from app.exceptions import FieldError
from app.extensions import db
from app.web.htmx import is_fragment_request, render_page_or_fragment

from .. import audit, bp, services
from ..access import sysadmin_required
from ..forms import EnterpriseCreateForm, OfficerCreateForm, UserCreateForm, tab_ids
from ..models import Enterprise, User
from ..roles import Role
from .common import field_error
from .users import create_enterprise_user


def _enterprises():
    return list(db.session.scalars(db.select(Enterprise).order_by(Enterprise.id.desc())))


@bp.get("/admin/enterprises")
@sysadmin_required
def enterprises():
    """All enterprises and the form to create one with its first admin."""
    return render_page_or_fragment("accounts/enterprises.html", "accounts/_enterprises.html",
                                   enterprises=_enterprises(), form=EnterpriseCreateForm())


@bp.post("/admin/enterprises")
@sysadmin_required
def enterprises_create():
    """Create an enterprise and its first administrator in one transaction."""
    form = EnterpriseCreateForm()
    if form.validate():
        try:
            enterprise = services.create_enterprise(
                name=form.name.data, admin_username=form.admin_username.data,
                admin_display_name=form.admin_display_name.data, admin_password=form.admin_password.data,
                actor=current_user)
            db.session.commit()
            flash(f"企业“{enterprise.name}”及其管理员已创建。", "success")
            if not is_fragment_request():
                return redirect(url_for("accounts.enterprise_detail", enterprise_id=enterprise.id))
            form = EnterpriseCreateForm(formdata=None)
        except FieldError as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_page_or_fragment("accounts/enterprises.html", "accounts/_enterprises.html",
                                   422 if form.errors else 200, enterprises=_enterprises(), form=form)


def _load_enterprise(enterprise_id: int) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        abort(404)
    return enterprise


@bp.get("/admin/enterprises/<int:enterprise_id>")
@sysadmin_required
def enterprise_detail(enterprise_id):
    """One enterprise: its qualification status and users."""
    enterprise = _load_enterprise(enterprise_id)
    return render_page_or_fragment("accounts/enterprise.html", "accounts/enterprise.html",
                                   enterprise=enterprise, form=tab_ids(UserCreateForm(), f"ent{enterprise.id}-user"))


@bp.post("/admin/enterprises/<int:enterprise_id>/users")
@sysadmin_required
def enterprise_user_create(enterprise_id):
    """Add a user (e.g. a replacement admin) to an enterprise."""
    enterprise = _load_enterprise(enterprise_id)
    form = UserCreateForm()
    if form.validate() and create_enterprise_user(enterprise, form):
        flash(f"用户 {form.username.data.strip().lower()} 已创建。", "success")
        return redirect(url_for("accounts.enterprise_detail", enterprise_id=enterprise.id))
    return render_page_or_fragment("accounts/enterprise.html", "accounts/enterprise.html", 422,
                                   enterprise=enterprise, form=tab_ids(form, f"ent{enterprise.id}-user"))


@bp.post("/admin/enterprises/<int:enterprise_id>/active")
@sysadmin_required
def enterprise_set_active(enterprise_id):
    """启用 / 停用 an enterprise: its users cannot log in while it is disabled."""
    enterprise = _load_enterprise(enterprise_id)
    active = request.form.get("active") == "1"
    if enterprise.is_active != active:
        enterprise.is_active = active
        audit.record("enterprise.enable" if active else "enterprise.disable", f"enterprise:{enterprise.name}",
                     enterprise_id=enterprise.id)
        db.session.commit()
    flash(f"企业已{'启用' if active else '停用'}。", "success")
    return redirect(url_for("accounts.enterprise_detail", enterprise_id=enterprise.id))


def _officers():
    return list(db.session.scalars(db.select(User).where(User.role == Role.OFFICER).order_by(User.username)))


@bp.get("/admin/officers")
@sysadmin_required
def officers():
    """Authority officers (签证机构审核员) and the form to add one."""
    return render_page_or_fragment("accounts/officers.html", "accounts/officers.html",
                                   officers=_officers(), form=tab_ids(OfficerCreateForm(), "officer"))


@bp.post("/admin/officers")
@sysadmin_required
def officers_create():
    """Add an officer of an issuing authority."""
    form = OfficerCreateForm()
    if form.validate():
        try:
            services.create_user(username=form.username.data, display_name=form.display_name.data,
                                 role=Role.OFFICER, password=form.password.data,
                                 authority_code=form.authority_code.data.strip(), actor=current_user)
            db.session.commit()
            flash("审核员已创建，首次登录须修改密码。", "success")
            return redirect(url_for("accounts.officers"))
        except FieldError as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_page_or_fragment("accounts/officers.html", "accounts/officers.html", 422,
                                   officers=_officers(), form=tab_ids(form, "officer"))
