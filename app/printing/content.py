"""What each box of a printed certificate says, and how the goods rows fall onto pages. Pure.

Texts come from the certificate, the registry and the conventions of FORMS.md (AVAILABLE UPON REQUEST,
CERTIFIED TRUE COPY on reissues, the description end marker, HS at 6 digits on the FTA forms).
"""
from dataclasses import dataclass, field
from typing import Callable

from app.certificates.describe import decimal_text, importer_box, producer_box

from .layouts import Layout

Name = Callable[[str, str | None], str]  # (table, code) → the English (or Chinese) name to print
DEFAULT_END_MARKER = "*" * 10


@dataclass
class Printed:
    boxes: dict[str, str]
    rows: list[dict[str, str]] = field(default_factory=list)  # the goods band flows onto further pages


def goods_rows(cert, ctype, layout: Layout, name: Name) -> list[dict[str, str]]:
    """One row per goods item; marks and invoice in the first row; the end marker after the last item."""
    widths = {c.key for c in layout.columns}
    real = [item for item in cert.items]
    rows = []
    invoice = "\n".join(p for p in (cert.invoice_no or "", cert.invoice_date.isoformat()
                                    if cert.invoice_date else "") if p)
    marker = ctype.end_marker or DEFAULT_END_MARKER
    for index, item in enumerate(real):
        description = item.description or ""
        if index == len(real) - 1 and not description.rstrip().endswith(marker):
            description = description.rstrip() + "\n" + marker
        quantity = " ".join(p for p in (decimal_text(item.quantity), name("quantity_unit", item.quantity_unit)) if p)
        if item.gross_weight is not None:
            weight = (decimal_text(item.gross_weight), name("weight_unit", item.weight_unit))
            quantity += "\n" + (" ".join(p for p in (*weight, "G.W.") if p) if layout.language == "en"
                                 else "毛重 " + "".join(p for p in weight if p))
        fob = f"{item.currency or ''} {decimal_text(item.amount)}".strip() if item.amount is not None else ""
        if "fob" not in widths and fob and (ctype.amount_required or layout.name in ("fta13", "form_x", "form_e")):
            quantity += "\n" + ("FOB " if layout.language == "en" else "离岸价 ") + fob
        hs = item.hs_code or ""
        if "importing_hs" in ctype.goods_fields and item.importing_hs:
            hs = item.importing_hs
        elif ctype.hs_min_digits >= 6:
            hs = hs[:6]
        criterion = " ".join(p for p in (item.origin_criterion, item.criterion_aux) if p)
        if "hs" not in widths and hs and not item.non_goods:  # forms without an HS column carry it in box 7
            description = description.replace("\n" + marker, "") + f"\nHS: {hs}" + (
                "\n" + marker if index == len(real) - 1 else "")
        if item.non_goods:
            quantity = hs = criterion = fob = ""
        rows.append({"item": str(item.position), "marks": (cert.marks or "") if index == 0 else "",
                     "description": description, "hs": hs, "criterion": criterion, "quantity": quantity,
                     "fob": fob, "invoice": invoice if index == 0 else ""})
    return rows


def boxes(cert, ctype, name: Name, issue_date: str | None, original_issue_date: str | None) -> dict[str, str]:
    """The text of every box but the goods."""
    zh = ctype.language == "zh"
    country = name("country", cert.destination_country)
    exporter = [cert.exporter_name, cert.exporter_address]
    if zh:
        exporter += [f"电话：{cert.exporter_phone}" if cert.exporter_phone else "",
                     f"传真：{cert.exporter_fax}" if cert.exporter_fax else "",
                     f"电子邮件：{cert.exporter_email}" if cert.exporter_email else ""]
    producer = producer_box(getattr(cert, "producer_name", None), getattr(cert, "producer_address", None),
                            None, bool(getattr(cert, "producer_confidential", False)))
    if not producer.strip():
        producer = "SAME" if not zh else "同出口商"
    transport = [cert.transport_details or ""]
    if cert.departure_date:
        transport.append(("离港日期：" if zh else "DEPARTURE DATE: ") + cert.departure_date.isoformat())
    remarks = []
    if cert.kind == "reissue" or cert.kind == "change_reissue":
        remarks.append(f"CERTIFIED TRUE COPY of the original Certificate of Origin No. {cert.original_cert_no} "
                       f"dated {original_issue_date or '—'}")
    if cert.kind in ("change", "change_reissue"):
        remarks.append(f"THIS CERTIFICATE REPLACES CERTIFICATE NO. {cert.original_cert_no}")
    if getattr(cert, "third_party_invoice", False):
        remarks.append("THIRD PARTY INVOICING")
    for text in (cert.special_terms, cert.remarks):
        if text:
            remarks.append(text)
    place = name("authority_place", cert.issuing_authority) or "CHINA"
    applied = cert.application_date.isoformat() if cert.application_date else ""
    if zh:
        declaration = (f"下列签署人声明，以上所列内容正确无误，所有货物产自中国，符合《海峡两岸经济合作框架协议》原产地规则。\n"
                       f"{place}　{applied}")
        certification = f"兹证明出口商声明正确无误。\n{place}　{issue_date or ''}"
    else:
        declaration = ("The undersigned hereby declares that the above details and statements are correct, that "
                       "all the goods were produced in CHINA and that they comply with the rules of origin "
                       f"applicable to {country or 'the importing country'}.\n{place}, {applied}")
        certification = ("It is hereby certified, on the basis of control carried out, that the declaration by "
                         f"the exporter is correct.\n{place}, {issue_date or ''}")
    ticks = ""
    if ctype.layout == "form_e":
        mark = lambda on: "[X]" if on else "[ ]"  # noqa: E731
        ticks = (f"{mark(False)} Issued Retroactively   {mark(False)} Movement Certificate\n"
                 f"{mark(getattr(cert, 'exhibition', False))} Exhibition   "
                 f"{mark(getattr(cert, 'third_party_invoice', False))} Third Party Invoicing")
    return {
        "exporter": "\n".join(p for p in exporter if p),
        "producer": producer,
        "consignee": importer_box(cert.importer_name, cert.importer_address, bool(getattr(cert, "exhibition", False)),
                                  getattr(cert, "exhibition_info", None)),
        "transport": "\n".join(p for p in transport if p),
        "destination": country,
        "origin": name("country", getattr(cert, "origin_country", None)),
        "official": "\n".join(remarks),
        "ticks": ticks,
        "declaration": declaration,
        "certification": certification,
    }


def build(cert, ctype, layout: Layout, name: Name, issue_date: str | None = None,
          original_issue_date: str | None = None) -> Printed:
    return Printed(boxes(cert, ctype, name, issue_date, original_issue_date), goods_rows(cert, ctype, layout, name))
