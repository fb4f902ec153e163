"""初始值设置 (第三章)."""
from flask import flash, redirect, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.access import qualification_required
from app.extensions import db
from app.refdata.carry import restores
from app.web.htmx import is_fragment_request, render_page_or_fragment

from .. import bp, initial_values
from ..forms import InitialValuesForm

STALE = "初始值已被他人修改（可能在另一个页签中）。请重新加载后再保存；您本次填写的内容仍保留在下方。"


def _render_initial(form, row, status=200):
    return render_page_or_fragment("certificates/initial_values.html", "certificates/_initial_values_form.html",
                                   status, form=form, row=row, stale=status == 409)


@bp.get("/initial-values", endpoint="initial_values")
@qualification_required
def initial_values_page():
    """初始值设置: values every new certificate of the enterprise starts with."""
    row = initial_values.get_or_new(current_user.enterprise_id)
    form = InitialValuesForm(obj=row, formdata=None)
    form.version.data = row.version or 0
    return _render_initial(form, row)


def _restored():
    return _render_initial(InitialValuesForm(), initial_values.get_or_new(current_user.enterprise_id))


@bp.post("/initial-values")
@qualification_required
@restores(_restored)
def initial_values_save():
    """Save 初始值设置 (both authorities equal, prefix of 1–3 letters or digits)."""
    row = initial_values.get_or_new(current_user.enterprise_id)
    form = InitialValuesForm()
    if not form.validate():
        return _render_initial(form, row, 422)
    if (form.version.data or 0) != (row.version or 0):
        form.form_errors.append(STALE)
        return _render_initial(form, row, 409)
    try:
        initial_values.save(row, form.data, current_user)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(STALE)
        return _render_initial(form, initial_values.get_or_new(current_user.enterprise_id), 409)
    flash("初始值已保存，新建证书时将自动返填。", "success")
    if is_fragment_request():
        form = InitialValuesForm(obj=row, formdata=None)
        form.version.data = row.version
        return _render_initial(form, row)
    return redirect(url_for("certificates.initial_values"))
