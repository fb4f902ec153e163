"""Input that must never reach a 500 (issue 13): huge ids and numbers, NUL in a path, decimals beyond the column,
50 KB searches, negative limits, deeply nested JSON, CRLF in redirect targets, oversized bodies and imports.

Each answer is a page or a message a person can read (404, 413, 422 beside the field, or the page with the value
bounded), what was typed stays in the field, and nothing is stored that the column cannot hold."""
import io
import time

import pytest
import sqlalchemy as sa

from app.certificates.models import Certificate, CertificateItem
from app.extensions import db
from app.refdata.models import CodeEntry
from tests.support import GOODS_ROW, HTMX, csrf_token, login, page_form

HUGE = ["2147483648", "9223372036854775808", "18446744073709551616", "1" + "0" * 40]


@pytest.fixture
def clerk(client, cast, log_in):
    log_in("clerk_a")
    return client


@pytest.fixture
def sysadmin(client, cast, log_in):
    log_in("root_admin")
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- integers beyond the id columns
@pytest.mark.parametrize("number", HUGE)
def test_it_answers_404_for_a_route_id_beyond_the_column(clerk, make_certificate, number):
    cert_id = make_certificate(items=1)
    for url in (f"/certificates/{number}", f"/certificates/{number}/detail", f"/certificates/{number}/print",
                f"/certificates/{cert_id}/goods/{number}/edit", f"/certificates/{number}/delete"):
        response = clerk.get(url)
        assert response.status_code == 404, url
        assert "页面不存在" in _text(response)
    token = page_form(clerk, f"/certificates/{cert_id}")["csrf_token"]
    assert clerk.post(f"/certificates/{number}/copy", data={"csrf_token": token}).status_code == 404
    # (a number of 10 digits beyond 2^31 fails the converter after the path matched: 405 rather than 404)
    assert clerk.post(f"/certificates/{cert_id}/goods/{number}", data={"csrf_token": token, **GOODS_ROW}
                      ).status_code in (404, 405)


def test_it_answers_404_for_the_largest_id_that_fits(clerk, cast):
    assert clerk.get(f"/certificates/{2 ** 31 - 1}").status_code == 404  # reaches the database, finds nothing


@pytest.mark.parametrize("number", HUGE + ["-9223372036854775809", "-2147483649", "1e30", "-1"])
def test_paging_and_keyset_parameters_beyond_the_column_are_ignored(clerk, app, captchas, make_certificate, number):
    make_certificate(items=1)
    page = clerk.get(f"/certificates?page={number}")
    assert page.status_code == 200 and "共 1 票" in _text(page)
    assert clerk.get(f"/ui/notices?shown={number}").status_code < 500
    sysadmin = app.test_client()
    assert login(sysadmin, captchas, "root_admin").status_code == 302
    for url in (f"/admin/refdata/country?page={number}", f"/audit?before={number}",
                f"/lookup/country/search?q=de&page={number}"):
        assert sysadmin.get(url).status_code == 200, url


def test_a_selection_with_ids_beyond_the_column_is_no_selection(clerk, make_certificate):
    make_certificate(items=1)
    token = page_form(clerk, "/certificates")["csrf_token"]
    response = clerk.post("/certificates/batch", data={"csrf_token": token, "op": "fetch", "ids": HUGE})
    assert response.status_code == 302
    assert "请先勾选" in _text(clerk.get(response.headers["Location"]))


def test_a_goods_row_with_a_package_count_beyond_the_column_is_refused_beside_the_field(clerk, make_certificate):
    cert_id = make_certificate(items=0)
    token = page_form(clerk, f"/certificates/{cert_id}")["csrf_token"]
    response = clerk.post(f"/certificates/{cert_id}/goods", headers={**HTMX, "HX-Target": "x"},
                          data={"csrf_token": token, **GOODS_ROW, "package_count": "99999999999"})
    assert response.status_code == 422
    html = _text(response)
    assert "数值超出范围：最大 2147483647" in html and 'value="99999999999"' in html
    with clerk.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CertificateItem)) == 0


