"""The app shell (第五篇): menu per role, tabs as panes, menu collapse, errors, security headers."""
import re

import pytest

from app.accounts.models import User
from app.extensions import db
from app import create_app
from tests.conftest import dispose, make_config
from tests.support import HTMX, csrf_token

MENUS = {
    "clerk_a": ["新建证书", "证书查询", "商品库", "初始值设置"],
    "admin_a": ["新建证书", "证书查询", "商品库", "初始值设置", "我的资质", "经核准出口商", "用户管理", "API 令牌", "操作日志"],
    "officer_sh": ["审核工作台"],
    "root_admin": ["企业管理", "审核员管理", "发送方登记", "参数表", "系统设置", "操作日志"],
}


def _menu(html):
    sidebar = html.split('id="sidebar"')[1].split('id="main"')[0]
    return [part.split("</span>")[0] for part in sidebar.split('<span class="label">')[1:]]


@pytest.mark.parametrize("username", sorted(MENUS))
def test_each_role_sees_its_own_menu(username, client, cast, log_in):
    log_in(username)
    assert _menu(client.get("/").get_data(as_text=True)) == MENUS[username]


def test_the_header_shows_enterprise_user_and_logout(client, cast, log_in):
    log_in("clerk_a")
    header = client.get("/").get_data(as_text=True).split('id="sidebar"')[0]
    assert "甲进出口有限公司" in header and "clerk_a" in header and ">退出</button>" in header


@pytest.mark.parametrize("username,url,title", [("officer_sh", "/authority/desk", "审核工作台"),
                                                ("clerk_a", "/certificates", "证书查询")])
def test_the_menu_pages_are_built(username, url, title, client, cast, log_in):
    log_in(username)
    html = client.get(url).get_data(as_text=True)
    assert f"<h1>{title}" in html and "功能建设中" not in html


def test_a_page_loaded_into_a_tab_pane_comes_without_the_shell(client, cast, log_in):
    log_in("admin_a")
    response = client.get("/users", headers={**HTMX, "HX-Target": "pane-3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'id="sidebar"' not in html
    assert 'data-title="用户管理"' in html and 'id="user-table"' in html
    assert {"HX-Request", "HX-Target"} <= set(response.headers["Vary"].replace(" ", "").split(","))


def test_a_plain_request_gets_the_whole_shell_with_a_static_tab(client, cast, log_in):
    log_in("admin_a")
    html = client.get("/users").get_data(as_text=True)
    assert html.startswith("<!DOCTYPE html>") and 'id="sidebar"' in html
    tabs = html.split('id="tabs"')[1].split("</ul>")[0]
    assert ">首页</a>" in tabs and ">用户管理</a>" in tabs


def test_htmx_is_loaded_as_a_module_so_old_browsers_skip_it(client, cast, log_in):
    log_in("admin_a")
    html = client.get("/").get_data(as_text=True)
    script_url = re.search(r'<script type="module" src="(/static/v/\w+/js/app\.js)"></script>', html).group(1)
    assert '"X-CSRFToken"' in html.split("<body")[1].split(">")[0]
    assert '"422","swap":true' in html  # htmx-config lets 422 re-render the form
    with client.get(script_url) as script:
        assert 'import htmx from "../vendor/htmx.esm.min.js"' in script.get_data(as_text=True)
    for name in ("htmx.esm.min.js", "htmx.LICENSE.txt"):
        with client.get(f"/static/vendor/{name}") as vendored:
            assert vendored.status_code == 200


def test_the_menu_collapse_is_remembered_without_js(app, client, cast, log_in):
    log_in("clerk_a")
    token = csrf_token(client.get("/certificates").get_data(as_text=True))
    response = client.post("/ui/menu", data={"csrf_token": token, "collapsed": "1", "next": "/certificates"})
    assert response.status_code == 302 and response.headers["Location"] == "/certificates"
    assert 'class="shell menu-collapsed"' in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, cast.clerk_a).menu_collapsed


def test_the_menu_collapse_ignores_a_foreign_next(client, cast, log_in):
    log_in("clerk_a")
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post("/ui/menu", data={"csrf_token": token, "collapsed": "0", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_an_unknown_page_gets_a_chinese_404_inside_the_shell(client, cast, log_in):
    log_in("clerk_a")
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "页面不存在" in html and 'id="sidebar"' in html


def test_an_unexpected_error_shows_no_stack_trace(db_url, cast):
    app = create_app(make_config(db_url))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统错误" in html and "secret internals" not in html and "Traceback" not in html
    dispose(app)


def test_security_headers_are_set(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_httponly_and_samesite(client, cast, log_in):
    response = log_in("clerk_a")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_carry_no_inline_script_or_style(client, cast, log_in):
    log_in("admin_a")
    for url in ("/", "/users", "/qualification", "/login"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "<script " not in html.replace('<script type="module" src=', "")
        assert " style=" not in html and "<style" not in html


def test_health_check_answers(client):
    """The suite runs no jobs process (HEALTH_REQUIRE_JOBS off): the database decides (test_observability.py)."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "jobs": {
        "status": "missing", "heartbeat_age_seconds": None, "stale_after_seconds": 30, "required": False}}


def test_htmx_responses_carry_a_fresh_csrf_token_that_rescues_a_stale_page(app, client, captchas, cast):
    from tests.support import login

    login(client, captchas, "admin_a")
    stale = csrf_token(client.get("/users").get_data(as_text=True))
    # In another window: 退出, then log in again (a new session, a new token).
    client.post("/logout", data={"csrf_token": stale})
    login(client, captchas, "admin_a")
    response = client.post("/ui/menu", data={"csrf_token": stale, "collapsed": "1"},
                           headers={**HTMX, "X-CSRFToken": stale})
    assert response.status_code == 400
    assert "已自动更新" in response.get_data(as_text=True)
    fresh = response.headers["X-CSRF-Token"]
    again = client.post("/ui/menu", data={"collapsed": "1"}, headers={**HTMX, "X-CSRFToken": fresh})
    assert again.status_code == 204


def test_a_concurrent_change_is_refused_with_a_message_not_a_stack_trace(db_url, cast):
    from sqlalchemy.exc import IntegrityError

    app = create_app(make_config(db_url))

    @app.get("/clash")
    def clash():
        raise IntegrityError("INSERT …", {}, Exception("duplicate key"))

    response = app.test_client().get("/clash")
    assert response.status_code == 409
    assert "本次保存未生效" in response.get_data(as_text=True)
    dispose(app)
