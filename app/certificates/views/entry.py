"""新建证书: choose a type, fill 基本信息, 暂存, 申报, 新建, 复制, 删除 (manual 第六篇 1.1)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.accounts.views.common import field_error
from app.exceptions import FieldError
from app.extensions import db
from app.refdata import search
from app.refdata.carry import is_restore
from app.timeutil import local_today
from app.web.htmx import render_page_or_fragment

from .. import bp, changes, describe, services, states
from ..entry_forms import MaterialForm, basic_form_class, goods_form_class
from ..models import Certificate
from ..types import TYPES, get_type
from .receipts import receipts_of

STALE = "该证书已被他人修改（可能在另一个页签中）。请重新加载后再修改；您本次填写的内容仍保留在下方，尚未保存。"


def today():
    return local_today(current_app.config["DISPLAY_TIMEZONE"])


def _type_or_404(code):
    ctype = get_type(code)
    if ctype is None or not ctype.ready:
        abort(404)
    return ctype


def render_entry(ctype, form, cert=None, status=200, problems=(), goods_form=None, editing=None, stale=False,
                 material_form=None, editing_material=None, change_errors=None):
    """The certificate page: header, actions, 基本信息, 货物信息 and, for GSP to Japan, 日本进料信息
    (or, once declared, the read-only view)."""
    if cert is not None and goods_form is None:
        goods_form = goods_form_class(ctype)(formdata=None, data=services.goods_defaults(cert.enterprise_id))
    if cert is not None and ctype.japan_materials and material_form is None:
        material_form = MaterialForm(formdata=None)
    template = "certificates/edit.html" if cert is None or states.can_edit(cert.status) else "certificates/view.html"
    if cert is not None and cert.kind == "reissue" and states.can_edit(cert.status):
        template = "certificates/reissue.html"  # only 重发原因 is filled; the body stays as issued
    return render_page_or_fragment(
        template, template, status, ctype=ctype, form=form, cert=cert, problems=problems, goods_form=goods_form,
        editing=editing, stale=stale, header=services.header(current_user.enterprise) if cert is None else cert,
        message=services.pending_message(cert) if cert is not None else None, material_form=material_form,
        receipts=receipts_of(cert) if cert is not None else [], change_errors=change_errors or {},
        editing_material=editing_material)


@bp.get("/certificates/new")
@qualification_required
def new():
    """新建证书: choose the certificate type."""
    return render_page_or_fragment("certificates/choose_type.html", "certificates/choose_type.html",
                                   types=TYPES.values())


@bp.get("/certificates/new/<code>")
@qualification_required
def new_form(code):
    """A blank certificate of this type, prefilled from 初始值设置 (新建 also lands here)."""
    ctype = _type_or_404(code)
    form = basic_form_class(ctype)(formdata=None, data=services.defaults(current_user.enterprise, ctype, today()))
    return render_entry(ctype, form)


@bp.post("/certificates/new/<code>")
@qualification_required
def create(code):
    """First 暂存 (or 申报) of a new certificate: its number is allocated in this transaction."""
    ctype = _type_or_404(code)
    form = basic_form_class(ctype)()
    early = _not_saving(ctype, form)
    if early is not None:
        return early
    cert = services.create(current_user.enterprise, ctype, form.data, current_user, today())
    return _after_save(ctype, form, cert, created=True)


@bp.get("/certificates/<int:cert_id>")
@qualification_required
def edit(cert_id):
    """A saved certificate: editable while 暂存 or 退证, read-only afterwards."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    ctype = get_type(cert.cert_type)
    form = basic_form_class(ctype)(obj=cert, formdata=None)
    form.version.data = cert.version
    return render_entry(ctype, form, cert)


