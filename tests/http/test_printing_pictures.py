"""Page 1 of every layout since the manual, rendered to PNG in test-artifacts/ to be looked at (issue 15): standard,
overlay, issued (with the QR code) and, for RCEP and the declaration, the 申请书. What the pictures show is checked
by test_printing_quality.py (every text inside its box) and test_printing_agreements.py (the contents)."""
import pathlib
from datetime import date

import pypdfium2 as pdfium
import pytest

from app.accounts.models import ApprovedExporter
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.certificates.types import TYPES
from app.extensions import db
from tests.http.test_printing import fetch

ARTIFACTS = pathlib.Path("test-artifacts")
ROUTE = {"transport_details": "FROM SHANGHAI, CHINA TO TOKYO, JAPAN BY SEA, VESSEL/VOYAGE: COSCO PRIDE V.123E",
         "vessel_voyage": "COSCO PRIDE V.123E", "departure_date": "2026-11-10"}
PICTURES = {  # name: (type, destination, basic-info changes, goods changes)
    "rcep": ("RC", "JP", {**ROUTE, "back_to_back": "y", "btb_cert_no": "JP-2026-RCEP-000123",
                          "btb_cert_date": "2026-10-02", "btb_party": "JP", "btb_origin": "JP"},
             {"origin_criterion": "RVC", "criterion_aux": "45%", "origin_country": "CN"}),
    "form_e": ("E", "TH", {**ROUTE, "third_party_invoice": "y", "application_remarks": "INV-ORIG-1 2026-11-01",
                           "special_terms": "ABC TRADING PTE. LTD., SINGAPORE"},
               {"origin_criterion": "RVC", "criterion_aux": "40%"}),
    **{f"fta_{code.lower()}": (code, code, {}, {"origin_criterion": "WO"})
       for code in ("GE", "MU", "KH", "NI", "EC", "RS", "MV")},
    "declaration": ("VR", "JP", {}, {"origin_criterion": "CTC", "origin_country": "CN"}),
}


def render_png(pdf: bytes, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"print-{name}.pdf").write_bytes(pdf)
    pdfium.PdfDocument(pdf)[0].render(scale=2).to_pil().save(ARTIFACTS / f"print-{name}.png")


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_it_renders_page_one_of_each_new_layout(name, app, client, cast, log_in, make_certificate):
    code, destination, basic, goods = PICTURES[name]
    cert_id = make_certificate(items=3, cert_type=code, destination_country=destination, **basic)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        for item in cert.items:
            for key, value in goods.items():
                setattr(item, key, value)
        db.session.commit()
    if TYPES[code].is_declaration:
        with app.app_context():
            db.session.add(ApprovedExporter(enterprise_id=cast.ent_a, approval_no="CN/AE/2200/2026/0001",
                                            agreements="RCEP", valid_from=date(2026, 1, 1),
                                            valid_until=date(2028, 12, 31)))
            db.session.get(Certificate, cert_id).declaration_no = "CN/AE/2200/2026/0001-20261120-0042"
            db.session.commit()
    log_in("clerk_a")
    render_png(fetch(client, cert_id), name)
    render_png(fetch(client, cert_id, fmt="overlay"), name + "-overlay")
    if name in ("rcep", "declaration"):
        render_png(fetch(client, cert_id, "application"), name + "-application")
    with app.app_context():  # issued: no watermark, the QR code and its address in the heading box
        db.session.get(Certificate, cert_id).status = Status.ISSUED
        db.session.commit()
    render_png(fetch(client, cert_id), name + "-issued")