# ---------------------------------------------------------------- decimals beyond the column
@pytest.mark.parametrize("field", ["quantity", "gross_weight", "net_weight", "amount"])
@pytest.mark.parametrize("typed, message", [
    ("1e309", "数值超出范围"), ("1E+1000", "数值超出范围"), ("100000000000000", "数值超出范围：整数部分最多 14 位"),
    ("Infinity", "请填写数字"), ("-Infinity", "请填写数字"), ("NaN", "请填写数字"), ("1e-400", "位小数"),
])
def test_a_number_beyond_its_column_is_refused_beside_the_field_and_kept(clerk, make_certificate, field, typed,
                                                                         message):
    cert_id = make_certificate(items=0)
    token = page_form(clerk, f"/certificates/{cert_id}")["csrf_token"]
    response = clerk.post(f"/certificates/{cert_id}/goods", headers={**HTMX, "HX-Target": "x"},
                          data={"csrf_token": token, **GOODS_ROW, field: typed})
    html = _text(response)
    if field == "amount" and typed == "100000000000000":
        message = None  # NUMERIC(18, 2) holds 16 whole digits: 10^14 fits
    if message:
        assert response.status_code == 422 and message in html and f'value="{typed}"' in html
    with clerk.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CertificateItem)) == (0 if message else 1)


def test_decimal_places_follow_the_column(clerk, make_certificate):
    cert_id = make_certificate(items=0)
    token = page_form(clerk, f"/certificates/{cert_id}")["csrf_token"]
    response = clerk.post(f"/certificates/{cert_id}/goods", headers={**HTMX, "HX-Target": "x"},
                          data={"csrf_token": token, **GOODS_ROW, "amount": "12.345", "net_weight": "1.23456"})
    html = _text(response)
    assert response.status_code == 422 and "最多 2 位小数" in html and "最多 4 位小数" in html
    response = clerk.post(f"/certificates/{cert_id}/goods", headers={**HTMX, "HX-Target": "x"}, data={
        "csrf_token": token, **GOODS_ROW, "amount": "1,234.50", "net_weight": "12345678901.2345"})
    assert response.status_code == 200, _text(response)[:300]
    with clerk.application.app_context():
        item = db.session.scalar(sa.select(CertificateItem))
        assert str(item.amount) == "1234.50" and str(item.net_weight) == "12345678901.2345"


def test_the_number_specs_match_their_columns():
    """One definition: each number field's precision and scale are its column's."""
    from app.certificates.fieldspecs import GOODS_FIELDS, MATERIAL_FIELDS
    from app.certificates.models import JapanMaterial

    for specs, model in ((GOODS_FIELDS, CertificateItem), (MATERIAL_FIELDS, JapanMaterial)):
        for spec in specs.values():
            column = model.__table__.columns[spec.name]
            if spec.kind == "number":
                assert (column.type.precision, column.type.scale) == (spec.digits, spec.places), spec.name
            elif spec.kind == "integer":
                assert isinstance(column.type, sa.Integer) and spec.maximum == 2 ** 31 - 1, spec.name


# ---------------------------------------------------------------- text: NUL, length
def test_a_nul_in_a_path_segment_is_no_page(clerk, cast):
    for url in ("/lookup/coun%00try?q=de", "/certificates/new/C%00", "/verify/C26%00?k=x", "/captcha/%00.png"):
        assert clerk.get(url).status_code == 404, url


@pytest.mark.parametrize("q", ["x" * 50_000, "a " * 25_000, "中" * 20_000, "%_" * 10_000])
def test_a_50_kb_search_is_bounded_and_quick(client, cast, log_in, q):
    log_in("root_admin")
    for url in ("/lookup/country", "/lookup/hs/search", "/admin/refdata/port", "/lookup/port"):
        started = time.perf_counter()
        response = client.get(url, query_string={"q": q})
        assert response.status_code == 200, url
        assert time.perf_counter() - started < 2, url
    token = csrf_token(_text(client.get("/lookup/country/search")))
    assert client.post("/lookup/country/search", data={"csrf_token": token, "q": q}).status_code == 200


def test_a_long_search_still_finds_by_its_beginning(clerk):
    response = clerk.get("/lookup/country", query_string={"q": "germany" + " " * 200 + "x" * 50_000})
    assert response.status_code == 200 and "DE" in _text(response)


@pytest.mark.parametrize("limit", ["-5", "0", "-9223372036854775809", "9223372036854775808", "1e3"])
def test_a_lookup_limit_is_kept_between_1_and_50(clerk, limit):
    response = clerk.get(f"/lookup/country?q=a&limit={limit}")
    assert response.status_code == 200
    assert 1 <= _text(response).count('role="option"') <= 50


def test_a_certificate_query_of_50_kb_is_bounded(clerk, make_certificate):
    make_certificate(items=1)
    for name in ("cert_no", "invoice", "goods", "destination", "creator"):
        response = clerk.get("/certificates", query_string={name: "x" * 50_000})
        assert response.status_code == 200, name


