"""登录 with captcha, throttling, logout, session lifetime."""
import re
from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.accounts.models import Captcha, User, UserSession
from app.extensions import db
from app.settings.models import SystemSetting
from app.timeutil import utcnow
from tests.conftest import dispose, make_config
from tests.support import PASSWORD, captcha_id, csrf_token, login


def test_it_shows_a_captcha_picture_that_works_once(client, captchas):
    page = client.get("/login").get_data(as_text=True)
    cid = captcha_id(page)
    image = client.get(f"/captcha/{cid}.png")
    assert image.status_code == 200
    assert image.mimetype == "image/png"
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "no-store" in image.headers["Cache-Control"]
    assert len(captchas[cid]) == 4


def test_it_logs_in_with_the_right_captcha(client, captchas, cast):
    response = login(client, captchas, "admin_a")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "甲进出口有限公司" in home and "退出" in home


def test_the_captcha_answer_is_not_case_sensitive(client, captchas, cast):
    page = client.get("/login").get_data(as_text=True)
    cid = captcha_id(page)
    response = client.post("/login", data={"csrf_token": csrf_token(page), "username": "admin_a",
                                           "password": PASSWORD, "captcha_id": cid, "captcha": captchas[cid].lower()})
    assert response.status_code == 302


def test_it_refuses_a_wrong_captcha_and_keeps_the_username(client, captchas, cast):
    page = client.get("/login").get_data(as_text=True)
    cid = captcha_id(page)
    wrong = "".join("A" if c != "A" else "C" for c in captchas[cid])
    response = client.post("/login", data={"csrf_token": csrf_token(page), "username": "admin_a",
                                           "password": PASSWORD, "captcha_id": cid, "captcha": wrong})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "验证码错误或已过期" in html
    assert 'value="admin_a"' in html
    assert PASSWORD not in html  # the password is never sent back
    assert client.get("/").status_code == 302


def test_a_captcha_cannot_be_used_twice(client, captchas, cast):
    page = client.get("/login").get_data(as_text=True)
    cid, token = captcha_id(page), csrf_token(page)
    answer = captchas[cid]
    first = client.post("/login", data={"csrf_token": token, "username": "admin_a", "password": "wrong-pass1",
                                        "captcha_id": cid, "captcha": answer})
    assert first.status_code == 422 and "用户名或密码错误" in first.get_data(as_text=True)
    second = client.post("/login", data={"csrf_token": token, "username": "admin_a", "password": PASSWORD,
                                         "captcha_id": cid, "captcha": answer})
    assert second.status_code == 422
    assert "验证码错误或已过期" in second.get_data(as_text=True)
    assert client.get(f"/captcha/{cid}.png").status_code == 404


