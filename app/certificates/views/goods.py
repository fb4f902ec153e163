"""货物信息 rows: 保存, +新增, 上移 / 下移, 复制, 删除, and 生成 of the description.

Every row action is its own small POST form. With htmx only the goods section (#goods) comes back;
without JavaScript the whole page does (Post/Redirect/Get).
"""
from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.extensions import db
from app.refdata import search
from app.refdata.carry import is_restore
from app.web.htmx import is_fragment_request

from .. import bp, describe, services
from ..entry_forms import basic_form_class, goods_form_class
from ..models import Certificate, CertificateItem
from ..types import get_type
from .entry import render_entry

STALE = "该货物已被他人修改，请重新加载后再修改；您本次填写的内容仍保留在下方，尚未保存。"


def _cert(cert_id) -> Certificate:
    return get_for_enterprise_or_404(Certificate, cert_id)


def _item(cert: Certificate, item_id: int) -> CertificateItem:
    item = db.session.get(CertificateItem, item_id)
    if item is None or item.certificate_id != cert.id:
        abort(404)
    return item


def goods_response(cert, goods_form=None, editing=None, status=200):
    """The goods section alone for htmx, else the whole certificate page."""
    ctype = get_type(cert.cert_type)
    goods_form = goods_form or goods_form_class(ctype)(formdata=None, data=services.goods_defaults(cert.enterprise_id))
    if is_fragment_request():
        return render_template("certificates/_goods.html", cert=cert, ctype=ctype, goods_form=goods_form,
                               editing=editing), status
    form = basic_form_class(ctype)(obj=cert, formdata=None)
    form.version.data = cert.version
    return render_entry(ctype, form, cert, status, goods_form=goods_form, editing=editing)


def _done(cert, message):
    db.session.commit()
    flash(message, "success")
    if is_fragment_request():
        return goods_response(cert)
    return redirect(url_for("certificates.edit", cert_id=cert.id, _anchor="goods"))


@bp.get("/certificates/<int:cert_id>/goods/new")
@qualification_required
def goods_new(cert_id):
    """+新增: an empty row editor."""
    return goods_response(_cert(cert_id))


@bp.get("/certificates/<int:cert_id>/goods/<int:item_id>/edit")
@qualification_required
def goods_edit(cert_id, item_id):
    """Load a row into the row editor."""
    cert = _cert(cert_id)
    item = _item(cert, item_id)
    form = goods_form_class(get_type(cert.cert_type))(obj=item, formdata=None)
    form.version.data = item.version
    return goods_response(cert, form, editing=item)


def _posted_form(cert, item=None):
    """The posted row; 生成 and the search page's return re-render it without saving."""
    ctype = get_type(cert.cert_type)
    form = goods_form_class(ctype)()
    if is_restore(request.form):
        return form, goods_response(cert, form, item)
    if request.form.get("action") == "describe":
        form.description.data = description_text(form)
        form.description.raw_data = None
        return form, goods_response(cert, form, item)
    if not form.validate():
        return form, goods_response(cert, form, item, 422)
    return form, None


@bp.post("/certificates/<int:cert_id>/goods")
@qualification_required
def goods_add(cert_id):
    """保存 a new goods row (the certificate must have been saved first)."""
    cert = _cert(cert_id)
    services.require_editable(cert)
    form, early = _posted_form(cert)
    if early is not None:
        return early
    item = services.add_item(cert, form.data)
    return _done(cert, f"第 {item.position} 项货物已保存。")


@bp.post("/certificates/<int:cert_id>/goods/<int:item_id>")
@qualification_required
def goods_update(cert_id, item_id):
    """保存 an edited row; an edit based on an older version of the row is refused."""
    cert = _cert(cert_id)
    item = _item(cert, item_id)
    services.require_editable(cert)
    form, early = _posted_form(cert, item)
    if early is not None:
        return early
    if form.version.data != item.version:
        form.form_errors.append(STALE)
        return goods_response(cert, form, item, 409)
    try:
        services.update_item(item, form.data)
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(STALE)
        return goods_response(_cert(cert_id), form, None, 409)
    return _done(cert, f"第 {item.position} 项货物已保存。")


@bp.post("/certificates/<int:cert_id>/goods/<int:item_id>/move")
@qualification_required
def goods_move(cert_id, item_id):
    """上移 / 下移."""
    cert = _cert(cert_id)
    item = _item(cert, item_id)
    services.move_item(item, -1 if request.form.get("direction") == "up" else 1)
    return _done(cert, f"已移动，现为第 {item.position} 项。")


@bp.post("/certificates/<int:cert_id>/goods/<int:item_id>/copy")
@qualification_required
def goods_copy(cert_id, item_id):
    """复制 a row (the copy goes right below it)."""
    cert = _cert(cert_id)
    clone = services.copy_item(_item(cert, item_id))
    return _done(cert, f"已复制为第 {clone.position} 项。")


@bp.post("/certificates/<int:cert_id>/goods/<int:item_id>/delete")
@qualification_required
def goods_delete(cert_id, item_id):
    """删除 a row; the item numbers after it move up."""
    cert = _cert(cert_id)
    item = _item(cert, item_id)
    position = item.position
    services.delete_item(item)
    return _done(cert, f"第 {position} 项货物已删除。")


def description_text(form) -> str:
    """货物描述 from the English name, package count and unit (the 生成 button)."""
    unit = search.resolve("package_unit", form.package_unit.data or "")
    count = form.package_count.data if isinstance(form.package_count.data, int) else 0
    return describe.goods_description(form.name_en.data or "", count, unit.code if unit else "",
                                      unit.attrs if unit else {})


@bp.post("/certificates/goods/describe")
@qualification_required
def goods_describe():
    """生成 with JS: the 货物描述 field alone."""
    ctype = get_type(request.form.get("cert_type", "C"))
    if ctype is None:
        abort(404)
    form = goods_form_class(ctype)()
    form.description.data = description_text(form)
    form.description.raw_data = None
    return render_template("certificates/_description_field.html", form=form)
