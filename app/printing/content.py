"""What each box of a printed certificate says, and how the goods rows fall onto pages. Pure.

Texts come from the certificate, the registry and the conventions of FORMS.md and AGREEMENTS-2026.md
(AVAILABLE UPON REQUEST, CERTIFIED TRUE COPY on reissues, the description end marker, HS at 6 digits on the
FTA forms, the RCEP back-to-back particulars in box 14, the tick boxes of RCEP and the 2019 Form E).
Code-table names come through `name`, criteria attributes through `criterion_attrs`: no database here.
"""
import re
from dataclasses import dataclass, field
from typing import Callable

from app.certificates.agreements import issued_retroactively
from app.certificates.describe import decimal_text, importer_box, producer_box

from .boxes import Layout

Name = Callable[[str, str | None], str]  # (table, code) → the English (or Chinese) name to print
CriterionAttrs = Callable[[str, str], dict]  # (agreement, criterion code) → its 参数表 attributes
DEFAULT_END_MARKER = "*" * 10
# Where the form has no tick box for it, a certificate applied for after shipment says so in its remarks
# (FORMS.md: Korea, Singapore "ISSUED RETROACTIVELY"; Costa Rica and Form A "ISSUED RETROSPECTIVELY").
RETROSPECTIVELY = frozenset({"G", "L"})


def no_attrs(_agreement: str, _code: str) -> dict:
    return {}


@dataclass
class Printed:
    boxes: dict[str, str]
    rows: list[dict[str, str]] = field(default_factory=list)  # the goods band flows onto further pages
    ticks: list[tuple[str, bool]] = field(default_factory=list)  # (label, marked) in the form's order
    title: tuple[str, ...] = ()


def criterion_text(code: str | None, aux: str | None, extra: str | None, attrs: dict) -> str:
    """"CTC", "RVC 45%", "CTC ACU", "W 96.03"; only the value where the form prints it alone (Pakistan "40%").

    A percentage typed without its sign (RVC 45) gets it.
    """
    aux = (aux or "").strip()
    if aux and attrs.get("needs_value") and re.fullmatch(r"\d+(\.\d+)?", aux):
        aux += "%"
    main = aux if attrs.get("print_value_only") and aux else " ".join(p for p in (code, aux) if p)
    return " ".join(p for p in (main, extra) if p)


def _applies_rvc(item, attrs: dict) -> bool:
    return item.origin_criterion == "RVC" or bool(attrs.get("needs_fob"))


def goods_rows(cert, ctype, layout: Layout, name: Name, criterion_attrs: CriterionAttrs = no_attrs) -> list[dict]:
    """One row per goods item; marks and invoice in the first row; the end marker after the last item."""
    keys = {c.key for c in layout.columns}
    real = list(cert.items)
    rows = []
    invoice = "\n".join(p for p in (cert.invoice_no or "", cert.invoice_date.isoformat()
                                    if cert.invoice_date else "") if p)
    marker = ctype.end_marker or DEFAULT_END_MARKER
    zh = layout.language == "zh"
    for index, item in enumerate(real):
        last = index == len(real) - 1
        attrs = criterion_attrs(ctype.agreement, item.origin_criterion) if ctype.agreement and item.origin_criterion \
            else {}
        description = (item.description or "").rstrip()
        hs = item.hs_code or ""
        if "importing_hs" in ctype.goods_fields and item.importing_hs:
            hs = item.importing_hs
        elif ctype.hs_min_digits >= 6:
            hs = hs[:6]
        if "hs" not in keys and hs and not item.non_goods:  # forms without an HS column carry it in the description
            description += f"\nHS: {hs}"
        if last and third_party_line(cert, layout):
            description += "\n" + third_party_line(cert, layout)
        if last and not description.endswith(marker):
            description += "\n" + marker
        quantity = " ".join(p for p in (decimal_text(item.quantity), name("quantity_unit", item.quantity_unit)) if p)
        if item.gross_weight is not None:
            weight = (decimal_text(item.gross_weight), name("weight_unit", item.weight_unit))
            quantity += "\n" + ("毛重 " + "".join(p for p in weight if p) if zh
                                else " ".join(p for p in (*weight, "G.W.") if p))
        fob = f"{item.currency or ''} {decimal_text(item.amount)}".strip() if item.amount is not None else ""
        if layout.fob_only_rvc:
            shows_fob = _applies_rvc(item, attrs)
        else:
            shows_fob = ctype.amount_required or layout.name in ("fta13", "form_x")
        if "fob" not in keys and fob and shows_fob:
            quantity += "\n" + ("离岸价 " if zh else "FOB ") + fob
        criterion = criterion_text(item.origin_criterion, item.criterion_aux, getattr(item, "criterion_extra", None),
                                   attrs)
        origin = name("country", getattr(item, "origin_country", None))
        if item.non_goods:
            quantity = hs = criterion = fob = origin = ""
        rows.append({"item": str(item.position), "marks": (cert.marks or "") if index == 0 else "",
                     "description": description, "hs": hs, "criterion": criterion, "quantity": quantity,
                     "fob": fob, "origin_country": origin, "invoice": invoice if index == 0 else ""})
    return rows