def test_an_expired_captcha_is_refused(app, client, captchas, cast):
    page = client.get("/login").get_data(as_text=True)
    cid = captcha_id(page)
    with app.app_context():
        db.session.execute(sa.update(Captcha).where(Captcha.id == cid).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.post("/login", data={"csrf_token": csrf_token(page), "username": "admin_a",
                                           "password": PASSWORD, "captcha_id": cid, "captcha": captchas[cid]})
    assert response.status_code == 422
    assert "验证码错误或已过期" in response.get_data(as_text=True)


def test_the_refresh_button_gives_a_new_captcha_without_js_and_keeps_the_username(client, captchas):
    page = client.get("/login").get_data(as_text=True)
    old = captcha_id(page)
    response = client.post("/login", data={"csrf_token": csrf_token(page), "username": "someone",
                                           "captcha_id": old, "action": "refresh"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert captcha_id(html) != old
    assert 'value="someone"' in html


def test_htmx_gets_a_new_captcha_fragment(client):
    response = client.get("/captcha/new", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'id="captcha-box"' in html


def test_unknown_user_and_wrong_password_get_the_same_message(client, captchas, cast):
    unknown = login(client, captchas, "nobody_here", PASSWORD)
    wrong = login(client, captchas, "admin_a", "Wrong-pass1")
    assert unknown.status_code == wrong.status_code == 422
    for response in (unknown, wrong):
        assert "用户名或密码错误" in response.get_data(as_text=True)


def test_it_locks_an_account_after_repeated_failures(client, captchas, cast):
    for _ in range(5):
        assert login(client, captchas, "clerk_a", "Wrong-pass1").status_code == 422
    locked = login(client, captchas, "clerk_a", PASSWORD)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.get_data(as_text=True)
    # Another account from the same address is not affected by this account's lock.
    assert login(client, captchas, "admin_a").status_code == 302


def test_the_lock_holds_in_another_process(app, db_url, client, captchas, cast):
    for _ in range(5):
        login(client, captchas, "clerk_a", "Wrong-pass1")
    other = create_app(make_config(db_url))  # its own engine and connections, like a second worker
    other_client = other.test_client()
    assert login(other_client, other.config["CAPTCHAS"], "clerk_a").status_code == 429
    dispose(other)


def test_it_locks_a_client_address_trying_many_accounts(app, client, captchas, cast):
    with app.app_context():
        db.session.add(SystemSetting(key="login.max_failures_per_address", value="3"))
        db.session.commit()
    for name in ("guess_one", "guess_two", "guess_three"):
        login(client, captchas, name, "Wrong-pass1")
    response = login(client, captchas, "admin_b")
    assert response.status_code == 429


def test_the_lock_ends_after_the_window(app, client, captchas, cast):
    for _ in range(5):
        login(client, captchas, "clerk_a", "Wrong-pass1")
    with app.app_context():
        from app.accounts.models import LoginAttempt
        db.session.execute(sa.update(LoginAttempt).values(at=LoginAttempt.at - timedelta(minutes=16)))
        db.session.commit()
    assert login(client, captchas, "clerk_a").status_code == 302


def test_logout_ends_the_session_on_the_server(app, client, captchas, cast):
    login(client, captchas, "admin_a")
    copied = client.get_cookie("co_session").value
    page = client.get("/").get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    replay = app.test_client()
    replay.set_cookie("co_session", copied)
    response = replay.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_session_ends_after_the_idle_timeout(app, client, captchas, cast):
    login(client, captchas, "admin_a")
    with app.app_context():
        db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=121)))
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "登录已超时" in follow


def test_a_tab_left_polling_does_not_keep_the_session_alive(app, client, captchas, cast, make_certificate):
    """The 通知 mark and the live status poll by themselves: they are not the user, so they do not count as
    activity and an unattended tab still times out; a page the user asks for does."""
    cert_id = make_certificate(items=1, status="declared")
    login(client, captchas, "clerk_a")
    fragment = {"HX-Request": "true", "HX-Target": "notice-mark"}
    earlier = utcnow() - timedelta(minutes=100)
    with app.app_context():
        db.session.execute(sa.update(UserSession).values(last_seen_at=earlier))
        db.session.commit()
    assert client.get("/ui/notices?shown=0", headers=fragment).status_code == 200
    assert client.get(f"/certificates/{cert_id}/status", headers=fragment).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(UserSession.last_seen_at)) == earlier
    assert client.get("/").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(UserSession.last_seen_at)) > earlier
    dispose(app)


