"""One large PDF must not stall every tenant's printing (issue 13, medium 3): a goods row cap per certificate
(保存, 复制, 申报, 打印), a time limit on rendering, and no process-wide lock between enterprises."""
import threading
import time
import urllib.error
import urllib.request

from app.certificates.models import Certificate, CertificateItem
from app.extensions import db
from app.printing import render
from app.settings.models import SystemSetting
from tests.support import GENERAL_BASIC, GOODS_ROW, HTMX, login, page_form

SECTION = {**HTMX, "HX-Target": "c1-goods-rows"}


def set_cap(app, cap: int) -> None:
    with app.app_context():
        db.session.merge(SystemSetting(key="certificate.max_goods_rows", value=str(cap)))
        db.session.commit()


def rows_of(app, cert_id) -> int:
    with app.app_context():
        return db.session.query(CertificateItem).filter_by(certificate_id=cert_id).count()


def _post(client, url, cert_id, data=None, headers=None):
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    return client.post(url, data={"csrf_token": token, **(data or {})}, headers=headers or {})


def give_to_enterprise_b(app, cast, cert_id) -> None:
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        cert.enterprise_id, cert.created_by_id = cast.ent_b, cast.clerk_b
        db.session.commit()


# ------------------------------------------------------------------ the cap
def test_it_refuses_a_new_row_over_the_cap_beside_the_table_and_keeps_what_was_typed(app, client, cast, log_in,
                                                                                     make_certificate):
    cert_id = make_certificate(items=3)
    set_cap(app, 3)
    log_in("clerk_a")
    typed = {**GOODS_ROW, "description": "FOUR HUNDRED (400) CTNS OF TOOTHPASTE"}
    plain = _post(client, f"/certificates/{cert_id}/goods", cert_id, typed)
    html = plain.get_data(as_text=True)
    assert plain.status_code == 422 and "<html" in html
    assert "每份证书最多 3 项货物（含非货物项），本证书已有 3 项，不能再添加。" in html
    assert "FOUR HUNDRED (400) CTNS OF TOOTHPASTE" in html
    fragment = _post(client, f"/certificates/{cert_id}/goods", cert_id, typed, SECTION)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 422 and "<html" not in html
    section = html.split(f'id="c{cert_id}-goods-rows"')[1]
    message = section.index("不能再添加")
    assert message < section.index("goods-table")  # above the table, in the section the markup swaps
    assert "FOUR HUNDRED (400) CTNS OF TOOTHPASTE" in section
    assert rows_of(app, cert_id) == 3


def test_it_refuses_to_copy_a_row_over_the_cap(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=2)
    set_cap(app, 2)
    log_in("clerk_a")
    with app.app_context():
        first = db.session.get(Certificate, cert_id).items[0].id
    response = _post(client, f"/certificates/{cert_id}/goods/{first}/action", cert_id, {"op": "copy"}, SECTION)
    assert response.status_code == 422 and "每份证书最多 2 项货物" in response.get_data(as_text=True)
    assert rows_of(app, cert_id) == 2
    set_cap(app, 3)
    assert _post(client, f"/certificates/{cert_id}/goods/{first}/action", cert_id, {"op": "copy"}).status_code == 302
    assert rows_of(app, cert_id) == 3


def test_a_certificate_over_the_cap_is_not_declared(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=4)
    set_cap(app, 3)  # lowered after the rows were typed
    log_in("clerk_a")
    url = f"/certificates/{cert_id}"
    response = client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "action": "declare", "undertaking": "y"})
    assert response.status_code == 422
    assert "本证书有 4 项，请删去 1 项（可另开一份证书申报）后再申报或打印" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Certificate, cert_id).status.value == "draft"


def test_a_certificate_over_the_cap_gets_the_message_and_no_pdf(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=4)
    set_cap(app, 3)
    log_in("clerk_a")
    message = "每份证书最多 3 项货物（含非货物项），本证书有 4 项"
    dialog = client.get(f"/certificates/{cert_id}/print", headers={**HTMX, "HX-Target": "modal-content"})
    assert dialog.status_code == 200 and message in dialog.get_data(as_text=True)
    preview = client.get(f"/certificates/{cert_id}/print/preview?kind=certificate&format=standard", headers=HTMX)
    assert preview.status_code == 409 and message in preview.get_data(as_text=True)
    for kind in ("certificate", "application", "invoice"):
        pdf = client.get(f"/certificates/{cert_id}/print.pdf?kind={kind}&format=standard")
        assert pdf.status_code == 409 and pdf.mimetype == "text/html" and message in pdf.get_data(as_text=True)
    set_cap(app, 4)
    assert client.get(f"/certificates/{cert_id}/print.pdf?kind=certificate&format=standard").mimetype == \
        "application/pdf"


