"""操作日志 (issue 13, audit): every recorded action appears after the user did it over HTTP, readably, only to
the right people; refused requests (CSRF, 403) are recorded too; a rolled-back change leaves no row."""
import html as html_lib
import re

import pytest
import sqlalchemy as sa

from app.accounts import audit, services as accounts
from app.accounts.models import AuditLog
from app.accounts.roles import Role
from app.authority.models import Declaration
from app.certificates.models import Certificate
from app.extensions import db
from tests.support import GENERAL_BASIC, PASSWORD, csrf_token, page_form, post

HEADER = "code,name_zh,name_en,category,active,sort,attrs,source\n"


def log_rows(client, **filters) -> list[str]:
    """The rows of 操作日志 as the reader sees them: cell texts joined by " | ", details as 字段: 值 lines."""
    response = client.get("/audit", query_string=filters)
    assert response.status_code == 200
    body = re.search(r'<tbody id="audit-rows">(.*?)</tbody>', response.get_data(as_text=True), re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", cell))).strip()
                 for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append(" | ".join(cells))
    return rows


def rows_with(rows, *texts) -> list[str]:
    return [r for r in rows if all(t in r for t in texts)]


def cert_no(app, cert_id) -> str:
    with app.app_context():
        return db.session.get(Certificate, cert_id).cert_no


def audit_count(app, action=None) -> int:
    with app.app_context():
        query = sa.select(sa.func.count(AuditLog.id))
        return db.session.scalar(query.where(AuditLog.action == action) if action else query)


def log_out(client):
    client.post("/logout", data=page_form(client, "/"))


@pytest.fixture
def officer(app, cast):
    """An officer of 上海海关 (2200), the authority GENERAL_BASIC certificates name."""
    with app.app_context():
        accounts.create_user(username="officer_2200", display_name="王审核", role=Role.OFFICER, password=PASSWORD,
                             authority_code="2200", must_change_password=False)
        db.session.commit()


def settings_form(client) -> dict:
    """What the 系统设置 form would post as it is shown (text fields, checked boxes, selected options)."""
    page = client.get("/admin/settings").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="settings-form".*?</form>', page, re.S).group(0)
    data = {"csrf_token": csrf_token(page)}
    for name, value in re.findall(r'<input type="text" id="[^"]*" name="([^"]+)" value="([^"]*)"', form):
        data[name] = html_lib.unescape(value)
    for name in re.findall(r'<input type="checkbox" id="[^"]*" name="([^"]+)" value="1" checked', form):
        data[name] = "1"
    for name, options in re.findall(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


# ---------------------------------------------------------------- certificates
def test_it_records_create_declare_copy_and_delete_for_the_enterprise_admin(app, client, cast, log_in,
                                                                           make_certificate):
    log_in("clerk_a")
    created = client.post("/certificates/new/C", data={**page_form(client, "/certificates/new/C"), **GENERAL_BASIC,
                                                       "action": "save"})
    assert created.status_code == 302
    new_id = int(created.headers["Location"].rsplit("/", 1)[1])
    new_no = cert_no(app, new_id)
    with_goods = make_certificate(items=1)
    goods_no = cert_no(app, with_goods)
    url = f"/certificates/{with_goods}"
    assert client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "action": "declare", "undertaking": "y"}).status_code == 302
    copied = client.post(f"{url}/copy", data=page_form(client, url))
    copy_no = cert_no(app, int(copied.headers["Location"].rsplit("/", 1)[1]))
    assert client.post(f"/certificates/{new_id}/delete",
                       data=page_form(client, f"/certificates/{new_id}")).status_code == 302
    log_out(client)
    log_in("admin_a")
    rows = log_rows(client)
    assert rows_with(rows, "clerk_a", "甲进出口有限公司", "新建证书", f"证书 {new_no}", "证书类型: C", "127.0.0.1")
    assert rows_with(rows, "clerk_a", "申报证书", f"证书 {goods_no}")
    assert rows_with(rows, "clerk_a", "复制证书", f"证书 {copy_no}", f"原证书号: {goods_no}")
    assert rows_with(rows, "clerk_a", "删除证书", f"证书 {new_no}")
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \| ", rows[0])