def test_a_session_ends_at_its_absolute_lifetime_even_when_active(app, client, captchas, cast):
    login(client, captchas, "admin_a")
    with app.app_context():
        db.session.execute(sa.update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/").status_code == 302


def test_htmx_requests_without_a_session_are_sent_to_login(client):
    response = client.get("/users", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_it_only_follows_local_next_addresses(client, captchas, cast):
    page = client.get("/login?next=//evil.example/x").get_data(as_text=True)
    cid = captcha_id(page)
    response = client.post("/login", data={"csrf_token": csrf_token(page), "username": "admin_a",
                                           "password": PASSWORD, "captcha_id": cid, "captcha": captchas[cid],
                                           "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


def test_it_returns_to_the_page_asked_for(client, captchas, cast):
    assert client.get("/users").headers["Location"] == "/login?next=/users"
    response = login(client, captchas, "admin_a", next="/users")
    assert response.headers["Location"] == "/users"


def test_a_login_post_without_csrf_token_is_refused(client, captchas, cast):
    page = client.get("/login").get_data(as_text=True)
    cid = captcha_id(page)
    response = client.post("/login", data={"username": "admin_a", "password": PASSWORD,
                                           "captcha_id": cid, "captcha": captchas[cid]})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_captcha_can_be_switched_off_for_automation(db_url, cast):
    app = create_app(make_config(db_url, CAPTCHA_ENABLED=False))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "captcha" not in page.lower()
    response = client.post("/login", data={"csrf_token": csrf_token(page), "username": "admin_a",
                                           "password": PASSWORD})
    assert response.status_code == 302
    dispose(app)


def test_a_disabled_account_cannot_log_in(app, client, captchas, cast):
    with app.app_context():
        db.session.get(User, cast.clerk_a).is_active = False
        db.session.commit()
    response = login(client, captchas, "clerk_a")
    assert response.status_code == 422
    assert "已停用" in response.get_data(as_text=True)


def test_login_page_has_username_password_captcha_and_button(client):
    html = client.get("/login").get_data(as_text=True)
    for text in ("用户名", "密码", "验证码", "登录", "换一张"):
        assert text in html
    assert re.search(r'<img src="/captcha/[^"]+\.png"', html)


def test_a_full_width_answer_from_a_chinese_keyboard_is_accepted(client, captchas, cast):
    page = client.get("/login").get_data(as_text=True)
    cid = captcha_id(page)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in captchas[cid])  # "ＡＢ３４"
    response = client.post("/login", data={"csrf_token": csrf_token(page), "username": "admin_a",
                                           "password": PASSWORD, "captcha_id": cid, "captcha": full_width})
    assert response.status_code == 302


def test_a_chinese_answer_is_simply_wrong(client, captchas, cast):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_token(page), "username": "admin_a",
                                           "password": PASSWORD, "captcha_id": captcha_id(page), "captcha": "验证码"})
    assert response.status_code == 422
    assert "验证码错误或已过期" in response.get_data(as_text=True)


def test_logging_in_again_ends_the_previous_session_of_that_browser(app, client, captchas, cast):
    login(client, captchas, "clerk_a")
    first_cookie = client.get_cookie("co_session").value
    token = csrf_token(client.get("/password").get_data(as_text=True))
    cid = captcha_id(client.get("/captcha/new").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token, "username": "admin_a", "password": PASSWORD,
                                           "captcha_id": cid, "captcha": captchas[cid]})
    assert response.status_code == 302
    replay = app.test_client()
    replay.set_cookie("co_session", first_cookie)
    assert replay.get("/").status_code == 302


def test_an_expired_session_keeps_the_page_of_an_htmx_submit(app, client, captchas, cast):
    login(client, captchas, "admin_a")
    token = csrf_token(client.get("/users").get_data(as_text=True))
    with app.app_context():
        db.session.execute(sa.update(UserSession).values(revoked_at=utcnow()))
        db.session.commit()
    response = client.post("/users", data={"csrf_token": token, "username": "x"},
                           headers={"HX-Request": "true", "HX-Target": "users"})
    assert response.status_code == 401
    assert "HX-Redirect" not in response.headers
    assert "内容仍保留在页面上" in response.get_data(as_text=True)


def test_the_cookie_is_secure_when_configured(db_url, cast):
    app = create_app(make_config(db_url, SESSION_COOKIE_SECURE=True))
    client = app.test_client()
    response = login(client, app.config["CAPTCHAS"], "admin_a")
    assert "Secure" in response.headers["Set-Cookie"]
    dispose(app)


def test_parallel_requests_of_one_session_all_succeed(app, client, captchas, cast):
    """Eight pages at once, each wanting to record activity: none fails with "database is locked"."""
    from concurrent.futures import ThreadPoolExecutor

    login(client, captchas, "admin_a")
    cookie = client.get_cookie("co_session").value
    with app.app_context():
        db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()

    def fetch(url):
        c = app.test_client()
        c.set_cookie("co_session", cookie)
        return c.get(url).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(fetch, ["/", "/users", "/audit", "/qualification"] * 4))
    assert codes == [200] * 16


