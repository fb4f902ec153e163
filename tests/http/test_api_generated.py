"""Generated JSON against the API's writing routes: whatever an ERP sends, the answer is JSON below 500 — never a
server error, never a stack trace (the style of test_generated_input.py, for JSON bodies)."""
import json

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

from app.accounts.models import User
from app.api import tokens as api_tokens
from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from app.extensions import db
from app.settings.models import SystemSetting
from tests.support import GENERAL_BASIC, GOODS_ROW

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

odd_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2 ** 80), max_value=2 ** 80),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
    st.sampled_from(["1e309", "-1", "1,000", "１２３", "2026-13-45", "2026-02-30", "\x00", "😀", "\ud800x",
                     "<script>alert(1)</script>", "AS PER INVOICE", "JP", "日本", "9" * 40, "x" * 1200,
                     "Infinity", "1E+1000", "' OR 1=1 --", "/\r\nSet-Cookie: x=1"]),
)
odd = st.recursive(odd_scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                   max_leaves=8)
keys = st.sampled_from(sorted(BASIC_FIELDS) + ["cert_type", "goods", "version", "cert_no", "reason",
                                               "change_content", "undertaking", "", "__proto__"])
goods_keys = st.sampled_from(sorted(GOODS_FIELDS) + ["version", "id", "item_no"])
RAW = [b"", b"null", b"[]", b'"x"', b"{", b'{"a":' * 3000, b"[" * 5000, b"\xff\xfe", b'{"quantity": NaN}',
       b'{"x": 1' + b"0" * 5000 + b"}", b'{"cert_type": "C", "goods": [' + b"{}," * 300 + b"{}]}"]


@pytest.fixture
def token(app, cast):
    """A token of enterprise A's clerk, with a rate the generated calls stay within."""
    with app.app_context():
        db.session.merge(SystemSetting(key="api.requests_per_minute", value="100000"))
        user = db.session.get(User, cast.clerk_a)
        _row, token = api_tokens.create(user.enterprise, name="fuzz", user_id=user.id,
                                        actor=db.session.scalar(sa.select(User).where(User.username == "admin_a")))
        db.session.commit()
        return token


def _ok(response):
    text = response.get_data(as_text=True)
    assert response.status_code < 500, text[:500]
    assert "Traceback" not in text
    assert response.mimetype == "application/json"
    if response.status_code >= 400:
        assert all(set(e) == {"path", "message"} for e in json.loads(text)["errors"])


def _send(client, method, path, token, body=None, raw=None):
    data = raw if raw is not None else json.dumps(body).encode("utf-8", "surrogatepass")
    return client.open("/api/v1" + path, method=method, data=data,
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def _draft(client, token) -> dict:
    response = _send(client, "POST", "/certificates", token, {"cert_type": "C", **GENERAL_BASIC, "goods": [GOODS_ROW]})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@SETTINGS
@given(values=st.dictionaries(keys, odd, max_size=6), rows=st.lists(st.dictionaries(goods_keys, odd, max_size=5),
                                                                    max_size=3))
def test_create_and_update_take_anything(values, rows, client, token):
    _ok(_send(client, "POST", "/certificates", token, {"cert_type": "C", **GENERAL_BASIC, **values}))
    _ok(_send(client, "POST", "/certificates", token, {"cert_type": "C", **GENERAL_BASIC, "goods": rows}))
    _ok(_send(client, "POST", "/certificates", token, values))
    cert = _draft(client, token)
    _ok(_send(client, "PATCH", f"/certificates/{cert['id']}", token, {"version": cert["version"], **values}))
    _ok(_send(client, "PATCH", f"/certificates/{cert['id']}", token, {"version": cert["version"], "goods": rows}))


@SETTINGS
@given(row=st.dictionaries(goods_keys, odd, max_size=6), declare=st.dictionaries(keys, odd, max_size=2))
def test_goods_rows_and_declare_take_anything(row, declare, client, token):
    cert = _draft(client, token)
    item = cert["goods"][0]
    _ok(_send(client, "POST", f"/certificates/{cert['id']}/goods", token, {**GOODS_ROW, **row}))
    _ok(_send(client, "PATCH", f"/certificates/{cert['id']}/goods/{item['id']}", token,
              {**row, "version": item["version"]}))
    _ok(_send(client, "PATCH", f"/certificates/{cert['id']}/goods/{item['id']}", token, row))
    _ok(_send(client, "POST", f"/certificates/{cert['id']}/declare", token, declare))


@pytest.mark.parametrize("raw", RAW)
@pytest.mark.parametrize("method, path", [("POST", "/certificates"), ("PATCH", "/certificates/{id}"),
                                          ("POST", "/certificates/{id}/goods"), ("POST", "/certificates/{id}/declare")])
def test_bodies_that_are_no_json_object_are_a_400(raw, method, path, client, token):
    cert = _draft(client, token)
    response = _send(client, method, path.format(id=cert["id"]), token, raw=raw)
    _ok(response)
    assert response.status_code in (400, 422) or (raw == b"" and path.endswith("/declare"))


@SETTINGS
@given(query=st.dictionaries(st.sampled_from(["cert_no", "cert_type", "status", "date_from", "date_to", "destination",
                                              "invoice", "goods", "creator", "sort", "page", "kind", "format", "x"]),
                             st.text(max_size=20).filter(lambda t: "\x00" not in t), max_size=4))
def test_the_list_and_the_pdf_take_any_parameters(query, client, token):
    cert = _draft(client, token)
    _ok(client.get("/api/v1/certificates", query_string=query, headers={"Authorization": f"Bearer {token}"}))
    response = client.get(f"/api/v1/certificates/{cert['id']}/pdf", query_string=query,
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500 and b"Traceback" not in response.data
    assert response.mimetype in ("application/pdf", "application/json")