def test_a_declare_refused_by_the_rules_records_no_declaration(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=0)
    log_in("clerk_a")
    url = f"/certificates/{cert_id}"
    assert client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "action": "declare", "undertaking": "y"}).status_code == 422
    assert audit_count(app, "certificate.declare") == 0


@pytest.mark.parametrize("op, label", [("change", "办理更改证"), ("change_reissue", "办理更改重发证")])
def test_it_records_a_change_started_from_the_list(op, label, app, client, cast, log_in, make_certificate):
    original = make_certificate(items=1, status="issued")
    log_in("clerk_a")
    token = page_form(client, "/certificates")["csrf_token"]
    response = client.post("/certificates/batch", data={"csrf_token": token, "op": op, "ids": [str(original)]})
    clone_no = cert_no(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    log_out(client)
    log_in("admin_a")
    assert rows_with(log_rows(client), label, f"证书 {clone_no}", f"原证书号: {cert_no(app, original)}")


def test_it_records_a_reissue_and_a_copy_from_the_list(app, client, cast, log_in, make_certificate):
    original = make_certificate(items=1, status="issued")
    log_in("clerk_a")
    response = client.post(f"/certificates/{original}/reissue/start",
                           data=page_form(client, f"/certificates/{original}/reissue"))
    reissue_no = cert_no(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    token = page_form(client, "/certificates")["csrf_token"]
    response = client.post("/certificates/batch", data={"csrf_token": token, "op": "copy", "ids": [str(original)]})
    copy_no = cert_no(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    log_out(client)
    log_in("admin_a")
    rows = log_rows(client)
    assert rows_with(rows, "办理重发证", f"证书 {reissue_no}", f"原证书号: {cert_no(app, original)}")
    assert rows_with(rows, "复制证书", f"证书 {copy_no}")


# ---------------------------------------------------------------- the officer
def test_it_records_the_officers_accept_approve_and_return(app, client, cast, log_in, make_certificate, officer):
    log_in("root_admin")  # manual review for every type: what the officer does is what decides
    assert client.post("/admin/settings", data={**settings_form(client), "authority.auto_review_types": ""}) \
        .status_code == 302
    log_out(client)
    first, second = make_certificate(items=1), make_certificate(items=1)
    log_in("clerk_a")
    for cert_id in (first, second):
        url = f"/certificates/{cert_id}"
        client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "action": "declare", "undertaking": "y"})
    token = page_form(client, "/certificates")["csrf_token"]  # 获取回执 delivers the waiting declarations
    client.post("/certificates/batch", data={"csrf_token": token, "op": "fetch", "ids": [str(first), str(second)]})
    log_out(client)
    log_in("officer_2200")
    with app.app_context():
        ids = {d.cert_no: d.id for d in db.session.scalars(sa.select(Declaration))}
    first_no, second_no = cert_no(app, first), cert_no(app, second)
    one, two = ids[first_no], ids[second_no]

    def act(decl_id, action, **extra):
        page = client.get(f"/authority/declarations/{decl_id}").get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        return client.post(f"/authority/declarations/{decl_id}/{action}",
                           data={"csrf_token": csrf_token(page), "version": version, **extra})

    assert act(one, "accept").status_code == 302
    assert act(one, "approve").status_code == 302
    assert act(two, "return", reason="  ").status_code == 422  # refused: rolled back, nothing recorded
    assert audit_count(app, "declaration.return") == 0
    assert act(two, "return", reason="发票日期与发票不符").status_code == 302
    log_out(client)
    log_in("root_admin")
    rows = log_rows(client)
    assert rows_with(rows, "officer_2200", "| 受理 |", f"申报 {first_no}")
    assert rows_with(rows, "officer_2200", "| 审核通过 |", f"申报 {first_no}")
    assert rows_with(rows, "officer_2200", "| 退证 |", f"申报 {second_no}", "原因: 发票日期与发票不符")
    assert rows_with(rows, "root_admin", "系统设置", "自动审核的证书类型: * → （空）")
    log_out(client)
    log_in("admin_a")  # the authority's own records are not the enterprise's
    assert not rows_with(log_rows(client), "officer_2200")


# ---------------------------------------------------------------- code tables and settings
def _entry_id(app, table, code):
    from app.refdata.models import CodeEntry

    with app.app_context():
        return db.session.scalar(sa.select(CodeEntry.id).where(CodeEntry.table == table, CodeEntry.code == code))


def test_it_records_code_table_edits_and_imports(app, client, cast, log_in):
    import io

    log_in("root_admin")
    entry_id = _entry_id(app, "transport_mode", "2")
    edit = f"/admin/refdata/transport_mode/{entry_id}"
    assert post(client, edit, {"code": "2", "name_zh": "水路运输", "name_en": "Sea", "category": "", "sort": "1",
                               "attrs": '{"phrase": "BY SEA FREIGHT"}', "source": "local", "active": "y"},
                edit).status_code == 302
    assert post(client, "/admin/refdata/currency/new", {"code": "XQQ", "name_zh": "测试币", "name_en": "Test",
                                                        "sort": "5", "attrs": "", "active": "y"},
                "/admin/refdata/currency/new").status_code == 302
    gbp = _entry_id(app, "currency", "GBP")
    post(client, f"/admin/refdata/currency/{gbp}/active", {"active": "0"}, "/admin/refdata/currency")
    token = csrf_token(client.get("/admin/refdata/package_unit").get_data(as_text=True))
    bad = client.post("/admin/refdata/package_unit/import", content_type="multipart/form-data",
                      data={"csrf_token": token, "file": (io.BytesIO((HEADER + ",无代码,NO CODE\nBOX,箱,BOX\n").encode()), "u.csv")})
    assert bad.status_code == 422 and audit_count(app, "refdata.import") == 0  # changed nothing, recorded nothing
    good = client.post("/admin/refdata/package_unit/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO((HEADER + "ZZB,纸箱,CARTON BOX\n").encode()),
                                                           "units.csv")})
    assert good.status_code == 302
    rows = log_rows(client)
    assert rows_with(rows, "root_admin", "修改参数", "参数表 运输方式 2", "属性:", "→", "phrase: BY SEA FREIGHT")
    assert rows_with(rows, "新增参数", "参数表 币制 XQQ", "中文名称: 测试币", "启用: 是")
    assert rows_with(rows, "停用参数", "参数表 币制 GBP")
    assert rows_with(rows, "导入参数表", "参数表 包装单位", "新增条数: 1", "文件: units.csv")