def ticks(cert, ctype, layout: Layout) -> list[tuple[str, bool]]:
    """The form's tick boxes, marked where they apply (and the type has them)."""
    state = {"back_to_back": bool(getattr(cert, "back_to_back", False)),
             "third_party_invoice": bool(getattr(cert, "third_party_invoice", False)),
             "exhibition": bool(getattr(cert, "exhibition", False)),
             "de_minimis": bool(getattr(cert, "de_minimis", False)),
             "issued_retroactively": issued_retroactively(cert.departure_date, cert.application_date)}
    return [(label, key in ctype.tick_boxes and state.get(key, False)) for key, label in layout.ticks]


def remarks(cert, ctype, layout: Layout, name: Name, original_issue_date: str | None) -> list[str]:
    """The remarks: reissue and change wording, back-to-back particulars, third-party invoicing, retroactive
    issue (where no tick box says it), then the special terms and the certificate's remarks."""
    lines = []
    if cert.kind in ("reissue", "change_reissue"):
        lines.append(f"CERTIFIED TRUE COPY of the original Certificate of Origin No. {cert.original_cert_no} "
                     f"dated {original_issue_date or '—'}")
    if cert.kind in ("change", "change_reissue"):
        lines.append(f"THIS CERTIFICATE REPLACES CERTIFICATE NO. {cert.original_cert_no}")
    if "back_to_back" in ctype.basic_fields and getattr(cert, "back_to_back", False):
        label = "BACK-TO-BACK COO" if layout.name == "rcep" else "BACK-TO-BACK CO"
        text = f"{label} BASED ON ORIGINAL CERTIFICATE NO. {cert.btb_cert_no or '—'}"
        if cert.btb_cert_date:
            text += f" DATED {cert.btb_cert_date.isoformat()}"
        if cert.btb_party:
            text += f", ISSUED BY {name('country', cert.btb_party)}"
        if getattr(cert, "btb_origin", None):
            text += f"; ORIGINAL COUNTRY OF ORIGIN: {name('country', cert.btb_origin)}"
        lines.append(text)
    third_party = bool(getattr(cert, "third_party_invoice", False))
    special = cert.special_terms
    if third_party and layout.name == "rcep":  # box 14 carries the invoicing company (特殊条款)
        lines.append("THIRD-PARTY INVOICING" + (f": {special}" if special else ""))
        special = None
    elif third_party and layout.name == "form_e":
        special = None  # ticked in box 13; the invoicing company goes in box 7 (third_party_line)
    elif third_party:
        lines.append("THIRD PARTY INVOICING")
    if (ctype.agreement and not ctype.is_declaration and "issued_retroactively" not in ctype.tick_boxes
            and issued_retroactively(cert.departure_date, cert.application_date)):
        lines.append("ISSUED RETROSPECTIVELY" if ctype.code in RETROSPECTIVELY else "ISSUED RETROACTIVELY")
    lines += [text for text in (special, cert.remarks) if text]
    return lines


def third_party_line(cert, layout: Layout) -> str:
    """Form E: the name and country of the company issuing the third-party invoice go in box 7, after the goods
    (ACFTA operational certification procedures, as FORMS.md §3.20 reads them; unverified for the 2019 form)."""
    if layout.name == "form_e" and getattr(cert, "third_party_invoice", False) and cert.special_terms:
        return f"THIRD PARTY INVOICING: {cert.special_terms}"
    return ""


def transport(cert, layout: Layout, name: Name) -> str:
    """The route; RCEP box 4 and Form E box 3 add departure date, vessel / flight / train and port of discharge."""
    zh = layout.language == "zh"
    lines = [cert.transport_details or ""]
    if cert.departure_date:
        lines.append(("离港日期：" if zh else "DEPARTURE DATE: ") + cert.departure_date.isoformat())
    if layout.name in ("rcep", "form_e"):
        vessel = (cert.vessel_voyage or "").strip()
        if vessel and vessel.upper() not in (cert.transport_details or "").upper():
            lines.append(f"VESSEL / FLIGHT / TRAIN NO.: {vessel.upper()}")
        port = name("port", cert.port_of_discharge)
        if port:
            lines.append(f"PORT OF DISCHARGE: {port}")
    return "\n".join(p for p in lines if p)