@bp.post("/certificates/<int:cert_id>")
@qualification_required
def save(cert_id):
    """暂存 or 申报 a saved certificate; a page older than the saved data is refused, not overwritten."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    ctype = get_type(cert.cert_type)
    services.require_editable(cert)
    form = basic_form_class(ctype)()
    early = _not_saving(ctype, form, cert)
    if early is not None:
        return early
    if form.version.data != cert.version:
        form.form_errors.append(STALE)
        return render_entry(ctype, form, cert, 409, stale=True)
    if cert.kind in ("change", "change_reissue"):
        errors = changes.save_reasons(cert, request.form.get("reason"), request.form.get("change_content"))
        if errors:
            return render_entry(ctype, form, cert, 422, change_errors=errors)
    try:
        services.save_basic(cert, form.data)
    except FieldError as exc:
        db.session.rollback()
        field_error(form, exc)
        return render_entry(ctype, form, db.session.get(Certificate, cert_id), 422)
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(STALE)
        return render_entry(ctype, form, db.session.get(Certificate, cert_id), 409, stale=True)
    return _after_save(ctype, form, cert)


def _not_saving(ctype, form, cert=None):
    """Answers that do not save: back from the search page, 生成 without JS, or invalid input (422)."""
    action = request.form.get("action", "save")
    if is_restore(request.form):
        return render_entry(ctype, form, cert)
    if action == "transport":
        form.transport_details.data = transport_text(form)
        form.transport_details.raw_data = None
        return render_entry(ctype, form, cert)
    if not form.validate():
        return render_entry(ctype, form, cert, 422)
    return None


def _after_save(ctype, form, cert, created=False):
    if request.form.get("action") == "declare":
        problems = services.declare(cert, current_user, today())
        db.session.commit()  # the draft is saved even when it cannot be declared yet
        if problems:
            form = basic_form_class(ctype)(obj=cert, formdata=None)
            form.version.data = cert.version
            return render_entry(ctype, form, cert, 422, problems=problems)
        flash(f"申报成功：证书 {cert.cert_no} 已申报，等待发送至签证机构。", "success")
        return redirect(url_for("certificates.edit", cert_id=cert.id))
    db.session.commit()
    flash(f"已暂存，证书号 {cert.cert_no}。" + ("现在可以录入货物信息。" if created else ""), "success")
    return redirect(url_for("certificates.edit", cert_id=cert.id))


def transport_text(form) -> str:
    """运输细节 from the form's ports, transport mode and vessel (the 生成 button)."""
    def port_place(field):
        entry = search.resolve("port", field.raw_data[0] if field.raw_data else field.data or "")
        if entry is None:
            return ""
        country = search.get("country", entry.category)
        return describe.place(entry.name_en, entry.category, country.name_en if country else entry.category)

    mode = search.resolve("transport_mode", form.transport_mode.data or "")
    return describe.transport_details(port_place(form.port_of_loading), port_place(form.port_of_discharge),
                                      mode.attrs.get("phrase", "") if mode else "", form.vessel_voyage.data)


@bp.post("/certificates/transport-details")
@qualification_required
def transport_details():
    """生成 with JS: the 运输细节 field alone, composed from the form as it stands."""
    ctype = _type_or_404(request.form.get("cert_type", "C"))
    form = basic_form_class(ctype)()
    form.transport_details.data = transport_text(form)
    form.transport_details.raw_data = None
    return render_template("certificates/_transport_field.html", form=form)


@bp.post("/certificates/<int:cert_id>/copy")
@qualification_required
def copy(cert_id):
    """复制: a new draft with a new number; everything but the invoice number is copied."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    clone = services.copy_certificate(cert, current_user, today())
    db.session.commit()
    flash(f"复制成功：新证书号 {clone.cert_no}（发票号未复制，请填写）。", "success")
    return redirect(url_for("certificates.edit", cert_id=clone.id))


@bp.get("/certificates/<int:cert_id>/delete")
@qualification_required
def delete_confirm(cert_id):
    """删除 asks first (the page JS-off users see; with JS a confirm dialog asks instead)."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    if not states.can_delete(cert.status):
        return render_page_or_fragment("errors/error.html", "errors/_error.html", 409, title="无法删除",
                                       text=f"该证书当前状态为“{cert.status.label}”，只有暂存或退证的证书可以删除。")
    return render_page_or_fragment("certificates/delete.html", "certificates/delete.html", cert=cert,
                                   ctype=get_type(cert.cert_type))


@bp.post("/certificates/<int:cert_id>/delete")
@qualification_required
def delete(cert_id):
    """删除 a 暂存 / 退证 certificate for good."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    number, code = cert.cert_no, cert.cert_type
    services.delete_certificate(cert)
    db.session.commit()
    flash(f"证书 {number} 已删除。", "success")
    return redirect(url_for("certificates.new_form", code=code))


@bp.post("/certificates/<int:cert_id>/reissue")
@qualification_required
def reissue_save(cert_id):
    """重发证: 暂存 or 申报 with the 重发原因; the basic information and goods stay as issued."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    ctype = get_type(cert.cert_type)
    if cert.kind != "reissue":
        abort(404)
    services.require_editable(cert, reissue_ok=True)
    form = basic_form_class(ctype)(obj=cert, formdata=None)
    form.version.data = cert.version
    errors = changes.save_reasons(cert, request.form.get("reason"), None)
    if errors:
        return render_entry(ctype, form, cert, 422, change_errors=errors)
    return _after_save(ctype, form, cert)

