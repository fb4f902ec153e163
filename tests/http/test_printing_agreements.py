"""Printing the agreements exporters use today (issue 15): every type in every kind with its form's title, boxes,
criteria and tick boxes; RCEP back-to-back, RVC with FOB, retroactive and third-party certificates; the 2019
Form E; the seven newer FTAs; origin declarations by approved exporters."""
from datetime import date

import pytest

from app.accounts.models import ApprovedExporter
from app.certificates.models import Certificate
from app.certificates.types import TYPES
from app.extensions import db
from app.printing.layouts import layout_for
from tests.http.test_printing import fetch, flat, make_printable, text_of, ticked

TITLES = {  # the form's own title where the layout has one (the others print the type's English name)
    "RC": "REGIONAL COMPREHENSIVE ECONOMIC PARTNERSHIP AGREEMENT CERTIFICATE OF ORIGIN Form RCEP",
    "E": "ASEAN-CHINA FREE TRADE AREA PREFERENTIAL TARIFF CERTIFICATE OF ORIGIN (Combined Declaration and "
         "Certificate) FORM E",
    "H": "海峡两岸经济合作框架协议原产地证书",
    **{code: f"CERTIFICATE OF ORIGIN Form for the China-{name} Free Trade Agreement" for code, name in (
        ("GE", "Georgia"), ("MU", "Mauritius"), ("KH", "Cambodia"), ("NI", "Nicaragua"), ("EC", "Ecuador"),
        ("RS", "Serbia"), ("MV", "Maldives"))},
}
APPROVAL = "CN/AE/2200/2026/0001"


def approve(app, cast, agreements="S,I,MU,N,RCEP", approval_no=APPROVAL):
    with app.app_context():
        db.session.add(ApprovedExporter(enterprise_id=cast.ent_a, approval_no=approval_no, agreements=agreements,
                                        valid_from=date(2026, 1, 1), valid_until=date(2028, 12, 31)))
        db.session.commit()


def set_fields(app, cert_id, **values):
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        for key, value in values.items():
            setattr(cert, key, value)
        db.session.commit()


def criterion_of(app, cert_id) -> str:
    from app.printing.content import criterion_text

    with app.app_context():
        item = db.session.get(Certificate, cert_id).items[0]
        return criterion_text(item.origin_criterion, item.criterion_aux, item.criterion_extra, {})


@pytest.mark.parametrize("code", sorted(TYPES))
def test_it_prints_every_type_with_its_title_boxes_and_criteria(code, app, client, cast, log_in, make_certificate):
    ctype = TYPES[code]
    approve(app, cast)
    cert_id = make_printable(app, make_certificate, code, 2, transport_details="FROM SHANGHAI, CHINA BY SEA",
                             marks="N/M")
    if ctype.is_declaration:
        set_fields(app, cert_id, declaration_no=f"{APPROVAL}20261120-0007")
    log_in("clerk_a")
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        number, exporter = cert.cert_no, cert.exporter_name
    pages = text_of(fetch(client, cert_id))
    standard = flat(pages[0])
    assert all(number in page for page in pages)
    assert exporter in standard and "TOOTHBRUSH" in standard and "INV-2026-001" in standard
    if ctype.has_criteria:
        assert criterion_of(app, cert_id) in standard
    if ctype.hs_min_digits >= 6 and code != "H":
        assert "960321" in standard and "9603.21" not in standard
    overlay = flat(text_of(fetch(client, cert_id, fmt="overlay"))[0])
    assert exporter in overlay
    if ctype.is_declaration:
        assert "ORIGIN DECLARATION" in standard and f"approved exporter No. {APPROVAL}" in standard
        assert f"{APPROVAL}20261120-0007" in standard and "Certification" not in standard
        assert "official use" not in standard.lower()
        assert f"approved exporter No. {APPROVAL}" in overlay and "Description of goods" not in overlay
    else:
        title = TITLES.get(code, ctype.name_en.upper())
        assert title in standard, (title, standard[:600])
        assert title not in overlay  # the pre-printed paper has it
        assert ("第 1 页 共 1 页" if ctype.language == "zh" else "Page 1 of 1") in standard
        assert "MARKS" not in overlay.upper() or "N/M" in overlay
        assert "N/M" in standard and "FROM SHANGHAI, CHINA BY SEA" in standard
    application = flat(text_of(fetch(client, cert_id, "application"))[0])
    assert ctype.name in application and "申请人郑重声明" in application and "申请人承诺" in application
    assert number in application and "牙刷 TOOTHBRUSH" in application
    if not ctype.is_declaration:
        assert "签证机构 上海海关 领证机构 上海海关" in application and "签证机构 SHANGHAI" not in application
    invoice = flat(text_of(fetch(client, cert_id, "invoice"))[0])
    assert "COMMERCIAL INVOICE" in invoice and "INV-2026-001" in invoice


