"""打印 (manual 1.1 打印): 请选择打印类型, preview with 打印 / 下载, printer offsets, and /verify (public)."""
import logging

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
from app.web.security import CSP

from . import bp, render, rules, service, verify
from .models import PrintSettings

log = logging.getLogger(__name__)
TIMEOUT = ("打印内容过多，生成超时：PDF 在 {seconds:g} 秒内未能生成，已停止。请减少货物行数（或分成几份证书）后重试；"
           "如货物不多，请稍后再试。")
BUSY = "打印任务较多，请稍后再试（每个企业同时生成的 PDF 数量有限，以免影响其他企业打印）。"
FAILED = "PDF 生成失败，请稍后再试；如仍失败，请联系系统管理员。"


def urls_for(cert) -> dict:
    """Where the dialog and the preview send the clerk (the officer's have their own: authority/print_views.py)."""
    return {"preview": url_for("printing.preview", cert_id=cert.id), "pdf": url_for("printing.pdf", cert_id=cert.id),
            "dialog": url_for("printing.dialog", cert_id=cert.id), "settings": url_for("printing.settings"),
            "back": (url_for("certificates.edit", cert_id=cert.id), "返回证书")}


def choice(cert):
    """The kind and format asked for (400 for any other)."""
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
    return render_page_or_fragment("printing/dialog.html", "printing/_dialog.html", cert=cert,
                                   ctype=get_type(cert.cert_type), kinds=service.kinds_for(cert),
                                   formats=service.FORMATS, refused=service.refusal(cert), urls=urls_for(cert),
                                   key=cert.id)


@bp.get("/certificates/<int:cert_id>/print/preview")
@qualification_required
def preview(cert_id):
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    kind, fmt = choice(cert)
    refused = service.refusal(cert)
    if refused:
        return render_page_or_fragment("errors/error.html", "errors/_error.html", 409, title="不能打印",
                                       text=refused)
    pdf_url = url_for("printing.pdf", cert_id=cert.id, kind=kind, format=fmt)
    return render_page_or_fragment("printing/preview.html", "printing/_preview.html", cert=cert, kind=kind,
                                   fmt=fmt, pdf_url=pdf_url, kinds=service.kinds_for(cert), formats=service.FORMATS,
                                   urls=urls_for(cert), key=cert.id)


@bp.get("/certificates/<int:cert_id>/print.pdf")
@qualification_required
def pdf(cert_id):
    """The PDF itself (inline, or as a download with ?download=1)."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    kind, fmt = choice(cert)
    return pdf_response(cert, kind, fmt, lambda: service.document(cert, kind, fmt, request.host_url),
                        urls_for(cert)["back"])


def pdf_response(cert, kind: str, fmt: str, make, back: tuple[str, str]):
    """The PDF `make()` renders, or the page saying why there is none (for the clerk's and the officer's print)."""
    try:
        data = make()
    except Conflict as exc:
        return _not_printed(409, exc.message, cert, back)
    except render.RenderTimeout:
        log.warning("print of certificate %s (%s rows) stopped at the time limit", cert.cert_no, len(cert.items))
        return _not_printed(503, TIMEOUT.format(seconds=_limit()), cert, back)
    except render.RenderBusy:
        return _not_printed(503, BUSY, cert, back)
    except render.RenderError as exc:
        log.error("print of certificate %s failed: %s", cert.cert_no, exc)
        return _not_printed(500, FAILED, cert, back)
    disposition = "attachment" if request.args.get("download") else "inline"
    return _pdf(data, f"{cert.cert_no}-{kind}-{fmt}.pdf", disposition)


def _limit() -> float:
    return float(current_app.config.get("PRINT_TIMEOUT_SECONDS") or 20)


def _framed_by_us(response):
    """Shown inside our own preview page (the dialog's iframe), nowhere else."""
    html = response.mimetype == "text/html"
    response.headers["Content-Security-Policy"] = (CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
                                                   if html else "frame-ancestors 'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


def _pdf(data: bytes, filename: str, disposition: str = "inline"):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return _framed_by_us(response)


def _not_printed(status: int, text: str, cert=None, back: tuple[str, str] | None = None):
    """Why there is no PDF: a small page that the preview's iframe (or a new window) shows in the PDF's place."""
    response = make_response(render_template("printing/not_printed.html", text=text, cert=cert, back=back),
                             status)
    if status == 503:
        response.headers["Retry-After"] = "10"
    return _framed_by_us(response)


@bp.route("/print-settings", methods=["GET", "POST"])
@qualification_required
def settings():
    """打印设置: x / y offsets (mm) of the overlay format for this enterprise's printer."""
    enterprise_id = current_user.enterprise_id
    row = db.session.get(PrintSettings, enterprise_id)
    errors, values = {}, {"offset_x": row.offset_x if row else 0, "offset_y": row.offset_y if row else 0}
    if request.method == "POST":
        for name in ("offset_x", "offset_y"):
            raw = request.form.get(name, "")
            value, errors[name] = rules.parse_offset(raw)
            values[name] = raw if errors[name] else value
        errors = {name: message for name, message in errors.items() if message}
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
    """校准页: a PDF with a mark at every box corner, shifted by the offsets."""
    try:
        data = service.calibration(current_user.enterprise_id)
    except (render.RenderTimeout, render.RenderBusy):
        return _not_printed(503, BUSY)
    except render.RenderError as exc:
        log.error("calibration page failed: %s", exc)
        return _not_printed(500, FAILED)
    return _pdf(data, "calibration.pdf")


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
