"""The JSON API (/api/v1) as an ERP uses it: tokens, tenants, bad input, rules, versions, idempotency, throttling,
and a certificate's whole life from 暂存 to 审核通过 and its PDF through the API alone."""
import io
import json
import logging

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.accounts.models import AuditLog, User
from app.api import tokens as api_tokens
from app.api.models import ApiIdempotency, ApiToken
from app.certificates.models import Certificate, CertificateItem, InitialValues
from app.certificates.services import UNDERTAKING_MISSING
from app.extensions import db
from app.settings.models import SystemSetting
from tests.support import GENERAL_BASIC, GOODS_ROW

BASE = "/api/v1"
BODY = {"cert_type": "C", **GENERAL_BASIC, "goods": [GOODS_ROW]}


@pytest.fixture
def make_token(app, cast):
    """make_token("clerk_a") → a new token of that user's enterprise, made by its admin."""
    def make(username="clerk_a", name="ERP"):
        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.username == username))
            admin = db.session.scalar(sa.select(User).where(User.enterprise_id == user.enterprise_id,
                                                            User.username.like("admin_%")))
            _row, token = api_tokens.create(user.enterprise, name=name, user_id=user.id, actor=admin)
            db.session.commit()
            return token
    return make


@pytest.fixture
def token(make_token):
    return make_token("clerk_a")


def call(client, method, path, token=None, body=None, headers=None, data=None):
    """An HTTP call as curl would make it: the token in the header, the body as JSON."""
    extra = {"Authorization": f"Bearer {token}"} if token else {}
    extra.update(headers or {})
    if body is not None:
        data, extra["Content-Type"] = json.dumps(body, ensure_ascii=False), "application/json"
    return client.open(BASE + path, method=method, data=data, headers=extra)


def errors(response) -> dict:
    """{path: message} of an error answer."""
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    return {e["path"]: e["message"] for e in response.get_json()["errors"]}


def created(client, token, **changes) -> dict:
    response = call(client, "POST", "/certificates", token, {**BODY, **changes})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def audit_rows(app, action):
    with app.app_context():
        return [(a.actor_name, a.target, json.loads(a.detail or "{}")) for a in db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))]


# ------------------------------------------------------------------ create
def test_it_creates_a_draft_with_its_goods_and_a_number(app, client, cast, token):
    response = call(client, "POST", "/certificates", token, BODY)
    assert response.status_code == 201
    cert = response.get_json()
    assert response.headers["Location"] == f"{BASE}/certificates/{cert['id']}"
    assert cert["cert_no"].startswith("C26310000001") and len(cert["cert_no"]) == 16
    assert (cert["status"], cert["status_label"], cert["version"]) == ("draft", "暂存", 1)
    assert cert["exporter_name"] == "JIA TRADING CO., LTD." and cert["application_date"] == "2026-11-20"
    assert cert["co_reg_no"] == "310000001" and cert["applicant_name_cn"] == "甲进出口有限公司"
    [row] = cert["goods"]
    assert (row["item_no"], row["hs_code"], row["quantity"], row["amount"]) == (1, "960321", "20000", "5000")
    assert audit_rows(app, "certificate.create") == [
        ("clerk_a", f"certificate:{cert['cert_no']}", {"API令牌": f"ERP（{token[:12]}…）", "cert_type": "C"})]
    with app.app_context():
        stored = db.session.get(Certificate, cert["id"])
        assert stored.created_by_id == cast.clerk_a and stored.enterprise_id == cast.ent_a


def test_fields_left_out_start_from_the_initial_values_as_on_the_page(app, client, cast, token):
    with app.app_context():
        db.session.add(InitialValues(enterprise_id=cast.ent_a, exporter_name="FROM INITIAL VALUES LTD.",
                                     currency="EUR", package_unit="BOXES"))
        db.session.commit()
    body = {k: v for k, v in BODY.items() if k != "exporter_name"}
    body["goods"] = [{k: v for k, v in GOODS_ROW.items() if k not in ("currency", "package_unit")}]
    response = call(client, "POST", "/certificates", token, body)
    assert response.status_code == 201, response.get_data(as_text=True)
    cert = response.get_json()
    assert cert["exporter_name"] == "FROM INITIAL VALUES LTD."
    assert (cert["goods"][0]["currency"], cert["goods"][0]["package_unit"]) == ("EUR", "BOXES")


