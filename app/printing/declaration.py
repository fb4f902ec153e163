"""What an origin declaration (原产地声明, GACC Order 254) says. Pure.

An approved exporter's declaration is printed on A4 and attached to the invoice (standard format) or printed
onto the invoice itself (overlay): the declaration serial, the agreement's fixed text (参数表 协定
`declaration_text`) with the approval number in place of `{approval_no}`, the goods with their HS code
(6 digits), origin criterion and, under RCEP, the RCEP country of origin, the invoice, place and date and the
exporter's name. There is no box for an authority: nobody certifies a declaration.
"""
from dataclasses import dataclass

from .boxes import Layout
from .content import CriterionAttrs, Name, goods_rows, no_attrs

MISSING_APPROVAL = "……"  # printed where the enterprise has no approval for the agreement on the date


@dataclass
class Declaration:
    title: str
    agreement: str
    serial: str
    text: str
    exporter: str
    importer: str
    invoice: str
    place_date: str
    exporter_name: str
    rows: list[dict]


def statement(template: str, approval_no: str | None) -> str:
    """The fixed text with the approval number filled in (only `{approval_no}` is replaced: the text is data an
    administrator edits, other braces stay as typed)."""
    return (template or "").replace("{approval_no}", approval_no or MISSING_APPROVAL).strip()


def place(cert, name: Name) -> str:
    """Where the declaration is made: the issuing authority's place when the declaration names one, else the city
    and country at the end of the exporter's address ("…, SHANGHAI, CHINA" → "SHANGHAI, CHINA")."""
    authority = name("authority_place", getattr(cert, "issuing_authority", None))
    if authority:
        return authority
    parts = [p.strip() for p in (cert.exporter_address or "").split(",") if p.strip()]
    return ", ".join(parts[-2:]) if parts else "CHINA"


def build(cert, ctype, layout: Layout, name: Name, agreement_en: str, template: str, approval_no: str | None,
          criterion_attrs: CriterionAttrs = no_attrs) -> Declaration:
    invoice = " ".join(p for p in (cert.invoice_no or "", f"DATED {cert.invoice_date.isoformat()}"
                                   if cert.invoice_date else "") if p)
    when = cert.application_date.isoformat() if cert.application_date else ""
    return Declaration(
        title="ORIGIN DECLARATION", agreement=agreement_en, serial=cert.declaration_no or "",
        text=statement(template, approval_no),
        exporter="\n".join(p for p in (cert.exporter_name, cert.exporter_address) if p),
        importer="\n".join(p for p in (cert.importer_name, cert.importer_address) if p),
        invoice=invoice, place_date=", ".join(p for p in (place(cert, name), when) if p),
        exporter_name=cert.exporter_name or "", rows=goods_rows(cert, ctype, layout, name, criterion_attrs))
