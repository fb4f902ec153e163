"""货物信息 rows: 保存, +新增, 上移 / 下移, 复制, 删除, and 生成 of the description.

Every row action is its own small POST form. With htmx only the goods section (#goods) comes back;
without JavaScript the whole page does (Post/Redirect/Get).
"""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.extensions import db
from app.refdata import search
from app.refdata.carry import is_restore
from app.web.htmx import is_fragment_request, vary

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


def goods_partial(cert, goods_form=None, appended=None, replaced=(), with_editor=True, status=200, editing=None):
    """htmx: the editor as the swap target (HX-Retarget) and changed rows out of band; no editor → no main swap."""
    ctype = get_type(cert.cert_type)
    if with_editor and goods_form is None:
        goods_form = goods_form_class(ctype)(formdata=None, data=services.goods_defaults(cert.enterprise_id))
    response = vary(make_response(render_template(
        "certificates/_goods_partial.html", cert=cert, ctype=ctype, goods_form=goods_form, editing_item=editing,
        with_editor=with_editor, appended=appended, replaced=replaced), status))
    if with_editor:
        response.headers["HX-Retarget"] = f"#goods-editor-{cert.id}"
        response.headers["HX-Reswap"] = "outerHTML"
    else:
        response.headers["HX-Reswap"] = "none"
        if appended is not None:
            response.headers["HX-Trigger"] = "goods-added"
    return response


def goods_response(cert, goods_form=None, editing=None, status=200):
    """The goods section alone for htmx, else the whole certificate page."""
    ctype = get_type(cert.cert_type)
    goods_form = goods_form or goods_form_class(ctype)(formdata=None, data=services.goods_defaults(cert.enterprise_id))
    if is_fragment_request():
        return vary(make_response(render_template("certificates/_goods.html", cert=cert, ctype=ctype,
                                                  goods_form=goods_form, editing=editing), status))
    form = basic_form_class(ctype)(obj=cert, formdata=None)
    form.version.data = cert.version
    return render_entry(ctype, form, cert, status, goods_form=goods_form, editing=editing)


def _done(cert, message, appended=None, replaced=None, editor=False):
    """After a row change: a redirect without JS; with htmx the changed rows (and a fresh editor) only,
    or the whole section when positions shifted (copy, delete)."""
    db.session.commit()
    flash(message, "success")
    if is_fragment_request() and (appended or replaced):
        return goods_partial(cert, appended=appended, replaced=replaced or (), with_editor=editor)
    if is_fragment_request():
        return goods_response(cert)
    return redirect(url_for("certificates.edit", cert_id=cert.id, _anchor="goods-section"))


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
        form.description.data = description_text(form, ctype)
        form.description.raw_data = None
        return form, goods_response(cert, form, item)
    if not form.validate():
        if is_fragment_request():
            return form, goods_partial(cert, form, status=422, editing=item)
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
    # With htmx the editor stays in place and the browser empties it (HX-Trigger goods-added).
    return _done(cert, f"第 {item.position} 项货物已保存。", appended=item, editor=not is_fragment_request())


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
    return _done(cert, f"第 {item.position} 项货物已保存。", replaced=[item], editor=True)


@bp.post("/certificates/<int:cert_id>/goods/<int:item_id>/action")
@qualification_required
def goods_action(cert_id, item_id):
    """A row's buttons: 上移 / 下移 (op=up/down), 复制 (copy), 删除 (delete)."""
    cert = _cert(cert_id)
    item = _item(cert, item_id)
    op = request.form.get("op")
    if op in ("up", "down"):
        neighbour = services.move_item(item, -1 if op == "up" else 1)
        moved = sorted([row for row in (item, neighbour) if row], key=lambda row: row.position)
        return _done(cert, f"已移动，现为第 {item.position} 项。", replaced=moved)
    if op == "copy":
        clone = services.copy_item(item)
        return _done(cert, f"已复制为第 {clone.position} 项。")
    if op == "delete":
        position = item.position
        services.delete_item(item)
        return _done(cert, f"第 {position} 项货物已删除。")
    abort(400)


def description_text(form, ctype) -> str:
    """货物描述 from the goods name, package count and unit (the 生成 button), in the certificate's language."""
    unit = search.resolve("package_unit", form.package_unit.data or "")
    count = form.package_count.data if isinstance(form.package_count.data, int) else 0
    if ctype.language == "zh":
        return describe.goods_description_zh(form.name_cn.data or "", count, unit.name_zh if unit else "",
                                             unit.attrs if unit else {})
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
    form.description.data = description_text(form, ctype)
    form.description.raw_data = None
    return render_template("certificates/_description_field.html", form=form)