def test_a_settings_change_is_recorded_with_old_and_new_values(client, cast, log_in):
    log_in("root_admin")
    data = {**settings_form(client), "login.lockout_minutes": "30"}
    assert client.post("/admin/settings", data=data).status_code == 302
    assert rows_with(log_rows(client), "root_admin", "系统设置", "登录锁定时长（分钟）: 15 → 30")


# ---------------------------------------------------------------- refused requests
def test_a_csrf_failure_is_recorded_and_still_answers_400(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    client.get(f"/certificates/{cert_id}")  # the page the forged form pretends to come from
    refused = client.post(f"/certificates/{cert_id}/delete", data={"csrf_token": "forged"})
    assert refused.status_code == 400
    assert client.post(f"/certificates/{cert_id}/copy", data={}).status_code == 400
    with app.app_context():
        assert db.session.get(Certificate, cert_id) is not None  # refused, nothing changed
    log_out(client)
    log_in("admin_a")
    rows = log_rows(client, action="security.csrf")
    assert rows_with(rows, "clerk_a", "甲进出口有限公司", "安全令牌校验失败", f"POST /certificates/{cert_id}/delete",
                     "原因: 安全令牌无效")
    assert rows_with(rows, "clerk_a", f"POST /certificates/{cert_id}/copy", "原因: 缺少安全令牌")


def test_an_anonymous_csrf_failure_is_recorded_for_the_sysadmin(client, cast, log_in):
    assert client.post("/login", data={"username": "admin_a", "password": "x"}).status_code == 400
    log_in("root_admin")
    assert rows_with(log_rows(client), "未登录用户", "安全令牌校验失败", "POST /login")


def test_a_denied_page_is_recorded(client, cast, log_in):
    log_in("clerk_a")
    assert client.get("/admin/settings").status_code == 403
    assert client.get("/audit").status_code == 403
    log_out(client)
    log_in("admin_a")
    rows = log_rows(client, action="security.denied")
    assert rows_with(rows, "clerk_a", "拒绝访问", "GET /admin/settings")
    assert rows_with(rows, "clerk_a", "GET /audit")


def test_an_audit_log_that_cannot_be_written_does_not_turn_a_refusal_into_a_500(app, client, cast, log_in,
                                                                               monkeypatch):
    log_in("clerk_a")

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT INTO audit_log", {}, Exception("database is locked"))

    monkeypatch.setattr(audit, "record", broken)
    assert client.post("/certificates/new/C", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/admin/settings").status_code == 403
    assert client.get("/").status_code == 200  # the session and the database are fine afterwards


# ---------------------------------------------------------------- the page
def test_the_page_is_readable_and_never_shows_json(client, cast, log_in):
    log_in("admin_a")  # enterprise A exists: its creation and its users' creation are logged
    page = client.get("/audit").get_data(as_text=True)
    rows = log_rows(client)
    assert rows_with(rows, "创建用户", "用户 clerk_a", "角色: 企业操作员", "姓名: clerk_a")
    body = re.search(r'<tbody id="audit-rows">(.*?)</tbody>', page, re.S).group(1)
    assert "{" not in body and "}" not in body and "&#34;" not in body and "&quot;" not in body
    assert "user.create" not in body


def test_the_filters_narrow_the_list(app, client, cast, log_in):
    log_in("clerk_a")
    client.get("/admin/settings")
    log_out(client)
    log_in("admin_a")
    assert rows_with(log_rows(client), "创建用户")
    denied = log_rows(client, action="security.denied")
    assert denied and all("拒绝访问" in r for r in denied)
    by_clerk = log_rows(client, user="clerk_a")
    assert by_clerk and all("| clerk_a |" in r for r in by_clerk)
    assert log_rows(client, date_from="2000-01-01", date_to="2000-01-02") == ["暂无记录"]
    assert log_rows(client, date_from="1-1-1", date_to="99999-99-99", before="99999999999999999999")  # ignored
    htmx = client.get("/audit?action=security.denied", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "<html" not in htmx.get_data(as_text=True)
    assert 'id="audit-results"' in htmx.get_data(as_text=True) and "HX-Request" in htmx.headers["Vary"]


def test_an_admin_never_sees_another_enterprises_rows(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    client.post(f"/certificates/{cert_id}/copy", data=page_form(client, f"/certificates/{cert_id}"))
    client.post(f"/certificates/{cert_id}/delete", data={"csrf_token": "forged"})
    client.get("/admin/settings")
    log_out(client)
    log_in("admin_b")
    rows = log_rows(client)
    assert rows and not rows_with(rows, "clerk_a") and not rows_with(rows, "甲进出口有限公司")
    assert not rows_with(rows, cert_no(app, cert_id))
    for filters in ({"user": "clerk_a"}, {"action": "security.csrf"}, {"action": "certificate.copy"}):
        assert log_rows(client, **filters) == ["暂无记录"]
    assert all("乙贸易有限公司" in r for r in rows)
    log_out(client)
    log_in("root_admin")  # the system administrator sees both
    everything = log_rows(client)
    assert rows_with(everything, "clerk_a", "复制证书") and rows_with(everything, "乙贸易有限公司")


def test_only_admins_open_the_page(client, cast, log_in):
    log_in("clerk_a")
    assert client.get("/audit").status_code == 403
    log_out(client)
    log_in("officer_sh")
    assert client.get("/audit").status_code == 403


def test_older_rows_page_on_without_gaps_or_repeats(app, client, cast, log_in):
    log_in("clerk_a")
    for n in range(60):
        client.get(f"/admin/refdata/country?n={n}")  # 60 denied requests, some within the same second
    log_out(client)
    log_in("admin_a")
    first = log_rows(client, action="security.denied")
    assert len(first) == 50
    page = client.get("/audit?action=security.denied").get_data(as_text=True)
    more = html_lib.unescape(re.search(r'id="audit-more"><td colspan="7"><a href="([^"]+)"', page).group(1))
    assert "action=security.denied" in more
    rest = client.get(more, headers={"HX-Request": "true"})
    older = re.findall(r"<tr><td>", rest.get_data(as_text=True))
    assert len(older) == 10 and 'id="audit-more"' not in rest.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "security.denied")) \
            == 60
