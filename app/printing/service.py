"""Printing a certificate: 证书 (标准格式 / 套打格式), 申请书 (or 更改/重发申请书) and 发票, as PDF; an origin
declaration (原产地声明) prints as its own document (declaration.py)."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import segno
import sqlalchemy as sa
from flask import current_app, render_template

from app.accounts.approval_rules import approval_for
from app.accounts.approved_exporters import approvals_for
from app.certificates import limits
from app.certificates.agreement_data import agreement_attrs
from app.certificates.models import Certificate
from app.certificates.services import criterion_info
from app.certificates.states import Status
from app.certificates.types import get_type
from app.exceptions import Conflict
from app.extensions import db
from app.refdata import search
from app.timeutil import to_local

from . import application, content, declaration, fonts, render, typeset, verify
from .layouts import LAYOUTS, layout_for
from .models import PrintSettings
from .typeset import PAD  # noqa: F401 - where the overlay's first character lands (tests)

FORMATS = {"standard": "标准格式", "overlay": "套打格式"}


def kinds_for(cert: Certificate) -> dict[str, str]:
    ctype = get_type(cert.cert_type)
    if ctype is not None and ctype.is_declaration:
        return {"certificate": "原产地声明", "application": "申报单", "invoice": "发票"}
    form = "更改/重发申请书" if cert.kind != "new" else "申请书"
    return {"certificate": "证书", "application": form, "invoice": "发票"}


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


@dataclass(frozen=True)
class Source:
    """Where a printed certificate comes from, for what its data does not say: the overlay's printer offsets,
    the original certificate's issue date (更改/重发), the QR code's address and whose print workers it uses."""

    offsets: tuple[float, float]
    original_issue_date: str | None
    verify_url: str | None
    owner: object
    approval_no: str | None = None  # the approved exporter's number an origin declaration prints


def enterprise_source(cert: Certificate, base_url: str) -> Source:
    """The enterprise's own certificate: its printer offsets, its own original certificate."""
    ctype = get_type(cert.cert_type)
    return Source(offsets(cert.enterprise_id), _original_issue_date(cert),
                  verify_url(cert, base_url) if cert.status == Status.ISSUED else None, cert.enterprise_id,
                  approval_no(cert, ctype) if ctype is not None and ctype.is_declaration else None)


def document(cert: Certificate, kind: str, fmt: str, base_url: str, source: Source | None = None) -> bytes:
    """The PDF. `cert` is the enterprise's certificate, or one typed like it (the officer prints the declared
    certificate from what the authority received: authority/prints.py, with its own `source`); every print
    that is not of an issued certificate carries 非有效证书 on every page.

    :raises Conflict: nothing to print yet (never a blank form), or more goods rows than the cap.
    :raises render.RenderTimeout, render.RenderBusy, render.RenderError: see `render.html_to_pdf`.
    """
    refused = refusal(cert)
    if refused:
        raise Conflict(refused)
    source = source or enterprise_source(cert, base_url)
    ctype = get_type(cert.cert_type)
    layout = layout_for(ctype.layout)
    name = _namer(layout.language == "zh")
    issued = cert.status == Status.ISSUED
    printed = content.build(cert, ctype, layout, name, cert.issue_date.isoformat() if issued and cert.issue_date
                            else None, source.original_issue_date, criterion_info)
    font = fonts.cjk_font_path(current_app.config.get("PRINT_CJK_FONT"))
    common = {"cert": cert, "ctype": ctype, "printed": printed, "families": fonts.families(font),
              "watermark": not issued, "destination": name("country", cert.destination_country)}
    if kind == "application":
        html = _application(cert, ctype, printed, source.approval_no, common)
    elif kind == "invoice":
        totals = defaultdict(lambda: 0)
        for item in cert.items:
            if item.amount is not None:
                totals[item.currency or ""] += item.amount
        html = render_template("printing/invoice.pdf.html", totals=sorted(totals.items()), **common)
    elif ctype.is_declaration:
        html = _declaration(cert, ctype, layout, name, source.offsets if fmt == "overlay" else None,
                            source.approval_no, common)
    else:
        standard = fmt != "overlay"
        ox, oy = (0.0, 0.0) if standard else source.offsets
        url = source.verify_url if issued else None
        page = typeset.typeset(printed, layout, fonts.measurer(font), ctype.goods_fields, url)
        html = render_template(
            "printing/certificate.pdf.html", layout=layout, page=page, standard=standard, ox=ox, oy=oy,
            pad=typeset.PAD, cell_pad=typeset.CELL_PAD, qr_mm=typeset.QR_MM, tick_mm=typeset.TICK_MM,
            qr=segno.make(url, error="m").png_data_uri(scale=3) if url else None, **common)
    return render.html_to_pdf(html, font, owner=source.owner)


def approval_no(cert: Certificate, ctype) -> str | None:
    """The approved-exporter number a declaration prints: the one its serial was made with (after 申报), else the
    approval 申报 would use (accounts.approval_rules.approval_for, the one rule), None when there is none."""
    approvals = approvals_for(cert.enterprise_id)
    if cert.declaration_no:
        made_with = [a.approval_no for a in approvals if cert.declaration_no.startswith(a.approval_no)]
        if made_with:
            return max(made_with, key=len)
    found = approval_for(approvals, ctype.agreement, cert.application_date or date.today())
    return found.approval_no if found else None


def _application(cert: Certificate, ctype, printed, approval: str | None, common) -> str:
    at = to_local(cert.undertaking_at, current_app.config["DISPLAY_TIMEZONE"])
    form = application.build(cert, ctype, _namer(True), at.strftime("%Y-%m-%d %H:%M") if at else "",
                             (approval or "") if ctype.is_declaration else "")
    criteria = {row["item"]: row["criterion"] for row in printed.rows}
    return render_template("printing/application.pdf.html", app_form=form, criteria=criteria, **common)


def _declaration(cert: Certificate, ctype, layout, name, overlay_offsets: tuple[float, float] | None,
                 approval: str | None, common) -> str:
    standard = overlay_offsets is None
    entry = search.get("agreement", ctype.agreement) if ctype.agreement else None
    decl = declaration.build(cert, ctype, layout, name, entry.name_en if entry else "",
                             agreement_attrs(ctype.agreement).get("declaration_text", ""), approval,
                             criterion_info)
    columns = layout.column_widths(ctype.goods_fields)
    heads = [(c.title, round(w * 178 / 190, 2)) for c, w in columns]
    ox, oy = overlay_offsets or (0.0, 0.0)
    return render_template("printing/declaration.pdf.html", decl=decl, heads=heads, keys=[c.key for c, _w in columns],
                           rows_by_item={row["item"]: row for row in decl.rows}, standard=standard,
                           box=layout.box("statement"), ox=ox, oy=oy, **common)


def calibration(enterprise_id: int, layout_name: str = "general") -> bytes:
    """A page with a cross and a label at every box corner of the layout, shifted by the offsets."""
    layout = LAYOUTS[layout_name]
    font = fonts.cjk_font_path(current_app.config.get("PRINT_CJK_FONT"))
    ox, oy = offsets(enterprise_id)
    html = render_template("printing/calibration.pdf.html", layout=layout, ox=ox, oy=oy,
                           families=fonts.families(font))
    return render.html_to_pdf(html, font, owner=enterprise_id)
