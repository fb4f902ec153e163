"""新建证书: choose a type, fill 基本信息, 暂存, 申报, 新建, 复制, 删除 (manual 第六篇 1.1).

Every render of the certificate page goes through `CertificatePage` (certificates/page.py).
"""
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.accounts import audit
from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.accounts.views.common import field_error
from app.exceptions import Conflict, FieldError
from app.extensions import db
from app.refdata import search
from app.refdata.carry import restores
from app.web.htmx import render_page_or_fragment
from app.web.safe_url import safe_next

from .. import agreement_data, agreements, bp, changes, describe, services, states
from ..clock import today
from ..entry_forms import basic_form_class
from ..forms import OTHER_DESTINATION, ChooseTypeForm
from ..models import Certificate
from ..page import CertificatePage, posted_prefix, prefix_ids
from ..types import TYPES, get_type

STALE = "该证书已被他人修改（可能在另一个页签中）。请重新加载后再修改；您本次填写的内容仍保留在下方，尚未保存。"
UNSAVED = "您填写的内容仍在下方，尚未保存。"


def _type_or_404(code):
    ctype = get_type(code)
    if ctype is None or not ctype.ready:
        abort(404)
    return ctype


def _saved(cert_id) -> Certificate:
    return get_for_enterprise_or_404(Certificate, cert_id)


def _posted_new(code):
    ctype = _type_or_404(code)
    return CertificatePage(ctype, form=basic_form_class(ctype)()).render()


def _posted_saved(cert_id):
    cert = _saved(cert_id)
    ctype = get_type(cert.cert_type)
    return CertificatePage(ctype, cert, form=basic_form_class(ctype)()).render()


@bp.get("/certificates/new")
@qualification_required
def new():
    """新建证书: choose the certificate type; with a destination and date, only the types in force there then."""
    form = ChooseTypeForm(request.args)
    countries = agreements.member_countries(TYPES.values(), agreement_data.members_of)
    form.destination.choices = [("", "全部（不限目的地）")] + sorted(
        ((c, f"{search.name_of('country', c)} {c}") for c in countries), key=lambda choice: choice[1]) + [
        (OTHER_DESTINATION, "其他国家/地区（非协定成员）")]
    if request.args:
        form.validate()
    on = form.on.data if form.on.data and not form.on.errors else today()
    destination = form.destination.data if not form.destination.errors else ""
    found = agreements.offers(TYPES.values(), destination if destination != OTHER_DESTINATION else None, on,
                              agreement_data.members_of, search.name_of, agreement_data.declaration_problem_for(current_user.enterprise_id))
    if destination == OTHER_DESTINATION:
        found = [o if not o.ctype.agreement or not o.offered else
                 agreements.Offer(o.ctype, f"{o.ctype.name}只能发往协定成员，请在上方选择目的地") for o in found]
    template = "certificates/choose_type.html"
    return render_page_or_fragment(template, "certificates/_type_offers.html" if request.args else template,
                                   form=form, offers=found, on=on,
                                   destination=destination if destination != OTHER_DESTINATION else "",
                                   destination_name=search.name_of("country", destination) if destination else "")


@bp.get("/certificates/new/<code>")
@qualification_required
def new_form(code):
    """A blank certificate of this type, prefilled from 初始值设置 (新建 also lands here); `destination` from the
    choice on 新建证书."""
    ctype = _type_or_404(code)
    destination = (request.args.get("destination") or "").strip().upper()
    if len(destination) == 2 and destination.isalpha() and not ctype.fixed_destination:
        data = {**services.defaults(current_user.enterprise, ctype, today()), "destination_country": destination}
        return CertificatePage(ctype, form=basic_form_class(ctype)(formdata=None, data=data), form_posted=False).render()
    return CertificatePage(ctype).render()


@bp.post("/certificates/new/<code>")
@qualification_required
@restores(_posted_new)
def create(code):
    """First 暂存 (or 申报) of a new certificate: its number is allocated in this transaction."""
    ctype = _type_or_404(code)
    form = basic_form_class(ctype)()
    early = _not_saving(ctype, form)
    if early is not None:
        return early
    try:
        cert = services.create(current_user.enterprise, ctype, form.data, current_user, today())
    except Conflict as exc:  # no serial left for this prefix: keep everything typed and say what to do
        db.session.rollback()
        form.form_errors.append(f"{exc.message}。{UNSAVED}")
        return CertificatePage(ctype, form=form).render(409)
    return _after_save(ctype, cert, created=True)


@bp.get("/certificates/<int:cert_id>")
@qualification_required
def edit(cert_id):
    """A saved certificate: editable while 暂存 or 退证, read-only afterwards."""
    cert = _saved(cert_id)
    return CertificatePage(get_type(cert.cert_type), cert).render()


@bp.post("/certificates/<int:cert_id>")
@qualification_required
@restores(_posted_saved)
def save(cert_id):
    """暂存 or 申报 a saved certificate; a page older than the saved data is refused, not overwritten."""
    cert = _saved(cert_id)
    ctype = get_type(cert.cert_type)
    services.require_editable(cert)
    form = basic_form_class(ctype)()
    early = _not_saving(ctype, form, cert)
    if early is not None:
        return early
    if form.version.data != cert.version:
        form.form_errors.append(STALE)
        return CertificatePage(ctype, cert, form=form, stale=True).render(409)
    if cert.kind in ("change", "change_reissue"):
        errors = changes.save_reasons(cert, request.form.get("reason"), request.form.get("change_content"))
        if errors:
            return CertificatePage(ctype, cert, form=form, change_errors=errors, focus_first_error=True).render(422)
    try:
        services.save_basic(cert, form.data)
    except FieldError as exc:
        db.session.rollback()
        field_error(form, exc)
        return CertificatePage(ctype, _saved(cert_id), form=form, focus_first_error=True).render(422)
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(STALE)
        return CertificatePage(ctype, _saved(cert_id), form=form, stale=True).render(409)
    return _after_save(ctype, cert)