def test_parallel_login_pages_all_get_a_captcha(app):
    from concurrent.futures import ThreadPoolExecutor

    def fetch(_):
        return app.test_client().get("/login").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(fetch, range(16))) == [200] * 16


# ------------------------------------------------------------------ initial passwords (set by an admin)
def _new_user_by_admin(app, captchas, password="Start-pass-4471"):
    """admin_a creates new.clerk on 用户管理 with an initial password; returns a fresh client."""
    from tests.support import post

    admin = app.test_client()
    login(admin, captchas, "admin_a")
    response = post(admin, "/users", {"username": "new.clerk", "display_name": "新操作员", "role": "clerk",
                                      "password": password}, "/users")
    assert response.status_code == 302
    return app.test_client()


def test_the_first_login_with_an_initial_password_asks_for_ones_own_on_a_clear_page(app, captchas, cast):
    user = _new_user_by_admin(app, captchas)
    assert login(user, captchas, "new.clerk", "Start-pass-4471").status_code == 302
    bounced = user.get("/certificates")
    assert bounced.status_code == 302 and bounced.headers["Location"] == "/password"
    page = user.get("/password").get_data(as_text=True)
    assert "<h1>设置您自己的密码</h1>" in page and "管理员设置的初始密码" in page and "后失效" in page
    assert "即管理员告诉您的初始密码" in page
    weak = user.post("/password", data={"csrf_token": csrf_token(page), "current": "Start-pass-4471",
                                        "new": "Password123!", "confirm": "Password123!"})
    assert weak.status_code == 422 and "密码太容易被猜到" in weak.get_data(as_text=True)
    done = user.post("/password", data={"csrf_token": csrf_token(page), "current": "Start-pass-4471",
                                        "new": "my own kettle 7", "confirm": "my own kettle 7"})
    assert done.status_code == 302
    assert user.get("/certificates").status_code == 200
    with app.app_context():
        stored = db.session.scalar(sa.select(User).where(User.username == "new.clerk"))
        assert not stored.must_change_password and stored.password_expires_at is None


def test_an_initial_password_expires(app, captchas, cast):
    user = _new_user_by_admin(app, captchas)
    with app.app_context():
        stored = db.session.scalar(sa.select(User).where(User.username == "new.clerk"))
        assert timedelta(hours=71) < stored.password_expires_at - utcnow() <= timedelta(hours=72)
        stored.password_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = login(user, captchas, "new.clerk", "Start-pass-4471")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "初始密码已过期" in html and "请联系管理员重新设置" in html
    assert user.get("/").status_code == 302
    # A wrong password still gets the generic message: the expiry is said only to whoever knows the password.
    wrong = login(user, captchas, "new.clerk", "Wrong-pass-9921").get_data(as_text=True)
    assert "用户名或密码错误" in wrong and "过期" not in wrong


def test_an_expired_initial_password_is_renewed_by_a_reset(app, captchas, cast):
    from tests.support import post

    user = _new_user_by_admin(app, captchas)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.username == "new.clerk")
                           .values(password_expires_at=utcnow() - timedelta(minutes=1)))
        uid = db.session.scalar(sa.select(User.id).where(User.username == "new.clerk"))
        db.session.commit()
    admin = app.test_client()
    login(admin, captchas, "admin_a")
    post(admin, f"/users/{uid}/password", {"new": "Second-start-8812", "confirm": "Second-start-8812"}, f"/users/{uid}")
    assert login(user, captchas, "new.clerk", "Second-start-8812").status_code == 302


def test_a_password_the_user_chose_never_expires_this_way(app, client, captchas, cast):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.username == "clerk_a")
                           .values(password_expires_at=utcnow() - timedelta(days=1)))  # must_change_password is off
        db.session.commit()
    assert login(client, captchas, "clerk_a").status_code == 302