def test_a_lookup_field_takes_a_code_or_a_name_as_typing_does(client, cast, token):
    cert = created(client, token, destination_country="德国", goods=[{**GOODS_ROW, "currency": "美元"}])
    assert cert["destination_country"] == "DE" and cert["goods"][0]["currency"] == "USD"


# ------------------------------------------------------------------ bad input: 400 with paths, 422 with messages
@pytest.mark.parametrize("raw, message", [
    (b"{not json", "不是合法的 JSON"), (b"[1, 2]", "JSON 对象"), (b"", "JSON 对象"),
    (b'{"quantity": NaN}', "NaN"), (b"\xff\xfe", "UTF-8"), (b"[" * 5000 + b"]" * 5000, "JSON"),
])
def test_bad_json_is_a_400_saying_why(raw, message, client, cast, token):
    response = call(client, "POST", "/certificates", token, data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert message in errors(response)[""]


def test_wrong_types_and_unknown_fields_are_a_400_with_the_path_of_each(app, client, cast, token):
    body = {**BODY, "invoice_no": 12345, "exhibition": True, "colour": "red",
            "goods": [GOODS_ROW, {**GOODS_ROW, "quantity": [1], "non_goods": "yes"}, "a row"]}
    response = call(client, "POST", "/certificates", token, body)
    assert response.status_code == 400
    assert errors(response) == {
        "invoice_no": "发票号应为字符串", "exhibition": "该证书类型没有此字段", "colour": "未知字段",
        "goods[1].quantity": "数量应为数字（或数字字符串）", "goods[1].non_goods": "非货物项应为 true 或 false",
        "goods[2]": "每行货物应为 JSON 对象"}
    assert count(app, Certificate) == 0


def test_an_unknown_type_is_a_400_naming_the_codes(client, cast, token):
    response = call(client, "POST", "/certificates", token, {**BODY, "cert_type": "Q"})
    assert response.status_code == 400 and "C、G、K" in errors(response)["cert_type"]


def test_values_the_forms_refuse_are_a_422_with_the_pages_messages_at_their_paths(app, client, cast, token):
    body = {**BODY, "destination_country": "XX", "invoice_date": "2026-02-30",
            "goods": [GOODS_ROW, {**GOODS_ROW, "quantity": "1e309"}]}
    response = call(client, "POST", "/certificates", token, body)
    assert response.status_code == 422
    found = errors(response)
    assert found["destination_country"].startswith("请从国家/地区中选择")
    assert found["invoice_date"] == "日期格式应为 YYYY-MM-DD，例如 2026-11-27"
    assert found["goods[1].quantity"] == "数值超出范围：整数部分最多 14 位"
    assert "goods[0].quantity" not in found
    assert count(app, Certificate) == 0


def test_nul_characters_are_dropped_and_lone_surrogates_refused(client, cast, token):
    cert = created(client, token, invoice_no="INV-\u0000001")
    assert cert["invoice_no"] == "INV-001"
    raw = json.dumps({**BODY, "remarks": "\ud800"}).encode()
    response = call(client, "POST", "/certificates", token, data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "remarks" in errors(response)


# ------------------------------------------------------------------ tokens: 401 without one, 404 for another tenant
ENDPOINTS = [("GET", "/certificates/{id}"), ("PATCH", "/certificates/{id}"), ("POST", "/certificates/{id}/declare"),
             ("POST", "/certificates/{id}/goods"), ("PATCH", "/certificates/{id}/goods/{item}"),
             ("DELETE", "/certificates/{id}/goods/{item}"), ("GET", "/certificates/{id}/receipts"),
             ("POST", "/certificates/{id}/receipts/fetch"), ("GET", "/certificates/{id}/pdf")]
COLLECTION = [("GET", "/certificates"), ("POST", "/certificates"), ("GET", "/certificate-types")]


def _ids(client, token) -> dict:
    cert = created(client, token)
    return {"id": cert["id"], "item": cert["goods"][0]["id"], "version": cert["version"],
            "item_version": cert["goods"][0]["version"]}


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_another_enterprises_token_gets_404_and_changes_nothing(method, path, app, client, cast, make_token):
    ids = _ids(client, make_token("clerk_a"))
    other = make_token("clerk_b")
    body = {"version": 1, "undertaking": True} if method in ("PATCH", "POST") else None
    if path.endswith("/goods"):
        body = GOODS_ROW
    response = call(client, method, path.format(**ids), other, body)
    assert response.status_code == 404
    assert errors(response) == {"": "没有这个接口，或该数据不存在、不属于本企业"}
    assert "JIA TRADING" not in response.get_data(as_text=True)
    with app.app_context():
        cert = db.session.get(Certificate, ids["id"])
        assert (cert.status.value, cert.version, len(cert.items)) == ("draft", 1, 1)


@pytest.mark.parametrize("method, path", ENDPOINTS + COLLECTION)
def test_a_revoked_token_gets_401(method, path, app, client, cast, make_token):
    token = make_token("clerk_a")
    ids = _ids(client, token)
    with app.app_context():
        row = db.session.scalar(sa.select(ApiToken))
        api_tokens.revoke(row, db.session.get(User, cast.admin_a))
        db.session.commit()
    response = call(client, method, path.format(**ids), token, {"version": 1} if method != "GET" else None)
    assert response.status_code == 401
    assert errors(response) == {"": "API 令牌无效或已撤销：请向企业管理员索取新的令牌"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [None, "Bearer", "Basic YTpi", "Bearer coapi_wrong", "Bearer " + "x" * 500])
def test_no_or_a_wrong_token_gets_401(header, client, cast, token):
    response = client.get(BASE + "/certificates", headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and response.mimetype == "application/json"
    assert "API 令牌" in errors(response)[""]


def test_a_login_cookie_alone_never_authenticates_an_api_call(client, cast, log_in, token):
    log_in("clerk_a")
    assert client.get("/certificates").status_code == 200  # the browser is logged in
    response = client.get(BASE + "/certificates")
    assert response.status_code == 401
    response = call(client, "POST", "/certificates", None, BODY)
    assert response.status_code == 401  # no CSRF token either: the cookie counts for nothing here
    assert "Set-Cookie" not in response.headers


def test_the_token_acts_as_its_user_even_beside_another_users_cookie(app, client, cast, log_in, make_token):
    log_in("admin_b")
    cert = created(client, make_token("clerk_a"))
    with app.app_context():
        assert db.session.get(Certificate, cert["id"]).created_by_id == cast.clerk_a


def test_a_disabled_user_or_enterprise_makes_the_token_useless(app, client, cast, token):
    with app.app_context():
        db.session.get(User, cast.clerk_a).is_active = False
        db.session.commit()
    response = call(client, "GET", "/certificates", token)
    assert response.status_code == 401 and "已停用" in errors(response)[""]


def test_without_a_complete_qualification_the_api_says_so(app, client, cast, token):
    with app.app_context():
        db.session.get(User, cast.clerk_a).enterprise.qualification.org_code = None
        db.session.commit()
    response = call(client, "GET", "/certificates", token)
    assert response.status_code == 409 and "资质备案" in errors(response)[""]


def test_the_token_is_never_echoed_nor_logged(app, client, cast, token, caplog):
    caplog.set_level(logging.DEBUG)
    answers = [call(client, "POST", "/certificates", token, BODY), call(client, "GET", "/certificates", token),
               call(client, "GET", "/certificates/999999", token), call(client, "GET", "/nope", token),
               call(client, "POST", "/certificates", token + "x", BODY)]
    for response in answers:
        assert token not in response.get_data(as_text=True) and token not in str(response.headers)
    assert token not in caplog.text and token[12:] not in caplog.text
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken))
        assert stored.token_hash == api_tokens.digest(token) and token not in (stored.prefix, stored.token_hash)
        assert stored.last_used_at is not None


# ------------------------------------------------------------------ update and versions
def test_patch_changes_only_the_fields_given_and_bumps_the_version(app, client, cast, token):
    cert = created(client, token)
    response = call(client, "PATCH", f"/certificates/{cert['id']}", token,
                    {"version": cert["version"], "invoice_no": "INV-2026-999", "remarks": None})
    assert response.status_code == 200
    after = response.get_json()
    assert after["invoice_no"] == "INV-2026-999" and after["version"] == cert["version"] + 1
    assert after["exporter_name"] == cert["exporter_name"] and after["goods"] == cert["goods"]
    [(_who, _target, detail)] = audit_rows(app, "certificate.update")
    assert detail["发票号"] == ["INV-2026-001", "INV-2026-999"]


def test_patch_on_an_older_version_is_a_409_and_saves_nothing(app, client, cast, token):
    cert = created(client, token)
    first = call(client, "PATCH", f"/certificates/{cert['id']}", token, {"version": 1, "invoice_no": "A-1"})
    assert first.status_code == 200
    second = call(client, "PATCH", f"/certificates/{cert['id']}", token, {"version": 1, "invoice_no": "B-2"})
    assert second.status_code == 409 and "version" in errors(second)
    assert call(client, "GET", f"/certificates/{cert['id']}", token).get_json()["invoice_no"] == "A-1"


def test_patch_needs_the_version(client, cast, token):
    cert = created(client, token)
    response = call(client, "PATCH", f"/certificates/{cert['id']}", token, {"invoice_no": "A-1"})
    assert response.status_code == 400 and "version" in errors(response)


def test_patch_with_goods_replaces_every_row(client, cast, token):
    cert = created(client, token, goods=[GOODS_ROW, GOODS_ROW])
    rows = [{**GOODS_ROW, "name_en": "HAIR BRUSH", "description": "ONE (1) CTN OF HAIR BRUSH", "package_count": 1}]
    response = call(client, "PATCH", f"/certificates/{cert['id']}", token, {"version": 1, "goods": rows})
    assert response.status_code == 200
    goods = response.get_json()["goods"]
    assert [(g["item_no"], g["name_en"], g["package_count"]) for g in goods] == [(1, "HAIR BRUSH", 1)]


def test_an_edited_number_is_checked_as_on_the_page(client, cast, token):
    cert = created(client, token)
    other = created(client, token)
    response = call(client, "PATCH", f"/certificates/{cert['id']}", token,
                    {"version": 1, "cert_no": other["cert_no"]})
    assert response.status_code == 422 and "已被使用" in errors(response)["cert_no"]


def test_a_declared_certificate_cannot_be_changed(client, cast, token):
    cert = created(client, token)
    assert call(client, "POST", f"/certificates/{cert['id']}/declare", token, {"undertaking": True}).status_code == 200
    response = call(client, "PATCH", f"/certificates/{cert['id']}", token, {"version": 2, "invoice_no": "X"})
    assert response.status_code == 409 and "已申报" in errors(response)[""]
    response = call(client, "POST", f"/certificates/{cert['id']}/goods", token, GOODS_ROW)
    assert response.status_code == 409


# ------------------------------------------------------------------ goods rows
def test_goods_are_added_changed_and_deleted_one_at_a_time(app, client, cast, token):
    cert = created(client, token)
    added = call(client, "POST", f"/certificates/{cert['id']}/goods", token,
                 {**GOODS_ROW, "name_en": "HAIR BRUSH", "description": "HAIR BRUSHES"})
    assert added.status_code == 201
    row = added.get_json()
    assert (row["item_no"], row["name_en"], row["version"]) == (2, "HAIR BRUSH", 1)
    changed = call(client, "PATCH", f"/certificates/{cert['id']}/goods/{row['id']}", token,
                   {"version": 1, "quantity": "1,250"})
    assert changed.status_code == 200 and changed.get_json()["quantity"] == "1250"
    stale = call(client, "PATCH", f"/certificates/{cert['id']}/goods/{row['id']}", token,
                 {"version": 1, "quantity": "7"})
    assert stale.status_code == 409 and "version" in errors(stale)
    first = cert["goods"][0]["id"]
    assert call(client, "DELETE", f"/certificates/{cert['id']}/goods/{first}", token).status_code == 204
    goods = call(client, "GET", f"/certificates/{cert['id']}", token).get_json()["goods"]
    assert [(g["id"], g["item_no"], g["quantity"]) for g in goods] == [(row["id"], 1, "1250")]
    assert [d["项号"] for _w, _t, d in audit_rows(app, "certificate.goods_add")] == [2]
    assert len(audit_rows(app, "certificate.goods_update")) == 1
    assert len(audit_rows(app, "certificate.goods_delete")) == 1


def test_a_row_of_another_certificate_is_404(client, cast, token):
    one, two = created(client, token), created(client, token)
    response = call(client, "PATCH", f"/certificates/{one['id']}/goods/{two['goods'][0]['id']}", token,
                    {"version": 1, "quantity": "5"})
    assert response.status_code == 404


def test_a_goods_row_refused_by_the_form_is_a_422(client, cast, token):
    cert = created(client, token)
    response = call(client, "POST", f"/certificates/{cert['id']}/goods", token, {**GOODS_ROW, "package_count": "1,000"})
    assert response.status_code == 422
    assert errors(response) == {"package_count": "请只填写数字，不要用逗号分隔（例如 1000）"}


def test_the_row_cap_is_kept(app, client, cast, token):
    with app.app_context():
        db.session.merge(SystemSetting(key="certificate.max_goods_rows", value="2"))
        db.session.commit()
    response = call(client, "POST", "/certificates", token, {**BODY, "goods": [GOODS_ROW] * 3})
    assert response.status_code == 422 and "最多 2 项" in errors(response)["goods"]
    cert = created(client, token, goods=[GOODS_ROW] * 2)
    response = call(client, "POST", f"/certificates/{cert['id']}/goods", token, GOODS_ROW)
    assert response.status_code == 422 and "不能再添加" in errors(response)[""]


# ------------------------------------------------------------------ declare
def test_declare_without_the_undertaking_is_refused_with_the_pages_message(app, client, cast, token):
    cert = created(client, token)
    for body in ({}, {"undertaking": False}, None):
        response = call(client, "POST", f"/certificates/{cert['id']}/declare", token, body)
        assert response.status_code == 422
        assert errors(response) == {"undertaking": UNDERTAKING_MISSING}
    assert call(client, "GET", f"/certificates/{cert['id']}", token).get_json()["status"] == "draft"


def test_declare_lists_every_problem_at_once_at_its_path(client, cast, token):
    cert = created(client, token, marks=None, application_date="2099-01-01",
                   goods=[GOODS_ROW, {**GOODS_ROW, "description": None, "hs_code": "9999"}])
    response = call(client, "POST", f"/certificates/{cert['id']}/declare", token, {"undertaking": True})
    assert response.status_code == 422
    found = errors(response)
    assert found["application_date"] == "申请日期不能晚于今天"
    assert "marks" in found and "goods[1].description" in found and "goods[0].description" not in found
    assert "goods[1].hs_code" in found and "goods[0].hs_code" not in found
    assert found["goods[1].description"].startswith("第 2 项：")


def test_declare_moves_the_certificate_to_declared_once(app, client, cast, token):
    cert = created(client, token)
    response = call(client, "POST", f"/certificates/{cert['id']}/declare", token, {"undertaking": True})
    assert response.status_code == 200
    declared = response.get_json()
    assert (declared["status"], declared["status_label"]) == ("declared", "已申报")
    assert declared["declared_at"] and declared["undertaking_at"]
    again = call(client, "POST", f"/certificates/{cert['id']}/declare", token, {"undertaking": True})
    assert again.status_code == 409
    assert [d["API令牌"] for _w, _t, d in audit_rows(app, "certificate.declare")] == [f"ERP（{token[:12]}…）"]
    receipts = call(client, "GET", f"/certificates/{cert['id']}/receipts", token).get_json()
    assert receipts["message"]["status_label"] == "待发送" and receipts["receipts"] == []


def test_declare_takes_only_the_undertaking(client, cast, token):
    cert = created(client, token)
    response = call(client, "POST", f"/certificates/{cert['id']}/declare", token, {"undertaking": "yes", "x": 1})
    assert response.status_code == 400
    assert set(errors(response)) == {"undertaking", "x"}


# ------------------------------------------------------------------ idempotency
def test_a_create_retried_with_its_key_answers_the_same_and_creates_once(app, client, cast, token):
    key = {"Idempotency-Key": "erp-order-4711"}
    first = call(client, "POST", "/certificates", token, BODY, key)
    again = call(client, "POST", "/certificates", token, dict(reversed(list(BODY.items()))), key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert count(app, Certificate) == 1 and len(audit_rows(app, "certificate.create")) == 1
    other = call(client, "POST", "/certificates", token, {**BODY, "invoice_no": "INV-OTHER"}, key)
    assert other.status_code == 422 and "Idempotency-Key" in errors(other)
    assert count(app, Certificate) == 1
    fresh = call(client, "POST", "/certificates", token, BODY, {"Idempotency-Key": "erp-order-4712"})
    assert fresh.status_code == 201 and count(app, Certificate) == 2


def test_a_key_is_remembered_for_the_configured_days_and_then_forgotten(app, client, cast, token):
    from datetime import timedelta

    from app.jobs.registry import load_all
    from app.jobs.runner import run_job_once
    from app.timeutil import utcnow

    key = {"Idempotency-Key": "erp-order-old"}
    recent = {"Idempotency-Key": "erp-order-recent"}
    assert call(client, "POST", "/certificates", token, BODY, key).status_code == 201
    assert call(client, "POST", "/certificates", token, BODY, recent).status_code == 201
    with app.app_context():
        db.session.execute(sa.update(ApiIdempotency).where(ApiIdempotency.key == "erp-order-old").values(
            created_at=utcnow() - timedelta(days=app.config["API_IDEMPOTENCY_DAYS"], minutes=1)))
        db.session.execute(sa.update(ApiIdempotency).where(ApiIdempotency.key == "erp-order-recent").values(
            created_at=utcnow() - timedelta(days=app.config["API_IDEMPOTENCY_DAYS"] - 1)))
        db.session.commit()
        assert run_job_once(load_all()["purge_idempotency_keys"]) == "purge_idempotency_keys: idempotency keys 1"
    # within the days: the retry is answered from the stored answer; after them the key is a new request
    assert call(client, "POST", "/certificates", token, BODY, recent).headers.get("Idempotent-Replayed") == "true"
    again = call(client, "POST", "/certificates", token, BODY, key)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert count(app, Certificate) == 3


def test_keys_belong_to_the_enterprise(app, client, cast, make_token):
    key = {"Idempotency-Key": "same-key"}
    a = call(client, "POST", "/certificates", make_token("clerk_a"), BODY, key)
    b = call(client, "POST", "/certificates", make_token("clerk_b"), BODY, key)
    assert a.status_code == b.status_code == 201 and a.get_json()["id"] != b.get_json()["id"]


def test_a_failed_create_stores_no_answer_so_its_retry_runs_again(app, client, cast, token):
    key = {"Idempotency-Key": "retry-after-fix"}
    bad = call(client, "POST", "/certificates", token, {**BODY, "destination_country": "XX"}, key)
    assert bad.status_code == 422 and count(app, ApiIdempotency) == 0
    good = call(client, "POST", "/certificates", token, BODY, {"Idempotency-Key": "retry-after-fix"})
    assert good.status_code == 201


def test_a_declare_retried_with_its_key_answers_the_first_success(app, client, cast, token):
    cert = created(client, token)
    key = {"Idempotency-Key": "declare-4711"}
    first = call(client, "POST", f"/certificates/{cert['id']}/declare", token, {"undertaking": True}, key)
    again = call(client, "POST", f"/certificates/{cert['id']}/declare", token, {"undertaking": True}, key)
    assert first.status_code == again.status_code == 200 and again.get_json() == first.get_json()
    assert len(audit_rows(app, "certificate.declare")) == 1
    with app.app_context():
        from app.exchange.models import OutboxMessage
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


@pytest.mark.parametrize("key", ["x" * 101, "有中文", "a b"])
def test_a_malformed_key_is_a_400(key, client, cast, token):
    response = client.post(BASE + "/certificates", json=BODY,
                           headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key.encode().decode("latin-1")})
    assert response.status_code == 400 and "Idempotency-Key" in errors(response)


# ------------------------------------------------------------------ reading
def test_the_list_searches_the_enterprises_own_certificates(client, cast, make_token):
    mine, theirs = make_token("clerk_a"), make_token("clerk_b")
    one = created(client, mine, invoice_no="INV-A-1")
    created(client, mine, invoice_no="INV-A-2")
    created(client, theirs, invoice_no="INV-B-1")
    listed = call(client, "GET", "/certificates", mine).get_json()
    assert listed["total"] == 2 and [c["invoice_no"] for c in listed["items"]] == ["INV-A-2", "INV-A-1"]
    found = call(client, "GET", "/certificates?invoice=ＩＮＶ－Ａ－１&status=draft", mine).get_json()
    assert [c["id"] for c in found["items"]] == [one["id"]]
    assert call(client, "GET", "/certificates?goods=9603&sort=old", mine).get_json()["items"][0]["id"] == one["id"]
    response = call(client, "GET", "/certificates?status=lost&date_from=2026-13-01&colour=red&page=0", mine)
    assert response.status_code == 400
    assert set(errors(response)) == {"status", "date_from", "colour", "page"}


def test_one_certificate_reads_back_as_it_was_sent(client, cast, token):
    cert = created(client, token)
    read = call(client, "GET", f"/certificates/{cert['id']}", token)
    assert read.status_code == 200 and read.get_json() == cert
    assert call(client, "GET", "/certificates/2147483648", token).status_code == 404


def test_the_types_list_their_fields(client, cast, token):
    types = {t["code"]: t for t in call(client, "GET", "/certificate-types", token).get_json()["items"]}
    assert types["E"]["destinations"][:2] == ["BN", "KH"] and types["E"]["item_cap"] == 20
    fields = {f["name"]: f for f in types["K"]["fields"]}
    assert fields["producer_name"]["label"] == "生产商名称" and fields["marks"]["required"] is True


def test_a_pdf_of_a_draft_is_marked_not_valid_and_one_without_goods_is_refused(client, cast, token):
    cert = created(client, token)
    response = call(client, "GET", f"/certificates/{cert['id']}/pdf?kind=invoice", token)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "非有效证书" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    empty = created(client, token, goods=[])
    response = call(client, "GET", f"/certificates/{empty['id']}/pdf", token)
    assert response.status_code == 409 and "不能打印" in errors(response)[""]
    response = call(client, "GET", f"/certificates/{cert['id']}/pdf?kind=poster&format=huge", token)
    assert response.status_code == 400 and set(errors(response)) == {"kind", "format"}


def test_unknown_paths_and_methods_answer_json(client, cast, token):
    response = call(client, "GET", "/no/such/thing", token)
    assert response.status_code == 404 and errors(response)
    response = call(client, "DELETE", "/certificates/1", token)
    assert response.status_code == 405 and response.headers["Allow"] == "GET, PATCH"
    response = call(client, "PUT", "/certificates", token, BODY)
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"


# ------------------------------------------------------------------ throttling
def test_a_token_past_its_rate_gets_429_with_retry_after_and_others_go_on(app, client, cast, make_token):
    with app.app_context():
        db.session.merge(SystemSetting(key="api.requests_per_minute", value="3"))
        db.session.commit()
    busy, other = make_token("clerk_a"), make_token("clerk_a", name="另一系统")
    answers = [call(client, "GET", "/certificates", busy) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert [r.headers.get("X-RateLimit-Remaining") for r in answers[:3]] == ["2", "1", "0"]
    assert 1 <= int(answers[3].headers["Retry-After"]) <= 60
    assert "每分钟最多 3 次" in errors(answers[3])[""]
    assert call(client, "GET", "/certificates", other).status_code == 200


def test_old_calls_leave_the_window(app, client, cast, token):
    from datetime import timedelta

    from app.accounts.models import LoginAttempt
    with app.app_context():
        db.session.merge(SystemSetting(key="api.requests_per_minute", value="2"))
        db.session.commit()
    assert call(client, "GET", "/certificates", token).status_code == 200
    assert call(client, "GET", "/certificates", token).status_code == 200
    with app.app_context():  # a minute passes
        for row in db.session.scalars(sa.select(LoginAttempt)):
            row.at -= timedelta(seconds=61)
        db.session.commit()
    assert call(client, "GET", "/certificates", token).status_code == 200
    assert count(app, LoginAttempt) == 1  # the old calls are gone from the log


# ------------------------------------------------------------------ the whole life, through the API alone
def test_an_erp_drives_a_certificate_from_draft_to_issued_and_prints_it(app, client, cast, token):
    """暂存 → 新增货物 → 申报 → 获取回执 (the embedded authority reviews automatically) → 审核通过 → PDF."""
    body = {k: v for k, v in BODY.items() if k != "goods"}
    cert = call(client, "POST", "/certificates", token, body, {"Idempotency-Key": "life-1"}).get_json()
    assert cert["goods"] == []
    row = call(client, "POST", f"/certificates/{cert['id']}/goods", token, GOODS_ROW)
    assert row.status_code == 201
    declared = call(client, "POST", f"/certificates/{cert['id']}/declare", token, {"undertaking": True},
                    {"Idempotency-Key": "life-1-declare"})
    assert declared.status_code == 200 and declared.get_json()["status"] == "declared"
    fetched = call(client, "POST", f"/certificates/{cert['id']}/receipts/fetch", token)
    assert fetched.status_code == 200
    status = fetched.get_json()
    assert (status["status"], status["status_label"], status["new_receipts"]) == ("issued", "审核通过", 3)
    assert [r["code"] for r in status["receipts"]] == ["ISSUED", "ACCEPTED", "RECEIVED"]
    assert status["message"]["status"] == "sent"
    issued = call(client, "GET", f"/certificates/{cert['id']}", token).get_json()
    assert issued["status"] == "issued" and issued["issue_date"] and issued["issued_by"] == "自动审核"
    listed = call(client, "GET", "/certificates?status=issued", token).get_json()
    assert [c["cert_no"] for c in listed["items"]] == [cert["cert_no"]]
    pdf = call(client, "GET", f"/certificates/{cert['id']}/pdf?kind=certificate&format=standard", token)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert len(pages) >= 1 and cert["cert_no"] in text and "TOOTHBRUSH" in text and "非有效证书" not in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CertificateItem)) == 1


# ------------------------------------------------------------------ two retries at once, over real HTTP
def test_two_creates_with_one_key_at_the_same_moment_make_one_certificate(app, cast, token, live_server):
    """An ERP that times out and retries at once: both calls race (PostgreSQL: two transactions meet at the key's
    unique index; SQLite: the second waits for the write lock), one certificate is made, both get its answer."""
    import threading
    import urllib.request

    start, answers = threading.Barrier(2), []

    def post():
        request = urllib.request.Request(live_server + BASE + "/certificates", method="POST",
                                         data=json.dumps(BODY).encode(),
                                         headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "race-1",
                                                  "Content-Type": "application/json"})
        start.wait()
        with urllib.request.urlopen(request, timeout=30) as response:
            answers.append((response.status, json.loads(response.read())))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _body in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert count(app, Certificate) == 1 and count(app, ApiIdempotency) == 1
