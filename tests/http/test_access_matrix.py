"""Every route against every kind of visitor: anonymous, each role, and another enterprise's admin.

A route added without an entry here fails test_every_route_is_in_the_matrix.
"""
import pytest
import sqlalchemy as sa

from app import create_app
from app.certificates.models import Certificate
from app.extensions import db
from app.refdata.models import CodeEntry
from tests.conftest import make_config
from tests.support import csrf_token

PUBLIC, ANY = "public", "any"
MACHINE = "machine"  # the authority's exchange endpoint: HTTP Basic auth only; a login session does not count
TOKEN = "token"  # the JSON API (/api/v1): an API token only; a login session does not count (401, JSON)
ENT = {"clerk_a", "admin_a", "admin_b", "clerk_b"}
ADMINS = {"admin_a", "admin_b"}
A = {"clerk_a", "admin_a"}  # enterprise A's own certificate: B's users get 404

# endpoint: (method, url with {user} = clerk_a's id and {enterprise} = enterprise A's id, who may use it)
ROUTES = {
    "web.home": ("GET", "/", ANY),
    "web.toggle_menu": ("POST", "/ui/menu", ANY),
    "web.health": ("GET", "/healthz", PUBLIC),
    "web.metrics": ("GET", "/metrics", PUBLIC),  # from loopback, as the test client asks; else 404 (test_observability)
    "web.notice_mark": ("GET", "/ui/notices", ENT),
    "web.notices_read": ("POST", "/notices/read", ENT),
    "accounts.login": ("GET", "/login", PUBLIC),
    "accounts.login_post": ("POST", "/login", PUBLIC),
    "accounts.captcha_new": ("GET", "/captcha/new", PUBLIC),
    "accounts.captcha_image": ("GET", "/captcha/nonexistent.png", PUBLIC),
    "accounts.logout": ("POST", "/logout", PUBLIC),
    "accounts.change_password": ("GET", "/password", ANY),
    "accounts.login_code": ("GET", "/login/code", PUBLIC),
    "accounts.login_code_post": ("POST", "/login/code", PUBLIC),
    "accounts.two_factor_page": ("GET", "/account/two-factor", ANY),
    "accounts.two_factor_enrol": ("POST", "/account/two-factor/enrol", ANY),
    "accounts.two_factor_recovery_codes": ("POST", "/account/two-factor/recovery-codes", ANY),
    "accounts.two_factor_disable": ("POST", "/account/two-factor/disable", ANY),
    "accounts.my_sessions": ("GET", "/account/sessions", ANY),
    "accounts.my_session_end": ("POST", "/account/sessions/999999/end", ANY),
    "accounts.my_sessions_end_others": ("POST", "/account/sessions/end-others", ANY),
    "accounts.user_reset_two_factor": ("POST", "/users/{user}/two-factor/reset", {"admin_a", "sysadmin"}),
    "accounts.users": ("GET", "/users", ADMINS),
    "accounts.users_create": ("POST", "/users", ADMINS),
    "accounts.user_detail": ("GET", "/users/{user}", {"admin_a", "sysadmin"}),
    "accounts.user_update": ("POST", "/users/{user}", {"admin_a", "sysadmin"}),
    "accounts.user_reset_password": ("POST", "/users/{user}/password", {"admin_a", "sysadmin"}),
    "accounts.user_set_active": ("POST", "/users/{user}/active", {"admin_a", "sysadmin"}),
    "accounts.qualification": ("GET", "/qualification", ADMINS),
    "accounts.qualification_save": ("POST", "/qualification", ADMINS),
    "accounts.approved_exporters": ("GET", "/enterprise/approved-exporters", ADMINS),
    "accounts.approved_exporters_add": ("POST", "/enterprise/approved-exporters", ADMINS),
    "accounts.approved_exporter": ("GET", "/enterprise/approved-exporters/{approval}", {"admin_a"}),
    "accounts.approved_exporter_update": ("POST", "/enterprise/approved-exporters/{approval}", {"admin_a"}),
    "accounts.approved_exporter_delete_confirm": ("GET", "/enterprise/approved-exporters/{approval}/delete",
                                                  {"admin_a"}),
    "accounts.approved_exporter_delete": ("POST", "/enterprise/approved-exporters/{approval}/delete", {"admin_a"}),
    "accounts.audit": ("GET", "/audit", ADMINS | {"sysadmin"}),
    "api.tokens_page": ("GET", "/enterprise/api-tokens", ADMINS),
    "api.tokens_create": ("POST", "/enterprise/api-tokens", ADMINS),
    "api.token_revoke": ("POST", "/enterprise/api-tokens/{api_token}/revoke", {"admin_a"}),
    "api.v1.openapi_json": ("GET", "/api/v1/openapi.json", PUBLIC),
    "api.v1.unknown": ("GET", "/api/v1/no-such-thing", PUBLIC),
    "api.v1.certificate_types": ("GET", "/api/v1/certificate-types", TOKEN),
    "api.v1.certificates_list": ("GET", "/api/v1/certificates", TOKEN),
    "api.v1.certificates_create": ("POST", "/api/v1/certificates", TOKEN),
    "api.v1.certificate": ("GET", "/api/v1/certificates/{cert}", TOKEN),
    "api.v1.certificate_update": ("PATCH", "/api/v1/certificates/{cert}", TOKEN),
    "api.v1.declare": ("POST", "/api/v1/certificates/{cert}/declare", TOKEN),
    "api.v1.goods_add": ("POST", "/api/v1/certificates/{cert}/goods", TOKEN),
    "api.v1.goods_update": ("PATCH", "/api/v1/certificates/{cert}/goods/{item}", TOKEN),
    "api.v1.goods_delete": ("DELETE", "/api/v1/certificates/{cert}/goods/{item}", TOKEN),
    "api.v1.receipts": ("GET", "/api/v1/certificates/{cert}/receipts", TOKEN),
    "api.v1.receipts_fetch": ("POST", "/api/v1/certificates/{cert}/receipts/fetch", TOKEN),
    "api.v1.pdf": ("GET", "/api/v1/certificates/{cert}/pdf", TOKEN),
    "accounts.enterprises": ("GET", "/admin/enterprises", {"sysadmin"}),
    "accounts.enterprises_create": ("POST", "/admin/enterprises", {"sysadmin"}),
    "accounts.enterprise_detail": ("GET", "/admin/enterprises/{enterprise}", {"sysadmin"}),
    "accounts.enterprise_user_create": ("POST", "/admin/enterprises/{enterprise}/users", {"sysadmin"}),
    "accounts.enterprise_set_active": ("POST", "/admin/enterprises/{enterprise}/active", {"sysadmin"}),
    "accounts.officers": ("GET", "/admin/officers", {"sysadmin"}),
    "accounts.officers_create": ("POST", "/admin/officers", {"sysadmin"}),
    "settings.edit": ("GET", "/admin/settings", {"sysadmin"}),
    "refdata.load_tariff": ("POST", "/admin/refdata/hs/tariff", {"sysadmin"}),
    "settings.save": ("POST", "/admin/settings", {"sysadmin"}),
    "certificates.new": ("GET", "/certificates/new", ENT),
    "certificates.initial_values": ("GET", "/initial-values", ENT),
    "certificates.products_list": ("GET", "/products", ENT),
    "certificates.product_new": ("GET", "/products/new", ENT),
    "certificates.product_add": ("POST", "/products", ENT),
    "certificates.product_edit": ("GET", "/products/{product}", A),
    "certificates.product_update": ("POST", "/products/{product}", A),
    "certificates.product_delete_confirm": ("GET", "/products/{product}/delete", A),
    "certificates.product_delete": ("POST", "/products/{product}/delete", A),
    "certificates.products_export": ("GET", "/products/export.xlsx", ENT),
    "certificates.products_template": ("GET", "/products/template.xlsx", ENT),
    "certificates.products_import": ("POST", "/products/import", ENT),
    "certificates.products_from_history": ("POST", "/products/from-history", ENT),
    "certificates.products_options": ("GET", "/products/options?q=TB", ENT),
    "certificates.initial_values_save": ("POST", "/initial-values", ENT),
    "certificates.new_form": ("GET", "/certificates/new/C", ENT),
    "certificates.create": ("POST", "/certificates/new/C", ENT),
    "certificates.edit": ("GET", "/certificates/{cert}", A),
    "certificates.save": ("POST", "/certificates/{cert}", A),
    "certificates.transport_details": ("POST", "/certificates/transport-details", ENT),
    "certificates.check_field": ("POST", "/certificates/check-field", ENT),
    "certificates.copy": ("POST", "/certificates/{cert}/copy", A),
    "certificates.delete_confirm": ("GET", "/certificates/{cert}/delete", A),
    "certificates.delete": ("POST", "/certificates/{cert}/delete", A),
    "certificates.rows_new": ("GET", "/certificates/{cert}/goods/new", A),
    "certificates.row_add": ("POST", "/certificates/{cert}/goods", A),
    "certificates.row_edit": ("GET", "/certificates/{cert}/goods/{item}/edit", A),
    "certificates.row_show": ("GET", "/certificates/{cert}/goods/{item}", A),
    "certificates.row_update": ("POST", "/certificates/{cert}/goods/{item}", A),
    "certificates.row_action": ("POST", "/certificates/{cert}/goods/{item}/action", A),
    "certificates.goods_describe": ("POST", "/certificates/goods/describe", ENT),
    "certificates.goods_template": ("GET", "/certificates/goods-template/C.xlsx", ENT),
    "certificates.import_goods": ("POST", "/certificates/{cert}/goods/import", A),
    "refdata.options": ("GET", "/lookup/country?q=JP", ANY),
    "refdata.search_page": ("GET", "/lookup/country/search?q=JP", ANY),
    "refdata.detail": ("GET", "/lookup/country/detail?code=JP", ANY),
    "refdata.entries": ("GET", "/admin/refdata/country", {"sysadmin"}),
    "refdata.entry_new": ("GET", "/admin/refdata/country/new", {"sysadmin"}),
    "refdata.entry_edit": ("GET", "/admin/refdata/country/{entry}", {"sysadmin"}),
    "refdata.entry_active": ("POST", "/admin/refdata/country/{entry}/active", {"sysadmin"}),
    "refdata.export": ("GET", "/admin/refdata/country/export.csv", {"sysadmin"}),
    "refdata.export_xlsx": ("GET", "/admin/refdata/country/export.xlsx", {"sysadmin"}),
    "refdata.import_csv": ("POST", "/admin/refdata/country/import", {"sysadmin"}),
    "queries.search": ("GET", "/certificates", ENT),
    "queries.export_xlsx": ("GET", "/certificates/export.xlsx?status=draft", ENT),
    "queries.customs_xml": ("GET", "/certificates/{cert}/customs.xml", A),
    "certificates.export_xlsx": ("GET", "/certificates/{cert}/export.xlsx", A),
    "printing.dialog": ("GET", "/certificates/{cert}/print", A),
    "printing.preview": ("GET", "/certificates/{cert}/print/preview?kind=certificate&format=standard", A),
    "printing.pdf": ("GET", "/certificates/{cert}/print.pdf?kind=invoice&format=standard", A),
    "printing.settings": ("GET", "/print-settings", ENT),
    "printing.calibration": ("GET", "/print-settings/calibration.pdf", ENT),
    "printing.verify_page": ("GET", "/verify/C263100000010001?k=0", PUBLIC),
    "queries.batch": ("POST", "/certificates/batch", ENT),
    "queries.detail": ("GET", "/certificates/{cert}/detail", A),
    "queries.reissue_confirm": ("GET", "/certificates/{cert}/reissue", A),
    "queries.reissue_start": ("POST", "/certificates/{cert}/reissue/start", A),
    "certificates.reissue_save": ("POST", "/certificates/{cert}/reissue", A),
    "authority.desk": ("GET", "/authority/desk", {"officer"}),
    "authority.senders_page": ("GET", "/authority/senders", {"sysadmin"}),
    "authority.senders_register": ("POST", "/authority/senders", {"sysadmin"}),
    "authority.senders_reset": ("POST", "/authority/senders/999/password", {"sysadmin"}),
    "authority.senders_toggle": ("POST", "/authority/senders/999/active", {"sysadmin"}),
    "authority.declaration": ("GET", "/authority/declarations/{decl}", {"officer"}),
    "authority.act": ("POST", "/authority/declarations/{decl}/accept", {"officer"}),
    "authority.print_dialog": ("GET", "/authority/declarations/{decl}/print", {"officer"}),
    "authority.print_preview": ("GET", "/authority/declarations/{decl}/print/preview?kind=application&format=standard",
                                {"officer"}),
    "authority.print_pdf": ("GET", "/authority/declarations/{decl}/print.pdf?kind=certificate&format=standard",
                            {"officer"}),
    "authority.inbox": ("POST", "/exchange/inbox", MACHINE),
    "authority.receipts": ("GET", "/exchange/receipts", MACHINE),
    "certificates.live_status": ("GET", "/certificates/{cert}/status", A),
    "certificates.fetch_receipts": ("POST", "/certificates/{cert}/receipts/fetch", A),
    "refdata.tables": ("GET", "/admin/refdata", {"sysadmin"}),
}

