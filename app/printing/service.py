"""Printing a certificate: 证书 (标准格式 / 套打格式), 申请书 (or 更改/重发申请书) and 发票, as PDF."""
from collections import defaultdict

import segno
import sqlalchemy as sa
from flask import current_app, render_template

from app.certificates import limits
from app.certificates.changes import REASON_LABELS
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.certificates.types import get_type
from app.exceptions import Conflict
from app.extensions import db
from app.refdata import search

from . import content, fonts, render, verify
from .layouts import LAYOUTS, layout_for
from .models import PrintSettings

FORMATS = {"standard": "标准格式", "overlay": "套打格式"}
PAD = 1.2  # mm inside every box
HEAD_MM = 10  # the column titles at the top of the goods band


def kinds_for(cert: Certificate) -> dict[str, str]:
    application = "更改/重发申请书" if cert.kind != "new" else "申请书"
    return {"certificate": "证书", "application": application, "invoice": "发票"}


def offsets(enterprise_id: int) -> tuple[float, float]:
    row = db.session.get(PrintSettings, enterprise_id)
    return (float(row.offset_x or 0), float(row.offset_y or 0)) if row else (0.0, 0.0)


def _namer(zh: bool):
    def name(table: str, code: str | None) -> str:
        if not code:
            return ""
        if table in ("quantity_unit", "weight_unit"):  # English forms print the unit's code (PCS, KGS)
            entry = search.get(table, code) if zh else None
            return (entry.name_zh or code) if entry else code
        if table == "authority_place":
            entry = search.get("authority", code)
            if entry is None:
                return ""
            if zh:
                return entry.name_zh
            return entry.name_en.upper().replace(" CUSTOMS", "").strip() + ", CHINA"
        entry = search.get(table, code)
        if entry is None:
            return code
        return entry.name_zh if zh else entry.name_en.upper()
    return name


def verify_url(cert: Certificate, base_url: str) -> str:
    """The QR code's address: PUBLIC_BASE_URL when configured, never a Host header a client made up."""
    base = current_app.config.get("PUBLIC_BASE_URL") or base_url
    key = verify.token(current_app.config["SECRET_KEY"], cert.cert_no)
    return f"{base.rstrip('/')}/verify/{cert.cert_no}?k={key}"


def refusal(cert: Certificate) -> str | None:
    """Why the certificate is not printed (no goods, or more rows than the cap), or None."""
    if not cert.items:
        return "该证书尚无货物信息，不能打印：系统不打印空白证书。请先录入货物并暂存。"
    return limits.problem_for(len(cert.items))


def _original_issue_date(cert: Certificate) -> str | None:
    if not cert.original_cert_no:
        return None
    original = db.session.scalar(sa.select(Certificate.issue_date).where(
        Certificate.enterprise_id == cert.enterprise_id, Certificate.cert_no == cert.original_cert_no))
    return original.isoformat() if original else None


def document(cert: Certificate, kind: str, fmt: str, base_url: str) -> bytes:
    """The PDF.

    :raises Conflict: nothing to print yet (never a blank form), or more goods rows than the cap.
    :raises render.RenderTimeout, render.RenderBusy, render.RenderError: see `render.html_to_pdf`.
    """
    refused = refusal(cert)
    if refused:
        raise Conflict(refused)
    ctype = get_type(cert.cert_type)
    layout = layout_for(ctype.layout)
    zh = layout.language == "zh"
    name = _namer(zh)
    issued = cert.status == Status.ISSUED
    printed = content.build(cert, ctype, layout, name, cert.issue_date.isoformat() if issued and cert.issue_date
                            else None, _original_issue_date(cert))
    font = fonts.cjk_font_path(current_app.config.get("PRINT_CJK_FONT"))
    common = {"cert": cert, "ctype": ctype, "printed": printed, "families": fonts.families(font),
              "watermark": not issued, "destination": name("country", cert.destination_country)}
    if kind == "application":
        html = render_template("printing/application.pdf.html", title=kinds_for(cert)["application"],
                               reason_label=REASON_LABELS.get(cert.kind, "原因"),
                               authority=name("authority_place", cert.issuing_authority), **common)
    elif kind == "invoice":
        totals = defaultdict(lambda: 0)
        for item in cert.items:
            if item.amount is not None:
                totals[item.currency or ""] += item.amount
        html = render_template("printing/invoice.pdf.html", totals=sorted(totals.items()), **common)
    else:
        standard = fmt != "overlay"
        ox, oy = (0.0, 0.0) if standard else offsets(cert.enterprise_id)
        url = verify_url(cert, base_url) if issued else None
        html = render_template(
            "printing/certificate.pdf.html", layout=layout, columns=layout.column_widths(), standard=standard,
            ox=ox, oy=oy, pad=PAD, head=HEAD_MM, qr=segno.make(url, error="m").png_data_uri(scale=3) if url else None,
            verify_url=url, heading=ctype.name_en.upper() if not zh else "海峡两岸经济合作框架协议原产地证书",
            subheading="" if zh else "ISSUED IN THE PEOPLE'S REPUBLIC OF CHINA", **common)
    return render.html_to_pdf(html, font, owner=cert.enterprise_id)


def calibration(enterprise_id: int, layout_name: str = "general") -> bytes:
    """A page with a cross and a label at every box corner of the layout, shifted by the offsets."""
    layout = LAYOUTS[layout_name]
    font = fonts.cjk_font_path(current_app.config.get("PRINT_CJK_FONT"))
    ox, oy = offsets(enterprise_id)
    html = render_template("printing/calibration.pdf.html", layout=layout, ox=ox, oy=oy,
                           families=fonts.families(font))
    return render.html_to_pdf(html, font, owner=enterprise_id)
