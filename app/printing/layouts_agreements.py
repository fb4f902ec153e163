"""Layouts of the forms since the manual (AGREEMENTS-2026.md): RCEP, the 2019 Form E, the newer FTAs and the
origin declaration. Pure data, built with `boxes.build`.

- **RCEP** (`rcep`): the 16 boxes as AGREEMENTS-2026.md lists them and the three tick boxes BACK-TO-BACK COO,
  THIRD-PARTY INVOICING, ISSUED RETROACTIVELY. Box 14 (remarks) spans the page under the goods; the tick boxes
  follow it. Their exact placement on the paper form is not in the references (unverified).
- **Form E, 2019** (`form_e`): boxes 1–12 of FORMS.md §3.3 and box 13 with the 2019 tick boxes (Third Party
  Invoicing, Exhibition, Back-to-Back CO, Issued Retroactively, De Minimis) across the foot; box 9 shows the
  FOB value only on rows whose criterion is RVC, as the 2019 form asks.
- **The newer FTAs** (`fta_ge` … `fta_mv`): the box lists of these forms are not in the references
  (unverified): each is the 14-box FTA form (FORMS.md §3.4) under its own agreement's title.
- **Origin declaration** (`declaration`): no boxes of a form; the goods columns of the printed declaration and
  the place of the declaration block when it is printed onto the invoice (overlay).
"""
from .boxes import BOTTOM, LEFT, RIGHT, Box, Column, Layout, build

CHINA = "Issued in THE PEOPLE'S REPUBLIC OF CHINA"
HEAD = ("heading", "", "", 3)

RCEP_OFFICIAL = ("□ Preferential tariff treatment given\n□ Preferential tariff treatment not given "
                 "(please state reason/s)\n\n\n.......................................................\n"
                 "Signature of authorised signatory of the Customs Authority of the importing country")
RCEP = build(
    "rcep",
    [("exporter", "1", "Exporter's name, address and country", 26),
     ("producer", "2", "Producer's name, address and country (if known)", 22),
     ("consignee", "3", "Importer's or consignee's name, address and country (if known)", 24),
     ("transport", "4", "Means of transport and route (if known)", 32)],
    [("heading", "", "", 48), ("official", "5", "For official use", 56, RCEP_OFFICIAL)],
    [("item", "6", "Item number", 9), ("marks", "7", "Marks and numbers on packages", 19),
     ("description", "8", "Number and kind of packages; and description of goods", 0),
     ("hs", "9", "HS code of the goods (6 digit-level)", 15), ("criterion", "10", "Origin conferring criterion", 17),
     ("origin_country", "11", "RCEP country of origin", 16),
     ("quantity", "12", "Quantity (gross weight or other measurement), and value (FOB) where RVC is applied", 27),
     ("invoice", "13", "Invoice number(s) and date(s)", 23)],
    [("declaration", "15", "Declaration by the exporter or producer", 1), ("certification", "16", "Certification", 1)],
    goods=(114.0, 212.0), below=(("remarks", "14", "Remarks", 24.0), ("ticks", "", "", 8.0)),
    title=("REGIONAL COMPREHENSIVE ECONOMIC", "PARTNERSHIP AGREEMENT", "CERTIFICATE OF ORIGIN", "Form RCEP"),
    subtitle=CHINA, head_mm=16.0, fob_only_rvc=True,
    ticks=(("back_to_back", "BACK-TO-BACK COO"), ("third_party_invoice", "THIRD-PARTY INVOICING"),
           ("issued_retroactively", "ISSUED RETROACTIVELY")),
    agreement_en="Regional Comprehensive Economic Partnership Agreement")

FORM_E_OFFICIAL = ("□ Preferential Treatment Given Under ASEAN-China Free Trade Area Preferential Tariff\n"
                   "□ Preferential Treatment Not Given (Please state reason/s)\n\n\n"
                   ".......................................................\n"
                   "Signature of Authorised Signatory of the Importing Party")