def statements(layout: Layout, country: str, place: str, applied: str, issue_date: str | None) -> tuple[str, str]:
    """The exporter's declaration and the certification, in the form's own wording."""
    to = country or "the importing country"
    if layout.language == "zh":
        return (f"下列签署人声明，以上所列内容正确无误，所有货物产自中国，符合《海峡两岸经济合作框架协议》原产地规则。\n"
                f"{place}　{applied}", f"兹证明出口商声明正确无误。\n{place}　{issue_date or ''}")
    if layout.name == "form_e":
        return ("The undersigned hereby declares that the above details and statements are correct; that all the "
                "products were produced in CHINA (Country) and that they comply with the origin requirements "
                "specified for these products in the Rules of Origin for the ACFTA for the products exported to "
                f"{to} (Importing Country).\n\n{place}, {applied}",
                "It is hereby certified, on the basis of control carried out, that the declaration by the exporter "
                f"is correct.\n\n{place}, {issue_date or ''}")
    if layout.name == "rcep":
        return ("The undersigned hereby declares that the above details and statement are correct and that the goods "
                "covered in this Certificate comply with the requirements specified in the Regional Comprehensive "
                f"Economic Partnership Agreement. These goods are exported to: {to}\n\n{place}, {applied}",
                "On the basis of control carried out, it is hereby certified that the information herein is correct "
                "and that the goods described comply with the origin requirements specified in the Regional "
                f"Comprehensive Economic Partnership Agreement.\n\n{place}, {issue_date or ''}")
    if layout.agreement_en:
        return ("The undersigned hereby declares that the above details and statements are correct, that all the goods "
                f"were produced in CHINA and that they comply with the origin requirements specified in the "
                f"{layout.agreement_en} for the goods exported to {to}.\n\n{place}, {applied}",
                "On the basis of control carried out, it is hereby certified that the information herein is correct "
                f"and that the goods described comply with the origin requirements specified in the "
                f"{layout.agreement_en}.\n\n{place}, {issue_date or ''}")
    return ("The undersigned hereby declares that the above details and statements are correct, that all the goods "
            "were produced in CHINA and that they comply with the rules of origin applicable to "
            f"{to}.\n{place}, {applied}",
            "It is hereby certified, on the basis of control carried out, that the declaration by the exporter is "
            f"correct.\n{place}, {issue_date or ''}")


def boxes(cert, ctype, layout: Layout, name: Name, issue_date: str | None,
          original_issue_date: str | None) -> dict[str, str]:
    """The text of every box but the goods and the heading."""
    zh = layout.language == "zh"
    exporter = [cert.exporter_name, cert.exporter_address]
    if zh:
        exporter += [f"电话：{cert.exporter_phone}" if cert.exporter_phone else "",
                     f"传真：{cert.exporter_fax}" if cert.exporter_fax else "",
                     f"电子邮件：{cert.exporter_email}" if cert.exporter_email else ""]
    producer = producer_box(getattr(cert, "producer_name", None), getattr(cert, "producer_address", None),
                            None, bool(getattr(cert, "producer_confidential", False)))
    if not producer.strip():
        producer = "SAME" if not zh else "同出口商"
    place = name("authority_place", cert.issuing_authority) or "CHINA"
    applied = cert.application_date.isoformat() if cert.application_date else ""
    country = name("country", cert.destination_country)
    declaration, certification = statements(layout, country, place, applied, issue_date)
    remark = "\n".join(remarks(cert, ctype, layout, name, original_issue_date))
    separate = layout.box("remarks") is not None  # RCEP: box 14 remarks, box 5 for the importing customs
    return {
        "exporter": "\n".join(p for p in exporter if p),
        "producer": producer,
        "consignee": importer_box(cert.importer_name, cert.importer_address, bool(getattr(cert, "exhibition", False)),
                                  getattr(cert, "exhibition_info", None)),
        "transport": transport(cert, layout, name),
        "destination": country,
        "origin": name("country", getattr(cert, "origin_country", None)),
        "official": "" if separate else remark,
        "remarks": remark if separate else "",
        "declaration": declaration,
        "certification": certification,
    }


def build(cert, ctype, layout: Layout, name: Name, issue_date: str | None = None,
          original_issue_date: str | None = None, criterion_attrs: CriterionAttrs = no_attrs) -> Printed:
    return Printed(boxes(cert, ctype, layout, name, issue_date, original_issue_date),
                   goods_rows(cert, ctype, layout, name, criterion_attrs), ticks(cert, ctype, layout),
                   layout.title or (ctype.name_en.upper(),))
