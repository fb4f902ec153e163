"""Print quality on every form (issue 15, item 7): no word broken inside an English word ("VESSE/L", "COSCO PRI
DE"), no Chinese punctuation at the start of a line, "Page x of y" on every page, the verification address and
QR code inside their box and every text inside its box, and the 申请书 naming the authority in Chinese."""
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from app.certificates import services
from app.certificates.models import Certificate
from app.certificates.types import TYPES
from app.extensions import db
from app.printing.layouts import LAYOUTS, layout_for
from app.printing.wrap import CANNOT_START
from tests.http.test_printing import MM, chars, fetch, flat, issue, make_printable, text_of
from tests.http.test_printing_agreements import set_fields

LONG = {  # long English texts in the boxes that break most often
    "exporter_address": "NO. 1588 ZHONGSHAN NORTH ROAD, BUILDING 7, PUTUO DISTRICT, SHANGHAI 200063, CHINA",
    "importer_name": "HANSEATIC HOUSEHOLD PRODUCTS INTERNATIONAL DISTRIBUTION GMBH",
    "transport_details": "FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA, VESSEL/VOYAGE: COSCO PRIDE V.0123E, "
                         "TRANSHIPMENT AT SINGAPORE",
    "remarks": "PLEASE NOTE THAT THE GOODS WERE SHIPPED IN TWO CONSIGNMENTS UNDER LETTER OF CREDIT NUMBER "
               "LC20261234567 ISSUED BY DEUTSCHE HANDELSBANK",
}
DESCRIPTION = ("TWO THOUSAND (2000) CTNS OF ELECTRIC TOOTHBRUSHES WITH RECHARGEABLE BATTERIES, CHARGING STANDS AND "
               "TRAVEL CASES")
ONE_TYPE_PER_LAYOUT = {}
for _code, _type in sorted(TYPES.items()):
    if not _type.is_declaration:
        ONE_TYPE_PER_LAYOUT.setdefault(layout_for(_type.layout).name, _code)


def words_of(*texts) -> set[str]:
    return {word for text in texts for word in text.split() if len(word) > 2}


def broken_words(pdf: bytes, *texts) -> list[str]:
    """The words of `texts` that do not come out of the PDF whole (broken across two lines)."""
    tokens = set(" ".join(text_of(pdf)).split())
    return sorted(w for w in words_of(*texts) if not any(w in token for token in tokens))


def with_long_texts(app, make_certificate, code, items=2, **changes):
    cert_id = make_printable(app, make_certificate, code, items, **changes)
    fields = {k: v for k, v in LONG.items() if k in TYPES[code].basic_fields}
    set_fields(app, cert_id, **fields)
    with app.app_context():
        for item in db.session.get(Certificate, cert_id).items:
            item.description = DESCRIPTION
        db.session.commit()
    return cert_id


@pytest.mark.parametrize("code, kind, fmt", [
    ("C", "certificate", "standard"), ("C", "certificate", "overlay"), ("C", "application", "standard"),
    ("C", "invoice", "standard"), ("RC", "certificate", "standard"), ("RC", "application", "standard"),
    ("E", "certificate", "standard"), ("H", "certificate", "standard"), ("H", "application", "standard"),
])
def test_it_never_breaks_an_english_word(code, kind, fmt, app, client, cast, log_in, make_certificate):
    cert_id = with_long_texts(app, make_certificate, code)
    log_in("clerk_a")
    pdf = fetch(client, cert_id, kind, fmt)
    texts = [v for k, v in LONG.items() if k in TYPES[code].basic_fields and (kind == "certificate" or k != "remarks")]
    if kind != "application":  # the 申请书 lists the goods by name
        texts.append(DESCRIPTION)
    assert broken_words(pdf, *texts) == []


def test_chinese_punctuation_never_starts_a_line(app, client, cast, log_in, make_certificate):
    address = "上海市普陀区中山北路一五八八号（七号楼）、（八号楼），邮编：二〇〇〇六三。" * 2
    remarks = ("本证书所列货物分两批出运（第一批：一千箱；第二批：一千箱），信用证号：“二〇二六一二三四”。"
               "运输途中于新加坡转运（转运港：新加坡）。请进口方海关予以核查。") * 3
    cert_id = make_printable(app, make_certificate, "H", 2)
    set_fields(app, cert_id, exporter_address=address, remarks=remarks, special_terms=remarks,
               undertaking_text=remarks, undertaking_at=datetime(2026, 11, 20, 2, 30))
    log_in("clerk_a")
    for kind in ("certificate", "application"):
        lines = [line.strip() for page in text_of(fetch(client, cert_id, kind)) for line in page.split("\n")]
        starts = [line for line in lines if line and line[0] in CANNOT_START]
        assert starts == [], (kind, starts)


