"""打印 (manual 1.1 打印): 请选择打印类型, preview with 打印 / 下载, printer offsets, and /verify (public)."""
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.certificates.types import get_type
from app.exceptions import Conflict
from app.extensions import db
from app.web.htmx import render_page_or_fragment

from . import bp, service, verify
from .models import PrintSettings


def _choice(cert):
    kinds = service.kinds_for(cert)
    kind = request.args.get("kind", "certificate")
    fmt = request.args.get("format", "standard")
    if kind not in kinds or fmt not in service.FORMATS:
        abort(400)
    return kind, fmt if kind == "certificate" else "standard"


@bp.get("/certificates/<int:cert_id>/print")
@qualification_required
def dialog(cert_id):
    """请选择打印类型: 证书 / 申请书 / 发票; for 证书 the format."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    return render_page_or_fragment("printing/dialog.html", "printing/dialog.html", cert=cert,
                                   ctype=get_type(cert.cert_type), kinds=service.kinds_for(cert),
                                   formats=service.FORMATS)


@bp.get("/certificates/<int:cert_id>/print/preview")
@qualification_required
def preview(cert_id):
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    kind, fmt = _choice(cert)
    if not cert.items:
        return render_page_or_fragment("errors/error.html", "errors/_error.html", 409, title="不能打印",
                                       text="该证书尚无货物信息，不能打印：系统不打印空白证书。")
    pdf_url = url_for("printing.pdf", cert_id=cert.id, kind=kind, format=fmt)
    return render_page_or_fragment("printing/preview.html", "printing/preview.html", cert=cert, kind=kind,
                                   fmt=fmt, pdf_url=pdf_url, kinds=service.kinds_for(cert), formats=service.FORMATS)


@bp.get("/certificates/<int:cert_id>/print.pdf")
@qualification_required
def pdf(cert_id):
    """The PDF itself (inline, or as a download with ?download=1)."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    kind, fmt = _choice(cert)
    try:
        data = service.document(cert, kind, fmt, request.host_url)
    except Conflict as exc:
        return render_page_or_fragment("errors/error.html", "errors/_error.html", 409, title="不能打印",
                                       text=exc.message)
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{cert.cert_no}-{kind}-{fmt}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    # shown inside our own preview page, nowhere else
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/print-settings", methods=["GET", "POST"])
@qualification_required
def settings():
    """打印设置: x / y offsets (mm) of the overlay format for this enterprise's printer."""
    enterprise_id = current_user.enterprise_id
    row = db.session.get(PrintSettings, enterprise_id)
    errors, values = {}, {"offset_x": row.offset_x if row else 0, "offset_y": row.offset_y if row else 0}
    if request.method == "POST":
        for name in ("offset_x", "offset_y"):
            raw = request.form.get(name, "").strip() or "0"
            values[name] = raw
            try:
                value = Decimal(raw)
            except InvalidOperation:
                errors[name] = "请填写数字（毫米），如 1.5 或 -2"
                continue
            if not Decimal("-30") <= value <= Decimal("30"):
                errors[name] = "偏移应在 -30 至 30 毫米之间"
            values[name] = value
        if errors:
            return render_page_or_fragment("printing/settings.html", "printing/settings.html", 422, values=values,
                                           errors=errors)
        if row is None:
            row = PrintSettings(enterprise_id=enterprise_id)
            db.session.add(row)
        row.offset_x, row.offset_y = values["offset_x"], values["offset_y"]
        db.session.commit()
        flash("打印偏移已保存。", "success")
        return redirect(url_for("printing.settings"))
    return render_page_or_fragment("printing/settings.html", "printing/settings.html", values=values, errors=errors)


@bp.get("/print-settings/calibration.pdf")
@qualification_required
def calibration():
    response = make_response(service.calibration(current_user.enterprise_id))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'inline; filename="calibration.pdf"'
    return response


@bp.get("/verify/<cert_no>")
def verify_page(cert_no):
    """Public: an issued certificate's essentials for whoever holds the QR code; nothing for a wrong token."""
    cert = None
    if verify.valid(current_app.config["SECRET_KEY"], cert_no, request.args.get("k")):
        cert = db.session.scalar(sa.select(Certificate).where(Certificate.cert_no == cert_no,
                                                              Certificate.status == Status.ISSUED))
    if cert is None:
        return render_template("printing/verify.html", cert=None), 404
    return render_template("printing/verify.html", cert=cert, ctype=get_type(cert.cert_type))