# Users of enterprise B asking for enterprise A's objects get 404, not 403: nothing is revealed.
HIDDEN_FROM = {"admin_b", "clerk_b"}
VISITORS = ["anonymous", "clerk_a", "clerk_b", "admin_a", "admin_b", "officer", "sysadmin"]
USERNAMES = {"clerk_a": "clerk_a", "clerk_b": "clerk_b", "admin_a": "admin_a", "admin_b": "admin_b",
             "officer": "officer_sh", "sysadmin": "root_admin"}
# Pages that answer 404 by design for an allowed visitor (the test asks for a captcha that does not exist).
NOT_FOUND_BY_DESIGN = {"accounts.captcha_image", "certificates.reissue_save",  # no such captcha; not a 重发证
                       "printing.verify_page",  # a wrong token shows nothing
                       "authority.senders_reset", "authority.senders_toggle",  # no sender 999
                       "api.v1.unknown"}  # an API path that is no route: JSON 404 for everyone


def entry_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(CodeEntry.id).where(CodeEntry.table == "country", CodeEntry.code == "JP"))


def _certificate(app, make_certificate):
    """(certificate, its goods row, its 日本进料 row): a 普惠制 certificate to Japan of enterprise A."""
    cert_id = make_certificate(items=1, cert_type="G", materials=1, destination_country="JP",
                              application_date="2019-03-01")  # GSP to Japan: before Japan ended it (2019-04)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        return cert_id, cert.items[0].id, cert.materials[0].id


