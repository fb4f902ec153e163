"""打印 on 审核工作台 (issue 18 item 1): the officer prints what he reviews, from the declaration as received, with
the clerk's print rules: 证书 (标准/套打), 申请书, 发票; 非有效证书 on every page until 审核通过; another
authority's officer sees nothing."""
import pathlib
import re

import pypdfium2 as pdfium

import sqlalchemy as sa

from app.authority.models import Declaration
from app.certificates.models import Certificate
from app.extensions import db
from tests.http.test_exchange import decl_form, declared, manual_review, officer, round_trip  # noqa: F401
from tests.http.test_printing import flat, text_of
from tests.support import page_form

KINDS = [("certificate", "standard"), ("certificate", "overlay"), ("application", "standard"),
         ("invoice", "standard")]


def _declaration(app, make_certificate, **changes) -> tuple[int, int]:
    manual_review(app)
    cert_id = declared(app, make_certificate, **changes)
    round_trip(app)
    with app.app_context():
        return cert_id, db.session.scalar(sa.select(Declaration.id).order_by(Declaration.id.desc()))


def _pdf(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    assert response.headers["Content-Type"] == "application/pdf"
    return response.data


def _officer_pdf(client, decl_id, kind, fmt) -> str:
    return flat("\n".join(text_of(_pdf(client, f"/authority/declarations/{decl_id}/print.pdf?kind={kind}&format={fmt}"))))


def _clerk_pdf(client, cert_id, kind, fmt) -> str:
    return flat("\n".join(text_of(_pdf(client, f"/certificates/{cert_id}/print.pdf?kind={kind}&format={fmt}"))))


def _as(client, log_in, username):
    client.post("/logout", data=page_form(client, "/"))
    log_in(username)


def test_the_officer_prints_what_the_clerk_prints_with_the_watermark_until_approved(app, client, cast, log_in,
                                                                                      make_certificate, officer):
    cert_id, decl_id = _declaration(app, make_certificate)
    log_in("clerk_a")
    clerk = {(kind, fmt): _clerk_pdf(client, cert_id, kind, fmt) for kind, fmt in KINDS}
    _as(client, log_in, "officer_2200")
    with app.app_context():
        number = db.session.get(Certificate, cert_id).cert_no
    for kind, fmt in KINDS:
        text = _officer_pdf(client, decl_id, kind, fmt)
        assert "非有效证书" in text, (kind, fmt)
        assert number in text and "TOOTHBRUSH" in text.upper(), (kind, fmt)
        # the same document the clerk prints: the same words in the same order
        assert text == clerk[(kind, fmt)], (kind, fmt)
    # 审核通过: the watermark goes, the issue date and the QR code's address come
    client.post(f"/authority/declarations/{decl_id}/accept", data=decl_form(client, decl_id))
    assert client.post(f"/authority/declarations/{decl_id}/approve", data=decl_form(client, decl_id)).status_code == 302
    with app.app_context():
        issued_on = db.session.get(Declaration, decl_id).issue_date.isoformat()
    for kind, fmt in KINDS:
        text = _officer_pdf(client, decl_id, kind, fmt)
        assert "非有效证书" not in text, (kind, fmt)
    pdf = _pdf(client, f"/authority/declarations/{decl_id}/print.pdf?kind=certificate&format=standard")
    pathlib.Path("test-artifacts").mkdir(exist_ok=True)
    pdfium.PdfDocument(pdf)[0].render(scale=1.5).to_pil().save("test-artifacts/officer-print-issued-certificate.png")
    certificate = flat("\n".join(text_of(pdf)))
    assert issued_on in certificate
    assert re.search(rf"/verify/{number}\?k=[0-9a-f]{{32}}", certificate.replace(" ", "")), certificate


def test_the_declaration_page_offers_print_and_the_dialog_works_without_js(app, client, cast, log_in,
                                                                            make_certificate, officer):
    _cert_id, decl_id = _declaration(app, make_certificate)
    log_in("officer_2200")
    page = client.get(f"/authority/declarations/{decl_id}").get_data(as_text=True)
    assert f'href="/authority/declarations/{decl_id}/print"' in page and ">打印</a>" in page
    dialog = client.get(f"/authority/declarations/{decl_id}/print").get_data(as_text=True)
    assert "请选择打印类型" in dialog and "标准格式" in dialog and "套打格式" in dialog and "申请书" in dialog
    assert "打印设置" not in dialog  # the enterprise's printer offsets are not the officer's
    assert "未审核通过的证书每页都带“非有效证书”字样" in dialog and "返回审核" in dialog
    preview = client.get(f"/authority/declarations/{decl_id}/print/preview?kind=application&format=standard")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and f'id="pdf-frame-d{decl_id}"' in html
    assert f"/authority/declarations/{decl_id}/print.pdf?kind=application" in html and "download=1" in html
    # with JS: fragments for the dialog over the page, no shell inside
    fragment = client.get(f"/authority/declarations/{decl_id}/print",
                          headers={"HX-Request": "true", "HX-Target": "modal-content"}).get_data(as_text=True)
    assert "请选择打印类型" in fragment and "<header" not in fragment and "<html" not in fragment
    download = client.get(f"/authority/declarations/{decl_id}/print.pdf?kind=invoice&format=standard&download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get(f"/authority/declarations/{decl_id}/print.pdf?kind=bogus").status_code == 400


def test_another_authority_and_the_enterprises_cannot_print_it(app, client, cast, log_in, make_certificate,
                                                                 officer):
    _cert_id, decl_id = _declaration(app, make_certificate)
    urls = [f"/authority/declarations/{decl_id}/print",
            f"/authority/declarations/{decl_id}/print/preview?kind=certificate&format=standard",
            f"/authority/declarations/{decl_id}/print.pdf?kind=certificate&format=standard"]
    log_in("officer_sh")  # 3100: the declaration names 2200
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404 and b"TOOTHBRUSH" not in response.data, url
    for username in ("clerk_a", "admin_b"):
        _as(client, log_in, username)
        for url in urls:
            assert client.get(url).status_code in (403, 404), (username, url)


def test_printing_changes_nothing_at_the_authority(app, client, cast, log_in, make_certificate, officer):
    _cert_id, decl_id = _declaration(app, make_certificate)
    with app.app_context():
        before = db.session.get(Declaration, decl_id)
        state = (before.status, before.version, len(before.receipts))
    log_in("officer_2200")
    _officer_pdf(client, decl_id, "certificate", "overlay")
    with app.app_context():
        after = db.session.get(Declaration, decl_id)
        assert (after.status, after.version, len(after.receipts)) == state


def test_a_reissue_prints_the_original_and_its_issue_date_from_the_authoritys_records(app, client, cast, log_in,
                                                                                       make_certificate, officer):
    from app.certificates import services

    original_id = declared(app, make_certificate)
    round_trip(app)  # automatic review issues it
    with app.app_context():
        original = db.session.get(Certificate, original_id)
        assert original.status.value == "issued"
        original_no, issued_on = original.cert_no, original.issue_date.isoformat()
    manual_review(app)
    reissue_id = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, reissue_id)
        cert.kind, cert.original_cert_no, cert.reason = "reissue", original_no, "原证书遗失"
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
    round_trip(app)
    with app.app_context():
        decl_id = db.session.scalar(sa.select(Declaration.id).where(Declaration.kind == "reissue"))
    log_in("clerk_a")
    clerk = {kind: _clerk_pdf(client, reissue_id, kind, "standard") for kind in ("certificate", "application")}
    _as(client, log_in, "officer_2200")
    certificate = _officer_pdf(client, decl_id, "certificate", "standard")
    assert f"original Certificate of Origin No. {original_no} dated {issued_on}" in certificate
    assert certificate == clerk["certificate"]
    application = _officer_pdf(client, decl_id, "application", "standard")
    assert "重发证申请书" in application and original_no in application and "原证书遗失" in application
    assert application == clerk["application"]


def test_an_origin_declaration_prints_its_approval_number_for_the_officer(app, client, cast, log_in, officer):
    """The officer has no copy of the enterprise's approvals: the number is read from the declaration's serial."""
    from tests.http.test_agreements import approve, declaration
    from tests.support import GOODS_ROW, basic_for

    manual_review(app)
    approve(app, cast)
    log_in("clerk_a")
    cert_id = declaration(client)
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    client.post(f"/certificates/{cert_id}/goods", data={"csrf_token": token, **GOODS_ROW, "origin_criterion": "WO"})
    url = f"/certificates/{cert_id}"
    declared_ = client.post(url, data={**page_form(client, url), **basic_for("CH"), "action": "declare",
                                       "undertaking": "y"})
    assert declared_.status_code == 302
    round_trip(app)
    clerk = {kind: _clerk_pdf(client, cert_id, kind, "standard") for kind in ("certificate", "application")}
    assert "(approved exporter No. CH3100AE01)" in clerk["certificate"]
    with app.app_context():
        decl_id = db.session.scalar(sa.select(Declaration.id).where(Declaration.cert_type == "VS"))
    _as(client, log_in, "officer_2200")
    for kind in ("certificate", "application"):
        assert _officer_pdf(client, decl_id, kind, "standard") == clerk[kind], kind