# ------------------------------------------------------------------ the time limit
def test_a_render_past_the_time_limit_answers_the_timeout_message(app, client, cast, log_in, make_certificate,
                                                                   monkeypatch, caplog):
    big, small = make_certificate(items=150), make_certificate(items=1)
    log_in("clerk_a")
    assert client.get(f"/certificates/{small}/print.pdf?kind=certificate&format=standard").status_code == 200
    monkeypatch.setitem(app.config, "PRINT_TIMEOUT_SECONDS", 0.3)
    started = time.monotonic()
    response = client.get(f"/certificates/{big}/print.pdf?kind=certificate&format=standard")
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "打印内容过多，生成超时" in html and "0.3 秒" in html and "Traceback" not in html
    assert response.headers["Retry-After"] and response.headers["X-Frame-Options"] == "SAMEORIGIN"  # in the preview
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "script-src 'self'" in policy
    assert time.monotonic() - started < 10
    assert "stopped at the time limit" in caplog.text
    monkeypatch.setitem(app.config, "PRINT_TIMEOUT_SECONDS", 20)
    again = client.get(f"/certificates/{small}/print.pdf?kind=certificate&format=standard")
    assert again.status_code == 200 and again.mimetype == "application/pdf"  # the workers carry on


# ------------------------------------------------------------------ no lock between enterprises
def _fetch(url, cookie, results, name):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            results[name] = (answer.status, answer.headers["Content-Type"], time.monotonic())
    except urllib.error.HTTPError as exc:
        results[name] = (exc.code, exc.headers["Content-Type"], time.monotonic())


def test_a_big_certificate_does_not_make_another_enterprises_pdf_wait(app, client, cast, log_in, captchas,
                                                                      make_certificate, live_server, monkeypatch):
    set_cap(app, 300)
    big, small = make_certificate(items=300), make_certificate(items=1)
    give_to_enterprise_b(app, cast, small)
    log_in("clerk_a")  # two real logins; their cookies go with the requests over HTTP
    cookie_a = f"co_session={client.get_cookie('co_session').value}"
    other = app.test_client()
    assert login(other, captchas, "clerk_b").status_code == 302
    cookie_b = f"co_session={other.get_cookie('co_session').value}"
    # warm: the first print of the process starts the workers
    warm = {}
    _fetch(f"{live_server}/certificates/{small}/print.pdf?kind=certificate&format=standard", cookie_b, warm, "b")
    assert warm["b"][0] == 200

    big_rendering = threading.Event()
    original = render.html_to_pdf

    def spy(html, *args, **kwargs):
        if len(html) > 50_000:
            big_rendering.set()
        return original(html, *args, **kwargs)

    monkeypatch.setattr(render, "html_to_pdf", spy)
    results: dict = {}
    a = threading.Thread(target=_fetch, args=(f"{live_server}/certificates/{big}/print.pdf?kind=certificate"
                                              "&format=standard", cookie_a, results, "big"))
    a.start()
    assert big_rendering.wait(60)
    time.sleep(0.2)  # the big document has reached its worker
    _fetch(f"{live_server}/certificates/{small}/print.pdf?kind=certificate&format=standard", cookie_b, results,
           "small")
    small_done = time.monotonic()
    big_still_rendering = a.is_alive()
    a.join(120)
    assert results["small"][:2] == (200, "application/pdf")
    assert results["big"][:2] == (200, "application/pdf")
    assert big_still_rendering and results["small"][2] < results["big"][2], (small_done, results)


# ------------------------------------------------------------------ long documents in small tables
def test_a_long_invoice_repeats_its_heads_on_every_page_and_ends_with_the_totals(app, client, cast, log_in,
                                                                                  make_certificate):
    from tests.http.test_printing import fetch, text_of

    cert_id = make_certificate(items=120)
    log_in("clerk_a")
    with app.app_context():
        number = db.session.get(Certificate, cert_id).cert_no
    for kind, head, tail in (("invoice", "Description of goods", "TOTAL USD 600000"),
                             ("application", "商品名称（中英文）", "申请人承诺")):
        pages = text_of(fetch(client, cert_id, kind))
        assert len(pages) >= 4, kind
        for index, page in enumerate(pages, start=1):
            assert head in page and number in page, (kind, index)
            assert ("Page " if kind == "invoice" else "第 ") + str(index) in page, (kind, index)
        assert tail in " ".join(pages[-1].split()) and "120" in pages[-1]