def _declaration(app, make_certificate):
    """A declaration received by authority 3100 (the cast's officer), through the real inbox."""
    from datetime import datetime, timezone

    from app.authority.inbox import receive
    from app.certificates import services
    from app.exchange import messages

    cert_id = make_certificate(items=1, issuing_authority="3100", collecting_authority="3100")
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        xml = messages.build_declaration(services.snapshot(cert), message_id=f"matrix-{cert_id}",
                                         sent_at=datetime.now(timezone.utc))
        declaration, _ = receive(xml, cert.co_reg_no)
        db.session.commit()
        return declaration.id


def _approval(app, enterprise_id) -> int:
    """An approved exporter (经核准出口商) of enterprise A."""
    from datetime import date

    from app.accounts.models import ApprovedExporter

    with app.app_context():
        row = ApprovedExporter(enterprise_id=enterprise_id, approval_no="CH3100A0001", agreements="S",
                               valid_from=date(2025, 1, 1), valid_until=date(2027, 12, 31))
        db.session.add(row)
        db.session.commit()
        return row.id


def _product(app, enterprise_id) -> int:
    """A 商品库 product of enterprise A."""
    from app.certificates import products

    with app.app_context():
        product = products.save(enterprise_id, {"code": "TB-001", "hs_code": "96032100"}, None)
        db.session.commit()
        return product.id