def _not_saving(ctype, form, cert=None):
    """Answers that do not save: 生成 without JS, or invalid input (422, the first bad field focused)."""
    if request.form.get("action") == "transport":
        form.transport_details.data = transport_text(form)
        form.transport_details.raw_data = None
        return CertificatePage(ctype, cert, form=form).render()
    if not form.validate():
        return CertificatePage(ctype, cert, form=form, focus_first_error=True).render(422)
    return None


def _after_save(ctype, cert, created=False):
    if created:
        audit.record_certificate("certificate.create", cert)
    if request.form.get("action") == "declare":
        problems = services.declare(cert, current_user, today(),
                                    undertaking=request.form.get("undertaking") in ("y", "on", "1", "true"))
        if not problems:
            audit.record_certificate("certificate.declare", cert)
        db.session.commit()  # the draft is saved even when it cannot be declared yet
        if problems:
            return CertificatePage(ctype, cert, problems=problems, focus_first_error=True).render(422)
        if ctype.is_declaration:
            flash(f"申报成功：原产地声明 {cert.declaration_no}（申报编号 {cert.cert_no}）已申报，等待发送至签证机构。", "success")
        else:
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
    if form.ctype.language == "zh":  # 海峡两岸: Chinese throughout
        return describe.transport_details_zh(port_name_zh(form.port_of_loading), port_name_zh(form.port_of_discharge),
                                             mode.attrs.get("phrase_zh", "") if mode else "", form.vessel_voyage.data)
    return describe.transport_details(port_place(form.port_of_loading), port_place(form.port_of_discharge),
                                      mode.attrs.get("phrase", "") if mode else "", form.vessel_voyage.data)


def port_name_zh(field) -> str:
    """A port's Chinese name (its English one where the table has none)."""
    entry = search.resolve("port", field.raw_data[0] if field.raw_data else field.data or "")
    return (entry.name_zh or entry.name_en) if entry else ""


@bp.post("/certificates/transport-details")
@qualification_required
def transport_details():
    """生成 with JS: the 运输细节 field alone, composed from the form as it stands."""
    ctype = _type_or_404(request.form.get("cert_type", "C"))
    form = basic_form_class(ctype)()
    form.transport_details.data = transport_text(form)
    form.transport_details.raw_data = None
    prefix_ids(form, posted_prefix())
    return render_template("certificates/_generated_field.html", f=form.transport_details, action="transport",
                           url=url_for("certificates.transport_details"))


@bp.post("/certificates/<int:cert_id>/copy")
@qualification_required
def copy(cert_id):
    """复制: a new draft with a new number; everything but the invoice number is copied."""
    source = _saved(cert_id)
    clone = services.copy_certificate(source, current_user, today())
    audit.record_certificate("certificate.copy", clone, original=source.cert_no)
    db.session.commit()
    flash(f"复制成功：新证书号 {clone.cert_no}（发票号未复制，请填写）。", "success")
    return redirect(url_for("certificates.edit", cert_id=clone.id))


@bp.get("/certificates/<int:cert_id>/delete")
@qualification_required
def delete_confirm(cert_id):
    """删除 asks first, once; `next` is where the clerk came from (the query list, or the certificate)."""
    cert = _saved(cert_id)
    if not states.can_delete(cert.status):
        return render_page_or_fragment("errors/error.html", "errors/_error.html", 409, title="无法删除",
                                       text=f"该证书当前状态为“{cert.status.label}”，只有暂存或退证的证书可以删除。")
    back = safe_next(request.args.get("next")) or url_for("certificates.edit", cert_id=cert.id)
    return render_page_or_fragment("certificates/delete.html", "certificates/delete.html", cert=cert,
                                   ctype=get_type(cert.cert_type), back=back)


@bp.post("/certificates/<int:cert_id>/delete")
@qualification_required
def delete(cert_id):
    """删除 a 暂存 / 退证 certificate for good, then back where the clerk came from."""
    cert = _saved(cert_id)
    number, own_page = cert.cert_no, url_for("certificates.edit", cert_id=cert.id)
    audit.record_certificate("certificate.delete", cert)
    services.delete_certificate(cert)
    db.session.commit()
    flash(f"证书 {number} 已删除。", "success")
    back = safe_next(request.form.get("next"))
    gone = back and (urlsplit(back).path == own_page or urlsplit(back).path.startswith(own_page + "/"))
    return redirect(back if back and not gone else url_for("queries.search"))


@bp.post("/certificates/<int:cert_id>/reissue")
@qualification_required
def reissue_save(cert_id):
    """重发证: 暂存 or 申报 with the 重发原因; the basic information and goods stay as issued."""
    cert = _saved(cert_id)
    ctype = get_type(cert.cert_type)
    if cert.kind != "reissue":
        abort(404)
    services.require_editable(cert, reissue_ok=True)
    errors = changes.save_reasons(cert, request.form.get("reason"), None)
    if errors:
        return CertificatePage(ctype, cert, change_errors=errors).render(422)
    return _after_save(ctype, cert)
