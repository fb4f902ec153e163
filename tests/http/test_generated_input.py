"""Generated input against the certificate page's forms and parameters: whatever is typed or sent, the answer is
a page or a message (2xx, 3xx, 4xx), never a server error (5xx), and never a stack trace.

test_generated_requests.py does the same for every route of the app, as every role."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from tests.support import GENERAL_BASIC, GOODS_ROW, HTMX, page_form

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# What people paste: numbers with separators, exponents, full-width digits, emoji, control characters, huge text.
odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["1e309", "-1", "0", "1,000", "１２３", "NaN", "inf", "9" * 40, "2026-13-45", "2026-02-30",
                     "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "😀", "AS PER INVOICE", "JP", "日本", " ",
                     "9223372036854775808", "-9223372036854775809", "18446744073709551616", "2147483648", "1E+1000",
                     "Infinity", "-Infinity", "1e14", "12.34567", "/\r\nSet-Cookie: x=1", "[" * 3000]),
    st.text(min_size=1000, max_size=1200),
)


def _ok(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.fixture
def clerk(client, cast, log_in):
    log_in("clerk_a")
    return client


@SETTINGS
@given(values=st.dictionaries(st.sampled_from(sorted(BASIC_FIELDS) + ["cert_no", "version", "action", "_restore"]),
                              odd_text, max_size=6),
       htmx=st.booleans())
def test_the_basic_form_takes_anything(values, htmx, clerk, make_certificate):
    cert_id = make_certificate(items=1)
    for url in ("/certificates/new/C", f"/certificates/{cert_id}"):
        data = {**page_form(clerk, url), **GENERAL_BASIC, "action": "save", **values}
        _ok(clerk.post(url, data=data, headers={**HTMX, "HX-Target": "pane-2"} if htmx else {}))


@SETTINGS
@given(values=st.dictionaries(st.sampled_from(sorted(GOODS_FIELDS) + ["version", "action", "_prefix", "cert_type"]),
                              odd_text, max_size=6),
       kind=st.sampled_from(["goods", "materials"]), htmx=st.booleans())
def test_the_row_editor_takes_anything(values, kind, htmx, clerk, make_certificate):
    cert_id = make_certificate(items=1, cert_type="G", materials=1, destination_country="JP",
                              application_date="2019-03-01")  # GSP to Japan: before Japan ended it (2019-04)
    token = page_form(clerk, f"/certificates/{cert_id}")["csrf_token"]
    headers = {**HTMX, "HX-Target": "x"} if htmx else {}
    _ok(clerk.post(f"/certificates/{cert_id}/{kind}", data={"csrf_token": token, **GOODS_ROW, **values},
                   headers=headers))
    from app.certificates.models import Certificate
    from app.extensions import db

    with clerk.application.app_context():
        cert = db.session.get(Certificate, cert_id)
        row_id = (cert.items if kind == "goods" else cert.materials)[0].id
    _ok(clerk.post(f"/certificates/{cert_id}/{kind}/{row_id}", data={"csrf_token": token, **GOODS_ROW, **values},
                   headers=headers))
    _ok(clerk.post(f"/certificates/{cert_id}/{kind}/{row_id}/action",
                   data={"csrf_token": token, "op": values.get("action", "up"), "confirmed": "1"}, headers=headers))
    _ok(clerk.get(f"/certificates/{cert_id}/{kind}/{row_id}/edit?check={values.get('version', '1')}", headers=headers))


@SETTINGS
@given(values=st.dictionaries(st.sampled_from(["name_en", "name_cn", "package_count", "package_unit", "_prefix",
                                               "cert_type", "port_of_loading", "port_of_discharge",
                                               "transport_mode", "vessel_voyage"]), odd_text, max_size=5))
def test_generate_takes_anything(values, clerk, cast):
    token = page_form(clerk, "/certificates/new/C")["csrf_token"]
    for url in ("/certificates/goods/describe", "/certificates/transport-details"):
        response = clerk.post(url, data={"csrf_token": token, **values}, headers={**HTMX, "HX-Target": "x"})
        _ok(response)
        assert "<script>" not in response.get_data(as_text=True)


@SETTINGS
@given(params=st.dictionaries(st.sampled_from(["cert_no", "cert_type", "status", "date_from", "date_to",
                                               "destination", "invoice", "goods", "creator", "sort", "page",
                                               "kind", "format", "next"]), odd_text, max_size=6))
def test_query_print_and_delete_parameters_take_anything(params, clerk, make_certificate):
    from urllib.parse import urlencode

    cert_id = make_certificate(items=1)
    query = urlencode(params)
    for url in (f"/certificates?{query}", f"/certificates/{cert_id}/print/preview?{query}",
                f"/certificates/{cert_id}/delete?{query}", f"/certificates/{cert_id}/print?{query}"):
        _ok(clerk.get(url))
        _ok(clerk.get(url, headers={**HTMX, "HX-Target": "query-results"}))