# ------------------------------------------------------------------ RCEP
BACK_TO_BACK = {"back_to_back": "y", "btb_cert_no": "JP-2026-RCEP-000123", "btb_cert_date": "2026-10-02",
                "btb_party": "JP", "btb_origin": "JP", "destination_country": "TH"}


def test_a_back_to_back_rcep_certificate_is_ticked_and_names_the_original(app, client, cast, log_in,
                                                                            make_certificate):
    cert_id = make_printable(app, make_certificate, "RC", 1, **BACK_TO_BACK)
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    text = flat(text_of(pdf)[0])
    assert ticked(pdf, "BACK-TO-BACK COO")
    assert not ticked(pdf, "THIRD-PARTY INVOICING") and not ticked(pdf, "ISSUED RETROACTIVELY")
    remarks = text.split("14. Remarks")[1]
    assert ("BACK-TO-BACK COO BASED ON ORIGINAL CERTIFICATE NO. JP-2026-RCEP-000123 DATED 2026-10-02, ISSUED BY "
            "JAPAN; ORIGINAL COUNTRY OF ORIGIN: JAPAN") in remarks
    overlay = fetch(client, cert_id, fmt="overlay")
    assert "JP-2026-RCEP-000123" in flat(text_of(overlay)[0])


def test_an_rcep_certificate_without_them_leaves_the_tick_boxes_empty(app, client, cast, log_in, make_certificate):
    cert_id = make_printable(app, make_certificate, "RC", 1, departure_date="2026-11-19")
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    assert not any(ticked(pdf, label) for label in ("BACK-TO-BACK COO", "THIRD-PARTY INVOICING",
                                                    "ISSUED RETROACTIVELY"))
    assert "BACK-TO-BACK COO BASED" not in flat(text_of(pdf)[0])


def test_an_rcep_row_with_rvc_shows_its_fob_value_and_country_of_origin(app, client, cast, log_in, make_certificate):
    rows = [{"origin_criterion": "CTC", "criterion_aux": None, "criterion_extra": "ACU", "origin_country": "JP"},
            {"origin_criterion": "RVC", "criterion_aux": "45", "origin_country": "CN", "amount": 4321}]
    cert_id = make_printable(app, make_certificate, "RC", 2, rows=rows, destination_country="JP")
    log_in("clerk_a")
    text = flat(text_of(fetch(client, cert_id))[0])
    goods = text.split("13. Invoice number(s) and date(s)")[1]
    first, second = goods.split("TWO THOUSAND", 2)[1:]
    assert "CTC ACU JAPAN" in first and "FOB" not in first
    assert "RVC 45% CHINA" in second and "FOB USD 4321" in second
    assert "Quantity (gross weight or other measurement), and value (FOB) where RVC is applied" in text
    assert "11. RCEP country of origin" in text and "9. HS code of the goods (6 digit-level)" in text