FORM_E = build(
    "form_e",
    [("exporter", "1", "Products consigned from (Exporter's business name, address, country)", 30),
     ("consignee", "2", "Products consigned to (Consignee's name, address, country)", 30),
     ("transport", "3", "Means of transport and route (as far as known)", 34)],
    [("heading", "", "", 50), ("official", "4", "For Official Use", 44, FORM_E_OFFICIAL)],
    [("item", "5", "Item number", 10), ("marks", "6", "Marks and numbers on packages", 22),
     ("description", "7", "Number and type of packages, description of products (including quantity where "
      "appropriate and HS number of the importing Party)", 0),
     ("criterion", "8", "Origin Criteria (see Overleaf Notes)", 18),
     ("quantity", "9", "Gross weight or other quantity and value (FOB) only when RVC criterion is applied", 30),
     ("invoice", "10", "Number and date of invoices", 26)],
    [("declaration", "11", "Declaration by the exporter", 1), ("certification", "12", "Certification", 1)],
    goods=(104.0, 222.0), foot=(("ticks", "13", "", 13.0),),
    title=("ASEAN-CHINA FREE TRADE AREA", "PREFERENTIAL TARIFF CERTIFICATE OF ORIGIN",
           "(Combined Declaration and Certificate)", "FORM E"),
    subtitle=CHINA + " (Country)", number_label="Reference No.", head_mm=15.0, fob_only_rvc=True,
    ticks=(("third_party_invoice", "Third Party Invoicing"), ("exhibition", "Exhibition"),
           ("back_to_back", "Back-to-Back CO"), ("issued_retroactively", "Issued Retroactively"),
           ("de_minimis", "De Minimis")),
    agreement_en="ASEAN-China Free Trade Area")


def _fta(code: str, agreement: str) -> Layout:
    """The 14-box FTA form (FORMS.md §3.4) under `agreement`'s title. This form's own box list is unverified."""
    return build(
        f"fta_{code}",
        [("exporter", "1", "Exporter's name, address and country", 2.2),
         ("producer", "2", "Producer's name and address, if known", 2),
         ("consignee", "3", "Consignee's name, address and country", 2.2),
         ("transport", "4", "Means of transport and route (as far as known)", 2.2)],
        [HEAD, ("official", "5", "Remarks", 2)],
        [("item", "6", "Item number", 11), ("marks", "7", "Marks and numbers on packages", 22),
         ("description", "8", "Number and kind of packages; description of goods", 0),
         ("hs", "9", "HS code (6 digits)", 16), ("criterion", "10", "Origin criterion", 16),
         ("quantity", "11", "Gross weight, quantity or other measures", 24),
         ("invoice", "12", "Number and date of invoice", 24)],
        [("declaration", "13", "Declaration by the exporter", 1), ("certification", "14", "Certification", 1)],
        title=("CERTIFICATE OF ORIGIN", f"Form for the {agreement}"), subtitle=CHINA,
        head_mm=11.0, agreement_en=agreement)


NEWER_FTAS = tuple(_fta(code, f"China-{name} Free Trade Agreement") for code, name in (
    ("ge", "Georgia"), ("mu", "Mauritius"), ("kh", "Cambodia"), ("ni", "Nicaragua"), ("ec", "Ecuador"),
    ("rs", "Serbia"), ("mv", "Maldives")))

# The origin declaration (原产地声明): a document of its own on A4 (printing/declaration.pdf.html). `statement` is
# where the overlay prints the declaration onto the invoice: the foot of the page, above the bottom margin.
DECLARATION = Layout(
    "declaration", (Box("statement", "", "", LEFT, 200.0, RIGHT - LEFT, BOTTOM - 200.0),),
    (Column("item", "", "Item", 11), Column("description", "", "Description of goods", 0),
     Column("hs", "", "HS code", 18), Column("criterion", "", "Origin criterion", 24),
     Column("origin_country", "", "RCEP country of origin", 28, needs="origin_country")),
    title=("ORIGIN DECLARATION",), subtitle="", number_label="Declaration No.")

AGREEMENT_LAYOUTS = (RCEP, FORM_E, *NEWER_FTAS, DECLARATION)
