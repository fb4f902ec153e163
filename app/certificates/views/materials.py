"""日本进料信息 (manual 1.2): materials imported from Japan, on 普惠制 certificates to Japan only."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.extensions import db
from app.web.htmx import is_fragment_request, vary

from .. import bp, japan_materials, services
from ..entry_forms import MaterialForm, basic_form_class
from ..models import Certificate, JapanMaterial
from ..types import get_type
from .entry import render_entry

STALE = "该进料信息已被他人修改，请重新加载后再修改；您本次填写的内容仍保留在下方，尚未保存。"


def _cert(cert_id):
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    if not get_type(cert.cert_type).japan_materials:
        abort(404)
    return cert


def _row(cert, material_id):
    row = db.session.get(JapanMaterial, material_id)
    if row is None or row.certificate_id != cert.id:
        abort(404)
    return row


def materials_response(cert, form=None, editing=None, status=200):
    """The materials section alone for htmx, else the whole certificate page."""
    form = form or MaterialForm(formdata=None)
    if is_fragment_request():
        return vary(make_response(render_template("certificates/_materials.html", cert=cert,
                                                  material_form=form, editing_material=editing), status))
    ctype = get_type(cert.cert_type)
    basic = basic_form_class(ctype)(obj=cert, formdata=None)
    basic.version.data = cert.version
    return render_entry(ctype, basic, cert, status, material_form=form, editing_material=editing)


def _done(cert, message):
    db.session.commit()
    flash(message, "success")
    if is_fragment_request():
        return materials_response(cert)
    return redirect(url_for("certificates.edit", cert_id=cert.id, _anchor="materials-section"))


@bp.get("/certificates/<int:cert_id>/materials/<int:material_id>/edit")
@qualification_required
def material_edit(cert_id, material_id):
    """Load a material into the editor."""
    cert = _cert(cert_id)
    row = _row(cert, material_id)
    form = MaterialForm(obj=row, formdata=None)
    form.version.data = row.version
    return materials_response(cert, form, row)


@bp.post("/certificates/<int:cert_id>/materials")
@qualification_required
def material_add(cert_id):
    """保存 a new material row."""
    cert = _cert(cert_id)
    services.require_editable(cert)
    form = MaterialForm()
    if not form.validate():
        return materials_response(cert, form, None, 422)
    row = japan_materials.add_material(cert, form.data)
    return _done(cert, f"日本进料第 {row.position} 项已保存。")


@bp.post("/certificates/<int:cert_id>/materials/<int:material_id>")
@qualification_required
def material_update(cert_id, material_id):
    """保存 an edited material; an older page is refused."""
    cert = _cert(cert_id)
    row = _row(cert, material_id)
    services.require_editable(cert)
    form = MaterialForm()
    if not form.validate():
        return materials_response(cert, form, row, 422)
    if form.version.data != row.version:
        form.form_errors.append(STALE)
        return materials_response(cert, form, row, 409)
    try:
        japan_materials.update_material(row, form.data)
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(STALE)
        return materials_response(_cert(cert_id), form, None, 409)
    return _done(cert, f"日本进料第 {row.position} 项已保存。")


@bp.post("/certificates/<int:cert_id>/materials/<int:material_id>/action")
@qualification_required
def material_action(cert_id, material_id):
    """上移 / 下移 / 删除 a material row."""
    cert = _cert(cert_id)
    row = _row(cert, material_id)
    op = request.form.get("op")
    if op in ("up", "down"):
        japan_materials.move_material(row, -1 if op == "up" else 1)
        return _done(cert, f"已移动，现为第 {row.position} 项。")
    if op == "delete":
        position = row.position
        japan_materials.delete_material(row)
        return _done(cert, f"日本进料第 {position} 项已删除。")
    abort(400)