# ---------------------------------------------------------------- JSON attributes
@pytest.mark.parametrize("attrs, message", [
    ("[" * 100_000 + "]" * 100_000, "附加属性过长"),
    ('{"a":' * 50 + "1" + "}" * 50, "附加属性嵌套过深"),
    ("[" * 3000 + "]" * 3000, "嵌套过深"),
    ("[1, 2]", "请填写 JSON 对象"),
])
def test_deeply_nested_or_huge_attributes_are_refused_beside_the_field(app, sysadmin, attrs, message):
    with app.app_context():
        entry_id = db.session.scalar(sa.select(CodeEntry.id).where(CodeEntry.table == "transport_mode"))
    url = f"/admin/refdata/transport_mode/{entry_id}"
    token = csrf_token(_text(sysadmin.get(url)))
    response = sysadmin.post(url, data={"csrf_token": token, "code": "2", "name_zh": "水路运输", "sort": "1",
                                        "attrs": attrs, "active": "y"})
    assert response.status_code == 422
    assert message in _text(response)


def test_an_import_with_nested_attributes_lists_the_line(app, sysadmin):
    nested = '"' + "[" * 5000 + "]" * 5000 + '"'
    body = ("code,name_zh,name_en,category,active,sort,attrs,source\n"
            f"ZZ,测试,TEST,,1,1,{nested},t\nZY,测试,TEST,,1,99999999999,{{}},t\n").encode()
    response = _import(sysadmin, body)
    html = _text(response)
    assert response.status_code == 422
    assert "第 2 行：attrs：附加属性嵌套过深" in html and "第 3 行：sort 超出范围" in html
    with app.app_context():
        assert db.session.scalar(sa.select(CodeEntry).where(CodeEntry.code == "ZZ")) is None