def _api_token(app, cast) -> int:
    """An API token of enterprise A (API 令牌), acting as its clerk."""
    from app.accounts.models import Enterprise, User
    from app.api import tokens

    with app.app_context():
        row, _token = tokens.create(db.session.get(Enterprise, cast.ent_a), name="ERP", user_id=cast.clerk_a,
                                    actor=db.session.get(User, cast.admin_a))
        db.session.commit()
        return row.id


def test_every_route_is_in_the_matrix(db_url):
    app = create_app(make_config(db_url))
    # Static files (plain and versioned) are public: tests/http/test_static_files.py
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint not in ("static", "versioned_static")}
    assert endpoints == set(ROUTES)


def _expected(endpoint, visitor):
    _method, url, allowed = ROUTES[endpoint]
    if allowed == MACHINE:
        return "basic auth"
    if allowed == TOKEN:
        return "token"
    if allowed == PUBLIC:
        return "allowed"
    if visitor == "anonymous":
        return "login"
    if allowed == ANY or visitor in allowed:
        return "allowed"
    if visitor in HIDDEN_FROM and "{user}" in url and "admin_a" in allowed and visitor == "admin_b":
        return "not found"
    if visitor in HIDDEN_FROM and "{cert}" in url:
        return "not found"
    if visitor in HIDDEN_FROM and "{product}" in url:  # enterprise A's 商品库
        return "not found"
    if visitor == "admin_b" and "{api_token}" in url:  # enterprise A's API token
        return "not found"
    if visitor == "admin_b" and "{approval}" in url:  # enterprise A's 经核准出口商 (B's clerk: 403 by role)
        return "not found"
    return "forbidden"


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_access(endpoint, visitor, client, cast, log_in, make_certificate):
    method, url, _allowed = ROUTES[endpoint]
    cert, item, material = _certificate(client.application, make_certificate) if "{cert}" in url else (0, 0, 0)
    decl = _declaration(client.application, make_certificate) if "{decl}" in url else 0
    approval = _approval(client.application, cast.ent_a) if "{approval}" in url else 0
    api_token = _api_token(client.application, cast) if "{api_token}" in url else 0
    product = _product(client.application, cast.ent_a) if "{product}" in url else 0
    url = url.format(user=cast.clerk_a, enterprise=cast.ent_a, entry=entry_id(client.application), cert=cert,
                     item=item, material=material, decl=decl, approval=approval, api_token=api_token, product=product)
    if visitor != "anonymous":
        log_in(USERNAMES[visitor])
    token = csrf_token(client.get("/login" if visitor == "anonymous" else "/password").get_data(as_text=True))
    response = client.get(url) if method == "GET" else client.open(url, method=method, data={"csrf_token": token})
    expected = _expected(endpoint, visitor)
    if expected == "basic auth":
        # With the embedded gateway (this app's full mode) the desk has no HTTP door at all: 404. As an
        # authority instance, only a sender's Basic auth counts, never a login session: 401.
        assert response.status_code == 404
        client.application.config["EXCHANGE_GATEWAY"] = "http"
        try:
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        finally:
            client.application.config["EXCHANGE_GATEWAY"] = "embedded"
        assert response.status_code == 401 and "WWW-Authenticate" in response.headers
    elif expected == "token":
        # Whoever is logged in, the cookie opens no API call: only `Authorization: Bearer <token>` (test_api.py).
        assert response.status_code == 401 and response.mimetype == "application/json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    elif expected == "login":
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    elif expected == "forbidden":
        assert response.status_code == 403
        assert "无权访问" in response.get_data(as_text=True)
    elif expected == "not found":
        assert response.status_code == 404
    elif endpoint in NOT_FOUND_BY_DESIGN:
        assert response.status_code == 404
    else:
        # Allowed: the page or action answers (422/409 for the empty form posted here), never a bounce.
        assert response.status_code in (200, 204, 302, 400, 409, 422), response.status_code
        if response.status_code == 302:
            assert not response.headers["Location"].startswith("/login") or endpoint in (
                "accounts.logout", "accounts.login", "accounts.login_post",
                "accounts.login_code", "accounts.login_code_post")  # the code step without a password first


