"""打印: 证书 (标准 / 套打), 申请书, 发票 for every type; watermark; overlay positions; verification (issue: printing)."""
import io
import pathlib
import re

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from app.certificates import services
from app.certificates.models import Certificate
from app.certificates.types import TYPES
from app.exchange import outbox, polling
from app.extensions import db
from app.printing.layouts import LAYOUTS
from app.printing.models import PrintSettings
from app.printing.service import PAD
from tests.support import page_form

MM = 72 / 25.4


def fetch(client, cert_id, kind="certificate", fmt="standard"):
    response = client.get(f"/certificates/{cert_id}/print.pdf?kind={kind}&format={fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "application/pdf"
    return response.data


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text with every run of white space (line breaks included) as one space."""
    return " ".join(text.split())


def chars(pdf: bytes, page: int = 0) -> list[tuple[str, float, float, float, float]]:
    """Every drawn character of a page with its box in mm from the top-left corner: (char, left, top, right, bottom)."""
    text_page = pdfium.PdfDocument(pdf)[page].get_textpage()
    found = []
    for index in range(text_page.count_chars()):
        char = text_page.get_text_range(index, 1)
        if char.strip():
            left, bottom, right, top = text_page.get_charbox(index)
            found.append((char, left / MM, 297 - top / MM, right / MM, 297 - bottom / MM))
    return found


def ticked(pdf: bytes, label: str) -> bool:
    """Is the tick box of `label` marked: an X in the square just left of the label, on its line?"""
    drawn = chars(pdf)
    text = "".join(c[0] for c in drawn)
    found = [m.start() for m in re.finditer(re.escape(label.replace(" ", "")), text)]
    assert found, f"{label} is not printed"

    def marked(at: int) -> bool:
        _char, left, top, _right, bottom = drawn[at]
        return any(c == "X" and left - 7 < l < left and t < bottom and b > top for c, l, t, _r, b in drawn)
    return any(marked(at) for at in found)


def make_printable(app, make_certificate, code: str, items: int = 2, rows=(), **changes) -> int:
    """A certificate of type `code` with valid basic info (tests.http.test_certificate_types) and `items` goods;
    `rows`: changes to the goods rows in turn (the last one repeats), e.g. the origin criterion."""
    from tests.http.test_certificate_types import valid_basic, valid_row

    basic = {k: v for k, v in valid_basic(code, changes.pop("destination_country", None)).items()
             if k in TYPES[code].basic_fields or k == "destination_country"}
    cert_id = make_certificate(items=items, cert_type=code, **{**basic, **changes})
    row = valid_row(app, code)
    goods = {k: row[k] for k in ("origin_criterion", "criterion_aux", "importing_hs", "origin_country") if k in row}
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        for index, item in enumerate(cert.items):
            for key, value in {**goods, **(rows[min(index, len(rows) - 1)] if rows else {})}.items():
                setattr(item, key, value)
        db.session.commit()
    return cert_id


def issue(app, cert_id):
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
        outbox.send_due()
        polling.poll_all()
        assert db.session.get(Certificate, cert_id).status.value == "issued"


@pytest.mark.parametrize("code", sorted(TYPES))
def test_every_type_prints_every_kind(code, app, client, cast, log_in, make_certificate):
    cert_id = make_printable(app, make_certificate, code, 2, exporter_name="JIA TRADING CO., LTD.",
                             importer_name="HANS GMBH")
    log_in("clerk_a")
    with app.app_context():
        number = db.session.get(Certificate, cert_id).cert_no
    standard = text_of(fetch(client, cert_id))
    assert all(number in page for page in standard)
    first = standard[0]
    assert "JIA TRADING CO., LTD." in first and "HANS GMBH" in first and "TOOTHBRUSH" in first
    assert "非有效证书" in first
    if not TYPES[code].is_declaration:  # an origin declaration has no numbered boxes
        assert "1." in first  # box numbers and titles are drawn in the standard format
    overlay = text_of(fetch(client, cert_id, fmt="overlay"))[0]
    assert "JIA TRADING CO., LTD." in overlay and "非有效证书" in overlay
    application = text_of(fetch(client, cert_id, "application"))[0]
    assert "申请人郑重声明" in application and number in application and "牙刷" in application
    invoice = text_of(fetch(client, cert_id, "invoice"))[0]
    assert "COMMERCIAL INVOICE" in invoice and "INV-2026-001" in invoice and "USD 10000" in invoice


def test_the_standard_format_draws_boxes_and_the_overlay_does_not(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    pages = {fmt: pdfium.PdfDocument(fetch(client, cert_id, fmt=fmt))[0].render(scale=2).to_pil().convert("L")
             for fmt in ("standard", "overlay")}
    box = LAYOUTS["general"].boxes[0]  # 1. Exporter: its left border, half-way down
    for fmt, image in pages.items():
        width, height = image.size
        assert abs(width / height - 210 / 297) < 0.01
        x = round(box.x / 210 * width)
        column = [image.getpixel((x + dx, round((box.y + box.h / 2) / 297 * height))) for dx in (-1, 0, 1)]
        assert (min(column) < 100) is (fmt == "standard"), fmt


def _positions(pdf: bytes, needle: str) -> tuple[float, float]:
    found = []

    def visit(text, cm, tm, font, size):
        if needle in text and not found:
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert found, needle
    return found[0]


def test_overlay_items_land_within_a_millimetre_after_the_offsets(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    x0, y0 = _positions(fetch(client, cert_id, fmt="overlay"), "JIA TRADING")
    box = LAYOUTS["general"].boxes[0]
    assert abs(x0 / MM - (box.x + PAD)) < 1.0
    page_height = 297 * MM
    # below the box's printed title (the pre-printed paper has it), on the line where the standard format prints it
    assert 2.0 < (page_height - y0) / MM - (box.y + PAD) < 6.5  # the baseline of the first line
    xs, ys = _positions(fetch(client, cert_id), "JIA TRADING")
    assert abs(xs - x0) / MM < 0.3 and abs(ys - y0) / MM < 0.3
    with app.app_context():
        db.session.add(PrintSettings(enterprise_id=cast.ent_a, offset_x=2.5, offset_y=-1.5))
        db.session.commit()
    x1, y1 = _positions(fetch(client, cert_id, fmt="overlay"), "JIA TRADING")
    assert abs((x1 - x0) / MM - 2.5) < 1.0 and abs((y0 - y1) / MM - -1.5) < 1.0


def test_an_issued_certificate_has_no_watermark_and_a_working_qr_link(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    issue(app, cert_id)
    log_in("clerk_a")
    text = "\n".join(text_of(fetch(client, cert_id)))
    assert "非有效证书" not in text
    # the address is broken into lines after "/", "?" or "=" to stay inside its box
    url = re.search(r"http://localhost/verify/(\w+)\?k=([0-9a-f]{32})", re.sub(r"\s+", "", text))
    assert url, text
    for kind in ("application", "invoice"):
        assert "非有效证书" not in "\n".join(text_of(fetch(client, cert_id, kind)))
    client.post("/logout", data=page_form(client, "/"))
    page = client.get(f"/verify/{url.group(1)}?k={url.group(2)}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and url.group(1) in html and "JIA TRADING CO., LTD." in html and "TOOTHBRUSH" in html
    wrong = client.get(f"/verify/{url.group(1)}?k={'0' * 32}")
    assert wrong.status_code == 404 and "JIA TRADING" not in wrong.get_data(as_text=True)
    assert client.get(f"/verify/{url.group(1)}").status_code == 404


def test_an_unissued_certificate_cannot_be_verified_even_with_its_token(app, client, cast, make_certificate):
    from app.printing import verify

    cert_id = make_certificate(items=1)
    with app.app_context():
        number = db.session.get(Certificate, cert_id).cert_no
    key = verify.token(app.config["SECRET_KEY"], number)
    assert client.get(f"/verify/{number}?k={key}").status_code == 404


def test_a_certificate_without_goods_is_never_printed(client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=0)
    log_in("clerk_a")
    response = client.get(f"/certificates/{cert_id}/print.pdf?kind=certificate&format=standard")
    assert response.status_code == 409 and "不打印空白证书" in response.get_data(as_text=True)


def test_a_hundred_rows_continue_on_further_pages_with_the_number(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=100)
    log_in("clerk_a")
    with app.app_context():
        number = db.session.get(Certificate, cert_id).cert_no
    pages = text_of(fetch(client, cert_id))
    assert len(pages) > 2 and all(number in page for page in pages)
    assert "**********" in pages[-1] and "**********" not in pages[0]


def test_chinese_is_embedded_and_extractable(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1, cert_type="H", exporter_name="甲进出口有限公司", destination_country="TW")
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    assert "甲进出口有限公司" in text_of(pdf)[0] and "出口商" in text_of(pdf)[0]
    fonts = [f for page in PdfReader(io.BytesIO(pdf)).pages for f in page["/Resources"]["/Font"].values()]
    assert any("/FontFile2" in str(f.get_object().get("/DescendantFonts", [{}])[0].get_object().get("/FontDescriptor", {}).get_object())
               if "/DescendantFonts" in f.get_object() else False for f in fonts) or b"FontFile2" in pdf


def test_an_ecfa_certificate_prints_chinese_transport_details_and_units(app, client, cast, log_in,
                                                                        make_certificate):
    """海峡两岸 is in Chinese throughout (issue 14): 由上海经海运至基隆, quantities in 个, weights in 千克."""
    from tests.http.test_certificate_types import valid_basic

    basic = {k: v for k, v in valid_basic("H").items() if k != "destination_country"}
    cert_id = make_certificate(items=1, cert_type="H", **{**basic, "port_of_discharge": "TWKEL",
                                                            "transport_details": "由上海经海运至基隆"})
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    pathlib.Path("test-artifacts").mkdir(exist_ok=True)
    pdfium.PdfDocument(pdf)[0].render(scale=1.5).to_pil().save("test-artifacts/print-ecfa-chinese.png")
    text = text_of(pdf)[0]
    assert "由上海经海运至基隆" in text
    assert "20000 个" in text and "毛重 1200千克" in text and "PCS" not in text and "G.W." not in text


def test_the_print_dialog_and_preview(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    dialog = client.get(f"/certificates/{cert_id}/print").get_data(as_text=True)
    assert "请选择打印类型" in dialog and "标准格式" in dialog and "套打格式" in dialog and "发票" in dialog
    preview = client.get(f"/certificates/{cert_id}/print/preview?kind=invoice&format=standard").get_data(as_text=True)
    assert f'id="pdf-frame-{cert_id}"' in preview and "download=1" in preview
    # with JS the dialog and the preview come as fragments for the dialog over the certificate (no shell inside)
    fragment = client.get(f"/certificates/{cert_id}/print", headers={"HX-Request": "true", "HX-Target": "modal-content"})
    html = fragment.get_data(as_text=True)
    assert "请选择打印类型" in html and "<header" not in html and 'id="sidebar"' not in html and "<html" not in html
    answer = client.get(f"/certificates/{cert_id}/print/preview?kind=certificate&format=standard",
                        headers={"HX-Request": "true", "HX-Target": "modal-content"}).get_data(as_text=True)
    assert answer.lstrip().startswith('<div class="print-box print-preview"') and "<header" not in answer
    download = client.get(f"/certificates/{cert_id}/print.pdf?kind=certificate&format=overlay&download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    # the PDF may be framed by our own preview page only; pages themselves are never framed
    assert download.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert download.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    page = client.get(f"/certificates/{cert_id}/print")
    assert page.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert client.get(f"/certificates/{cert_id}/print.pdf?kind=bogus").status_code == 400


def test_another_enterprise_cannot_print(client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_b")
    assert client.get(f"/certificates/{cert_id}/print.pdf?kind=certificate&format=standard").status_code == 404


def test_printer_offsets_are_checked_and_saved(app, client, cast, log_in):
    log_in("clerk_a")
    token = page_form(client, "/print-settings")["csrf_token"]
    bad = client.post("/print-settings", data={"csrf_token": token, "offset_x": "abc", "offset_y": "99"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "请填写数字" in html and "偏移应在 -30 至 30 毫米之间" in html and 'value="abc"' in html
    assert client.post("/print-settings", data={"csrf_token": token, "offset_x": "1.5", "offset_y": "-2"}).status_code == 302
    with app.app_context():
        row = db.session.get(PrintSettings, cast.ent_a)
        assert (float(row.offset_x), float(row.offset_y)) == (1.5, -2.0)
    calibration = client.get("/print-settings/calibration.pdf")
    assert "校准页" in text_of(calibration.data)[0]


HS_IN_THE_DESCRIPTION = sorted(code for code, ctype in TYPES.items() if "hs" not in {
    column.key for column, _width in LAYOUTS[ctype.layout].column_widths(ctype.goods_fields)})


@pytest.mark.parametrize("code", HS_IN_THE_DESCRIPTION)
def test_a_form_without_an_hs_column_carries_the_hs_digits_in_the_description(code, app, client, cast, log_in,
                                                                              make_certificate):
    """Form E (the importing Party's HS number), Pakistan and Singapore (6-digit HS), APTA, Form A: box 7/8 holds
    the HS digits under each item's description (issue 14: where the type requires it); the clerk types them once."""
    assert {"E", "P", "X"} <= set(HS_IN_THE_DESCRIPTION)
    cert_id = make_printable(app, make_certificate, code, 2)
    log_in("clerk_a")
    text = flat(text_of(fetch(client, cert_id))[0])
    assert text.count("HS: 960321") == 2, text  # stored as 9603.21: the digits only
