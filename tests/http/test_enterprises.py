"""企业管理 and 审核员管理 by the sysadmin."""
import sqlalchemy as sa

from app.accounts.models import Enterprise, User
from app.extensions import db
from tests.support import HTMX, login, post

NEW = {"name": "丙实业有限公司", "admin_username": "admin_c", "admin_display_name": "丙管理员",
       "admin_password": "First-pass-5512"}


def test_it_creates_an_enterprise_with_its_first_admin(app, client, cast, log_in, captchas):
    log_in("root_admin")
    response = post(client, "/admin/enterprises", NEW, "/admin/enterprises")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "丙实业有限公司" in page and "admin_c" in page and "未完成" in page
    with app.app_context():
        enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == NEW["name"]))
        admin = db.session.scalar(sa.select(User).where(User.username == "admin_c"))
        assert admin.enterprise_id == enterprise.id and admin.role.value == "ent_admin"
        assert enterprise.qualification is not None and not enterprise.qualification.is_complete
    assert login(app.test_client(), captchas, "admin_c", "First-pass-5512").status_code == 302


def test_htmx_create_returns_the_list_fragment(client, cast, log_in):
    log_in("root_admin")
    response = post(client, "/admin/enterprises", NEW, "/admin/enterprises", headers={**HTMX, "HX-Target": "enterprises"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="enterprises">') and "丙实业有限公司" in html


def test_a_duplicate_name_or_admin_username_is_refused_beside_the_field(client, cast, log_in):
    log_in("root_admin")
    response = post(client, "/admin/enterprises", {**NEW, "name": "甲进出口有限公司", "admin_username": "clerk_a"},
                    "/admin/enterprises")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "该企业名称已存在" in html
    assert 'value="丙管理员"' in html


def test_a_taken_admin_username_is_shown_beside_that_field(client, cast, log_in):
    log_in("root_admin")
    response = post(client, "/admin/enterprises", {**NEW, "admin_username": "clerk_a"}, "/admin/enterprises")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="field-admin_username"' in html and "该用户名已被使用" in html.split('id="field-admin_username"')[1][:600]


def test_disabling_an_enterprise_stops_its_users(app, client, cast, log_in, captchas):
    clerk = app.test_client()
    login(clerk, captchas, "clerk_a")
    log_in("root_admin")
    post(client, f"/admin/enterprises/{cast.ent_a}/active", {"active": "0"}, "/")
    assert clerk.get("/").status_code == 302
    assert login(app.test_client(), captchas, "clerk_a").status_code == 422
    assert login(app.test_client(), captchas, "clerk_b").status_code == 302


def test_the_sysadmin_adds_a_replacement_admin(app, client, cast, log_in):
    log_in("root_admin")
    response = post(client, f"/admin/enterprises/{cast.ent_a}/users",
                    {"username": "admin_a2", "display_name": "甲二", "role": "ent_admin", "password": "Second-pass1"}, "/")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "admin_a2"))
        assert user.enterprise_id == cast.ent_a and user.role.value == "ent_admin"


def test_it_creates_an_officer_of_an_authority(app, client, cast, log_in, captchas):
    log_in("root_admin")
    response = post(client, "/admin/officers", {"username": "officer_nb", "display_name": "宁波审核员",
                                                "authority_code": "宁波海关", "password": "Officer-pass1"}, "/")
    assert response.status_code == 302
    assert "officer_nb" in client.get("/admin/officers").get_data(as_text=True)
    officer = app.test_client()
    login(officer, captchas, "officer_nb", "Officer-pass1")
    assert officer.get("/").headers["Location"] == "/password"  # an admin-set password must be changed


def test_an_officer_needs_a_known_authority(client, cast, log_in):
    log_in("root_admin")
    response = post(client, "/admin/officers", {"username": "officer_x", "display_name": "x",
                                                "authority_code": "ABCD", "password": "Officer-pass1"}, "/")
    assert response.status_code == 422
    assert "请从质检机构代码中选择" in response.get_data(as_text=True)