@pytest.mark.parametrize("departure, retroactive", [("2026-11-16", True), ("2026-11-17", False)])
def test_an_rcep_certificate_applied_for_late_is_marked_issued_retroactively(departure, retroactive, app, client,
                                                                            cast, log_in, make_certificate):
    """Applied 2026-11-20 (a Friday): four working days after a Monday departure is retroactive, three is not."""
    cert_id = make_printable(app, make_certificate, "RC", 1, departure_date=departure)
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    assert ticked(pdf, "ISSUED RETROACTIVELY") is retroactive
    assert f"DEPARTURE DATE: {departure}" in flat(text_of(pdf)[0])


def test_rcep_third_party_invoicing_is_ticked_with_the_company_in_remarks(app, client, cast, log_in,
                                                                         make_certificate):
    cert_id = make_printable(app, make_certificate, "RC", 1, third_party_invoice="y",
                             special_terms="ABC TRADING PTE. LTD., SINGAPORE", application_remarks="INV-1 2026-11-01",
                             producer_name="YI FACTORY", producer_confidential="y",
                             producer_description="TOOTHBRUSHES MADE IN NINGBO")
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    text = flat(text_of(pdf)[0])
    assert ticked(pdf, "THIRD-PARTY INVOICING")
    assert "THIRD-PARTY INVOICING: ABC TRADING PTE. LTD., SINGAPORE" in text.split("14. Remarks")[1]
    producer = text.split("2. Producer's name, address and country (if known)")[1].split("3. Importer")[0]
    assert "AVAILABLE UPON REQUEST" in producer and "YI FACTORY" not in text


# ------------------------------------------------------------------ Form E (2019)
def test_form_e_prints_the_2019_tick_boxes_and_rvc_with_its_value(app, client, cast, log_in, make_certificate):
    rows = [{"origin_criterion": "RVC", "criterion_aux": "40%"}, {"origin_criterion": "WO", "criterion_aux": None}]
    cert_id = make_printable(app, make_certificate, "E", 2, rows=rows, destination_country="TH",
                             exhibition="y", exhibition_info="BANGKOK FAIR, BITEC", third_party_invoice="y",
                             special_terms="ABC TRADING PTE. LTD., SINGAPORE", application_remarks="INV-1",
                             de_minimis="y", departure_date="2026-11-10", vessel_voyage="COSCO PRIDE V.1")
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    text = flat(text_of(pdf)[0])
    for label in ("Third Party Invoicing", "Exhibition", "Issued Retroactively", "De Minimis"):
        assert ticked(pdf, label), label
    assert not ticked(pdf, "Back-to-Back CO")
    goods = text.split("10. Number and date of invoices")[1]
    first, second = goods.split("TWO THOUSAND", 2)[1:]
    assert "RVC 40%" in first and "FOB USD 5000" in first
    assert "WO" in second and "FOB" not in second  # box 9: the value only where RVC is applied
    assert "THIRD PARTY INVOICING: ABC TRADING PTE. LTD., SINGAPORE" in second  # box 7, after the goods
    assert "BANGKOK FAIR, BITEC" in text and "Reference No." in text
    assert "VESSEL / FLIGHT / TRAIN NO.: COSCO PRIDE V.1" in text and "PORT OF DISCHARGE: LAEM CHABANG" in text


def test_a_form_e_back_to_back_certificate_names_the_original(app, client, cast, log_in, make_certificate):
    cert_id = make_printable(app, make_certificate, "E", 1, **{k: v for k, v in BACK_TO_BACK.items()
                                                                if k != "btb_origin"})
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    assert ticked(pdf, "Back-to-Back CO") and not ticked(pdf, "Issued Retroactively")
    assert "BACK-TO-BACK CO BASED ON ORIGINAL CERTIFICATE NO. JP-2026-RCEP-000123" in flat(text_of(pdf)[0])


# ------------------------------------------------------------------ the older forms say it in words
@pytest.mark.parametrize("code, words", [("K", "ISSUED RETROACTIVELY"), ("L", "ISSUED RETROSPECTIVELY")])
def test_a_retroactive_certificate_without_a_tick_box_says_so_in_its_remarks(code, words, app, client, cast, log_in,
                                                                            make_certificate):
    late = make_printable(app, make_certificate, code, 1, departure_date="2026-11-02")
    timely = make_printable(app, make_certificate, code, 1, departure_date="2026-11-19")
    log_in("clerk_a")
    assert words in flat(text_of(fetch(client, late))[0])
    assert words not in flat(text_of(fetch(client, timely))[0])