def test_a_certificate_over_several_pages_says_page_x_of_y_on_each(app, client, cast, log_in, make_certificate):
    cert_id = make_printable(app, make_certificate, "C", 40)
    log_in("clerk_a")
    for kind, words in (("certificate", "Page {} of {}"), ("invoice", "Page {} of {}"),
                        ("application", "第 {} 页 共 {} 页")):
        pages = text_of(fetch(client, cert_id, kind))
        assert len(pages) >= 2, kind
        for number, page in enumerate(pages, 1):
            assert words.format(number, len(pages)) in page, (kind, number)
    ecfa = make_printable(app, make_certificate, "H", 40)
    pages = text_of(fetch(client, ecfa))
    assert len(pages) >= 2 and all(f"第 {n} 页 共 {len(pages)} 页" in p for n, p in enumerate(pages, 1))


def _images(pdf: bytes) -> list[tuple[float, float, float, float]]:
    """The images of page 1 as (left, top, right, bottom) in mm from the top-left corner."""
    page = pdfium.PdfDocument(pdf)[0]
    found = []
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = image.get_bounds()
        found.append((left / MM, 297 - top / MM, right / MM, 297 - bottom / MM))
    return found


@pytest.mark.parametrize("layout_name", sorted(ONE_TYPE_PER_LAYOUT))
def test_every_text_and_the_qr_code_stay_inside_their_boxes(layout_name, app, client, cast, log_in,
                                                              make_certificate):
    """Issued (the QR code and address print), with long texts, on a long public address: every character of
    page 1 lies inside a box of the form (0.4 mm inside its frame), the QR code inside the heading box."""
    app.config["PUBLIC_BASE_URL"] = "https://certificates-of-origin.customs-district-2200.example.gov.cn"
    code = ONE_TYPE_PER_LAYOUT[layout_name]
    cert_id = with_long_texts(app, make_certificate, code, status="issued")
    log_in("clerk_a")
    pdf = fetch(client, cert_id)
    layout = LAYOUTS[layout_name]
    inset = 0.4
    boxes = [(b.x + inset, b.y + inset, b.x + b.w - inset, b.y + b.h - inset) for b in layout.boxes]
    goods = layout.goods
    boxes.append((goods.x, goods.y, goods.x + goods.w, goods.y + goods.h))
    outside = [(c, round(l, 1), round(t, 1)) for c, l, t, r, b in chars(pdf)
               if not any(x0 <= l and r <= x1 and y0 <= t and b <= y1 for x0, y0, x1, y1 in boxes)]
    assert outside == []
    heading = layout.box("heading")
    images = _images(pdf)
    assert len(images) == 1
    left, top, right, bottom = images[0]
    assert heading.x < left and right < heading.x + heading.w and heading.y < top and bottom < heading.y + heading.h
    address = re.sub(r"\s+", "", " ".join(text_of(pdf)))
    assert "https://certificates-of-origin.customs-district-2200.example.gov.cn/verify/" in address


def test_the_application_form_names_the_authority_in_chinese_and_prints_the_undertaking(app, client, cast, log_in,
                                                                                          make_certificate):
    cert_id = make_printable(app, make_certificate, "RC", 1)
    issue(app, cert_id)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        undertaking, at = cert.undertaking_text, cert.undertaking_at
        assert undertaking == services.undertaking_text()
    log_in("clerk_a")
    text = flat(text_of(fetch(client, cert_id, "application"))[0])
    assert "签证机构 上海海关 领证机构 上海海关" in text and "签证机构 SHANGHAI" not in text
    local = at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(app.config["DISPLAY_TIMEZONE"]))
    assert f"申请人承诺（{local:%Y-%m-%d %H:%M} 确认）" in text
    assert flat(undertaking)[:40] in text
    for row in ("商品名称", "H.S.编码", "商品FOB总值 USD 5000", "最终目的地国家/地区", "贸易方式 一般贸易",
                "包装数量或毛重 2000 纸箱", "证书种类 新证"):
        assert row in text, row


def test_the_application_form_names_any_authority_by_its_chinese_name(app, client, cast, log_in, make_certificate):
    cert_id = make_printable(app, make_certificate, "C", 1)
    set_fields(app, cert_id, issuing_authority="0100", collecting_authority="0100")
    log_in("clerk_a")
    text = flat(text_of(fetch(client, cert_id, "application"))[0])
    assert "签证机构 北京海关 领证机构 北京海关" in text and "申请人承诺（尚未申报）" in text