MATERIAL_URLS = [("GET", "/certificates/{cert}/materials/new"), ("POST", "/certificates/{cert}/materials"),
                 ("GET", "/certificates/{cert}/materials/{material}/edit"),
                 ("GET", "/certificates/{cert}/materials/{material}"),
                 ("POST", "/certificates/{cert}/materials/{material}"),
                 ("POST", "/certificates/{cert}/materials/{material}/action")]


@pytest.mark.parametrize("method, url", MATERIAL_URLS)
def test_the_row_editor_of_japan_materials_is_scoped_like_the_goods(method, url, client, cast, log_in, make_certificate):
    """The materials share the goods rows' endpoints (one row editor): another enterprise gets 404 on each."""
    cert, _item, material = _certificate(client.application, make_certificate)
    target = url.format(cert=cert, material=material)
    for user, allowed in (("clerk_b", False), ("clerk_a", True)):
        log_in(user)
        token = csrf_token(client.get("/password").get_data(as_text=True))
        response = client.get(target) if method == "GET" else client.post(target, data={"csrf_token": token, "op": "up"})
        assert (response.status_code != 404) is allowed, (user, response.status_code)
        client.post("/logout", data={"csrf_token": token})


@pytest.mark.parametrize("url", ["/users/{other}", "/users/{other}/password", "/users/{other}/active"])
def test_an_admin_cannot_reach_another_enterprises_user_by_id(url, client, cast, log_in):
    log_in("admin_b")
    token = csrf_token(client.get("/users").get_data(as_text=True))
    target = url.format(other=cast.admin_a)
    response = client.get(target) if url == "/users/{other}" else client.post(
        target, data={"csrf_token": token, "active": "0", "new": "Another-pass1", "confirm": "Another-pass1"})
    assert response.status_code == 404
    assert "甲" not in response.get_data(as_text=True)


def test_a_sysadmin_account_cannot_be_managed_through_user_pages(client, cast, log_in):
    log_in("root_admin")
    assert client.get(f"/users/{cast.sysadmin}").status_code == 404


def test_every_post_needs_the_csrf_token(client, cast, log_in, make_certificate):
    log_in("clerk_a")
    cert, item, material = _certificate(client.application, make_certificate)
    decl = _declaration(client.application, make_certificate)
    for endpoint, (method, url, allowed) in ROUTES.items():
        if method == "POST" and allowed not in (MACHINE, TOKEN):  # these take no cookies: Basic auth, API token
            response = client.post(url.format(user=cast.clerk_a, enterprise=cast.ent_a, cert=cert, item=item,
                                              material=material, entry=entry_id(client.application), decl=decl,
                                              approval=1, api_token=1, product=1),
                                   data={})
            assert response.status_code == 400, endpoint


def test_htmx_posts_carry_the_token_in_a_header(client, cast, log_in):
    log_in("admin_a")
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post("/ui/menu", data={"collapsed": "1"}, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 204