# ---------------------------------------------------------------- CSV import limits
BOUNDARY = "co-test-boundary-7f3a"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _multipart(fields: dict, file_bytes: bytes) -> bytes:
    """A multipart body built by hand: the test client would spool a large one to a file it never closes."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + file_bytes
                 + f"\r\n--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def _import(client, body: bytes, table="country"):
    token = csrf_token(_text(client.get(f"/admin/refdata/{table}")))
    return client.post(f"/admin/refdata/{table}/import",
                       data={"csrf_token": token, "file": (io.BytesIO(body), "import.csv")})


def test_an_import_of_more_rows_than_allowed_is_refused_as_a_whole(app, sysadmin):
    app.config["REFDATA_IMPORT_MAX_ROWS"] = 100
    body = ("code,name_zh,name_en,category,active,sort,attrs,source\n"
            + "".join(f"Q{i},测{i},T{i},,1,1,{{}},t\n" for i in range(101))).encode()
    response = _import(sysadmin, body)
    assert response.status_code == 422 and "文件超过 100 行的上限，未导入任何数据" in _text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(CodeEntry).where(CodeEntry.code == "Q1")) is None
    assert _import(sysadmin, body.rsplit(b"Q100,", 1)[0]).status_code == 302  # 100 rows: imported


def test_the_largest_table_exported_whole_imports_within_the_default_limits(app, sysadmin):
    exported = sysadmin.get("/admin/refdata/hs/export.csv").get_data()
    assert len(exported) < app.config["REFDATA_IMPORT_MAX_BYTES"]
    assert exported.count(b"\n") - 1 <= app.config["REFDATA_IMPORT_MAX_ROWS"]
    token = csrf_token(_text(sysadmin.get("/admin/refdata/hs")))
    response = sysadmin.post("/admin/refdata/hs/import", data=_multipart({"csrf_token": token}, exported),
                             content_type=MULTIPART)
    assert response.status_code == 302, _text(response)[:500]


def test_an_import_larger_than_allowed_is_refused_with_a_message(app, sysadmin):
    app.config["REFDATA_IMPORT_MAX_BYTES"] = 256 * 1024
    body = b"code,name_zh,name_en,category,active,sort,attrs,source\n" + b"Q,x,y,,1,1,{},t\n" * 20_000
    response = _import(sysadmin, body)
    assert response.status_code == 422 and "文件超过 256 KB 的上限" in _text(response)


def test_an_import_with_a_field_beyond_the_csv_limit_is_a_message(sysadmin):
    body = b"code,name_zh\nQ," + b"x" * 200_000 + b"\n"
    response = _import(sysadmin, body)
    assert response.status_code == 422 and "CSV 格式有误" in _text(response)


# ---------------------------------------------------------------- request size
def test_a_request_body_over_the_limit_is_answered_413_in_chinese(app, clerk, make_certificate):
    assert app.config["MAX_CONTENT_LENGTH"] == 8 * 1024 * 1024  # the default (config.py)
    cert_id = make_certificate(items=0)
    token = page_form(clerk, f"/certificates/{cert_id}")["csrf_token"]
    body = _multipart({"csrf_token": token, **GOODS_ROW}, b"x" * (9 * 1024 * 1024))
    for headers in ({}, {**HTMX, "HX-Target": "x"}):
        response = clerk.post(f"/certificates/{cert_id}/goods", data=body, headers=headers, content_type=MULTIPART)
        html = _text(response)
        assert response.status_code == 413 and "内容过大" in html and ("<html" in html) == (not headers)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CertificateItem)) == 0


# ---------------------------------------------------------------- CRLF in redirect targets
CRLF = ["/\r\nSet-Cookie: evil=1", "/certificates%0d%0aSet-Cookie:evil=1", "/x\nLocation: https://evil.example"]


@pytest.mark.parametrize("target", CRLF)
def test_a_redirect_target_with_crlf_never_reaches_a_header(clerk, make_certificate, target):
    cert_id = make_certificate(items=1)
    token = page_form(clerk, "/certificates")["csrf_token"]
    responses = [
        clerk.post("/ui/menu", data={"csrf_token": token, "collapsed": "1", "next": target}),
        clerk.post(f"/certificates/{cert_id}/delete", data={"csrf_token": token, "next": target}),
        clerk.post("/certificates/batch", data={"csrf_token": token, "op": "print", "back": target}),
        clerk.post("/certificates/batch", data={"csrf_token": token, "op": "delete", "ids": str(cert_id),
                                                "back": "status=draft&x=" + target}),
        clerk.post("/certificates/batch", data={"csrf_token": token, "op": "fetch", "back": target}),
    ]
    page = clerk.get(f"/certificates/{cert_id + 1000}/delete", query_string={"next": target})
    assert page.status_code == 404
    for response in responses:
        assert response.status_code in (302, 200, 404), response.status_code
        for name, value in response.headers.items():
            assert "\r" not in value and "\n" not in value, (name, value)
        assert not [c for c in response.headers.getlist("Set-Cookie") if "evil" in c]
        assert not response.headers.get("Location", "/").startswith(("http", "//"))


def test_the_batch_keeps_the_list_conditions_it_came_from(clerk, make_certificate):
    make_certificate(items=1)
    token = page_form(clerk, "/certificates")["csrf_token"]
    response = clerk.post("/certificates/batch", data={"csrf_token": token, "op": "fetch",
                                                       "back": "status=draft&invoice=INV+1&bogus=1"})
    assert response.headers["Location"].endswith("/certificates?status=draft&invoice=INV+1")


# ---------------------------------------------------------------- /verify
def test_a_non_ascii_verification_token_shows_nothing(client, make_certificate):
    make_certificate(items=1, status="issued")
    for k in ("日本", "é", "\u202e", "x" * 5000):
        response = client.get("/verify/C263100000010001", query_string={"k": k})
        assert response.status_code == 404, k


# ---------------------------------------------------------------- headers
def test_a_nul_in_the_user_agent_is_not_stored_and_login_works(app, client, cast, captchas):
    from app.accounts.models import UserSession

    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0\x00 (junk)"
    assert login(client, captchas, "clerk_a").status_code == 302
    with app.app_context():
        agents = list(db.session.scalars(sa.select(UserSession.user_agent)))
    assert agents == ["Mozilla/5.0 (junk)"]


def test_a_basic_credential_with_a_nul_is_no_credential(app, client, cast):
    import base64

    app.config.update(APP_MODE="authority", EXCHANGE_GATEWAY="http")
    for user, password in ((b"sender\x00", b"x"), (b"sender", b"pass\x00word")):
        token = base64.b64encode(user + b":" + password).decode()
        for url, method in (("/exchange/inbox", "POST"), ("/exchange/receipts?after=0", "GET")):
            response = client.open(url, method=method, data=b"<x/>", headers={"Authorization": "Basic " + token})
            assert response.status_code == 401, (url, response.status_code)


def test_a_form_without_its_own_message_answers_in_chinese_and_no_field_is_cut_by_the_browser(app):
    # issue 18 item 5: a browser's maxlength cut pasted text silently; WTForms' defaults were English
    from flask_wtf import FlaskForm
    from wtforms import StringField, TextAreaField
    from wtforms.validators import Length

    class Form(FlaskForm):
        class Meta:
            csrf = False

        name = StringField("名称", [Length(max=3)])
        text = TextAreaField("说明", [Length(max=3)])

    with app.test_request_context("/", method="POST", data={"name": "abcdef", "text": "abcdef"}):
        form = Form()
        assert not form.validate()
        assert form.name.errors == ["字段长度不能超过 3 个字符。"]
        assert "maxlength" not in form.name() and "maxlength" not in form.text()
        assert 'value="abcdef"' in form.name()  # what was typed comes back whole
