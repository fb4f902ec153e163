"""我的资质: 质检原产地证资质备案 (第三篇 操作前注意事项)."""
from flask import flash, redirect, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.exceptions import FieldError
from app.extensions import db
from app.web.htmx import is_fragment_request, render_page_or_fragment

from .. import bp, services
from ..access import ent_admin_required
from ..forms import QualificationForm
from .common import field_error

STALE = "资质备案已被他人修改（可能在另一个页签中）。请刷新页面查看最新内容后再保存；您本次填写的内容仍保留在下方。"


def _render(form, qual, status=200):
    return render_page_or_fragment("accounts/qualification.html", "accounts/_qualification_form.html",
                                   status, form=form, qual=qual, stale=status == 409)


@bp.get("/qualification")
@ent_admin_required
def qualification():
    """The qualification form, prefilled; the platform password shows only whether it is set."""
    qual = current_user.enterprise.qualification
    form = QualificationForm(obj=qual, formdata=None)
    return _render(form, qual)


@bp.post("/qualification")
@ent_admin_required
def qualification_save():
    """Save 资质备案; a concurrent edit is refused rather than overwritten."""
    qual = current_user.enterprise.qualification
    form = QualificationForm()
    if not form.validate():
        return _render(form, qual, 422)
    if form.version.data != qual.version:
        form.form_errors.append(STALE)
        return _render(form, qual, 409)
    try:
        services.update_qualification(
            qual, co_reg_no=form.co_reg_no.data, org_code=form.org_code.data, name_cn=form.name_cn.data,
            name_en=form.name_en.data or "", address_en=form.address_en.data or "",
            platform_account=form.platform_account.data or "",
            new_platform_password=form.platform_password.data or None,
            clear_platform_password=form.clear_platform_password.data, actor=current_user)
        db.session.commit()
    except FieldError as exc:
        db.session.rollback()
        field_error(form, exc)
        return _render(form, qual, 422)
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(STALE)
        return _render(form, db.session.get(type(qual), qual.enterprise_id), 409)
    flash("资质备案已保存。", "success")
    if is_fragment_request():
        return _render(QualificationForm(obj=qual, formdata=None), qual)
    return redirect(url_for("accounts.qualification"))