# ------------------------------------------------------------------ the newer FTAs
@pytest.mark.parametrize("code", ["GE", "MU", "KH", "NI", "EC", "RS", "MV"])
def test_a_newer_fta_certificate_names_its_agreement(code, app, client, cast, log_in, make_certificate):
    cert_id = make_printable(app, make_certificate, code, 1)
    log_in("clerk_a")
    text = flat(text_of(fetch(client, cert_id))[0])
    agreement = layout_for(TYPES[code].layout).agreement_en
    assert layout_for(TYPES[code].layout).name == f"fta_{code.lower()}"
    assert f"comply with the origin requirements specified in the {agreement} for the goods exported to" in text
    assert "9. HS code (6 digits)" in text and "10. Origin criterion" in text and "960321" in text


# ------------------------------------------------------------------ origin declarations
def test_an_rcep_origin_declaration_lists_the_goods_with_their_country_of_origin(app, client, cast, log_in,
                                                                               make_certificate):
    approve(app, cast, "RCEP")
    rows = [{"origin_criterion": "CTC", "origin_country": "CN"}, {"origin_criterion": "RVC", "criterion_aux": "40%",
                                                                   "origin_country": "JP"}]
    cert_id = make_printable(app, make_certificate, "VR", 2, rows=rows, destination_country="JP")
    set_fields(app, cert_id, declaration_no="CN/AE/2200/2026/0001-00042")
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    text = flat(text_of(pdf)[0])
    assert "ORIGIN DECLARATION (Regional Comprehensive Economic Partnership Agreement)" in text
    assert "Declaration No. CN/AE/2200/2026/0001-00042" in text
    assert f"(approved exporter No. {APPROVAL}) hereby declares" in text
    assert "RCEP country of origin" in text
    goods = text.split("RCEP country of origin", 1)[1]
    assert "960321 CTC CHINA" in goods and "960321 RVC 40% JAPAN" in goods
    assert "INV-2026-001 DATED 2026-11-18" in text and "SHANGHAI, CHINA, 2026-11-20" in text
    assert "JIA TRADING CO., LTD." in goods.split("(Place and date)")[1]
    assert "Certification" not in text and "Page 1 of 1" in text


def test_a_swiss_declaration_has_no_country_of_origin_column_and_prints_onto_the_invoice(app, client, cast, log_in,
                                                                                       make_certificate):
    approve(app, cast, "S")
    cert_id = make_printable(app, make_certificate, "VS", 1)
    serial = f"{APPROVAL.replace('/', '')}20261120001"
    set_fields(app, cert_id, declaration_no=serial)
    log_in("clerk_a")
    text = flat(text_of(fetch(client, cert_id))[0])
    assert "RCEP country of origin" not in text and "(China-Switzerland Free Trade Agreement)" in text
    assert ("The exporter of the products covered by this document (approved exporter No. CN/AE/2200/2026/0001) "
            "declares that, except where otherwise clearly indicated, these products are of Chinese preferential "
            "origin.") in text
    overlay = fetch(client, cert_id, fmt="overlay")
    on_invoice = flat(text_of(overlay)[0])
    assert f"Declaration No.: {serial}" in on_invoice and "TOOTHBRUSH" not in on_invoice
    from tests.http.test_printing import chars
    assert min(top for _c, _l, top, _r, bottom in chars(overlay) if bottom - top < 15) > 195  # the foot of the page


def test_a_declaration_without_a_valid_approval_leaves_the_number_open(app, client, cast, log_in, make_certificate):
    approve(app, cast, "I")  # not for Switzerland
    cert_id = make_printable(app, make_certificate, "VS", 1)
    log_in("clerk_a")
    text = flat(text_of(fetch(client, cert_id))[0])
    assert "(approved exporter No. ……)" in text
