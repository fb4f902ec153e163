"""双重认证 (TOTP): enrolment, the login's code step, codes used once, recovery codes, throttling, mandatory roles.

Codes are computed with pyotp from the secret the page shows, as the user's authenticator app would.
"""
import re

import pyotp
import sqlalchemy as sa

from app.accounts.models import AuditLog, LoginAttempt, RecoveryCode, User
from app.crypto import decrypt
from app.extensions import db
from tests.support import HTMX, PASSWORD, TOTP_SECRET_RE, csrf_token, enrol, login, next_totp_code, post


def _user(app, username) -> User:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def _secret(app, username) -> str:
    return decrypt_in(app, _user(app, username).totp_secret_enc)


def decrypt_in(app, token):
    with app.app_context():
        return decrypt(token)


def _enrolled(app, client, captchas, username="clerk_a"):
    """Log `username` in, enrol through the page, log out; returns (secret, recovery codes)."""
    login(client, captchas, username, second_factor=False)
    codes = enrol(client)
    post(client, "/logout", page_url="/password")
    return _secret(app, username), codes


def _password_step(client, captchas, username="clerk_a"):
    response = login(client, captchas, username, second_factor=False)
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    return response


def _code(client, code):
    page = client.get("/login/code").get_data(as_text=True)
    return client.post("/login/code", data={"csrf_token": csrf_token(page), "code": code})


def _next_code(secret, app, username):
    """A code of this account not used yet (waits for the next one when needed, as a person would)."""
    code = next_totp_code(app, username)
    assert pyotp.TOTP(secret).verify(code, valid_window=1)
    return code


def test_an_officer_without_two_factor_is_sent_to_enrol_before_anything_else(client, cast, captchas):
    assert login(client, captchas, "officer_sh", second_factor=False).status_code == 302
    desk = client.get("/authority/desk")
    assert desk.status_code == 302 and desk.headers["Location"] == "/account/two-factor"
    page = client.get("/account/two-factor")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "必须使用双重认证" in html
    assert 'src="data:image/png;base64,' in html and TOTP_SECRET_RE.search(html)
    assert page.headers["Cache-Control"] == "no-store"
    enrol(client)
    assert client.get("/authority/desk").status_code == 200


def test_a_sysadmin_is_sent_to_enrol_too_but_an_enterprise_user_is_not(client, cast, captchas, app):
    login(client, captchas, "root_admin", second_factor=False)
    assert client.get("/admin/settings").headers["Location"] == "/account/two-factor"
    other = app.test_client()
    login(other, captchas, "clerk_a", second_factor=False)
    assert other.get("/certificates").status_code == 200
    assert "未开启" in other.get("/account/two-factor").get_data(as_text=True)


def test_enrolment_stores_the_secret_encrypted_and_shows_ten_recovery_codes_once(app, client, cast, captchas):
    login(client, captchas, "clerk_a")
    html = client.get("/account/two-factor").get_data(as_text=True)
    secret = TOTP_SECRET_RE.search(html).group(1).replace(" ", "")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    assert secret not in token  # the secret travels encrypted in the form
    response = client.post("/account/two-factor/enrol", data={"csrf_token": csrf_token(html), "token": token,
                                                              "code": pyotp.TOTP(secret).now()})
    done = response.get_data(as_text=True)
    assert response.status_code == 200 and "双重认证已开启" in done
    assert response.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([0-9a-z-]+)</code></li>", done)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[0-9a-z]{5}-[0-9a-z]{5}", c) for c in codes)
    user = _user(app, "clerk_a")
    assert user.totp_enabled_at is not None
    assert secret not in user.totp_secret_enc and decrypt_in(app, user.totp_secret_enc) == secret
    with app.app_context():
        hashes = list(db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == cast.clerk_a)))
        assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
        assert not any(c.replace("-", "") in h for c in codes for h in hashes)
        assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.action == "user.two_factor_enable"))
    again = client.get("/account/two-factor").get_data(as_text=True)
    assert "已开启" in again and codes[0] not in again  # shown once
    assert 'id="recovery-remaining">10<' in again


def test_a_wrong_code_at_enrolment_is_refused_beside_the_field_with_the_same_qr_code(app, client, cast, captchas):
    login(client, captchas, "clerk_a")
    html = client.get("/account/two-factor").get_data(as_text=True)
    secret = TOTP_SECRET_RE.search(html).group(1)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    wrong = "000000" if pyotp.TOTP(secret.replace(" ", "")).now() != "000000" else "111111"
    response = client.post("/account/two-factor/enrol", data={"csrf_token": csrf_token(html), "token": token,
                                                              "code": wrong})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="field-error" id="two-factor-enrol-code-msg">验证码不正确' in page
    assert TOTP_SECRET_RE.search(page).group(1) == secret  # the app already holds this one: keep it
    assert _user(app, "clerk_a").totp_enabled_at is None


def test_the_login_asks_for_the_code_after_the_password_and_only_then_opens_a_session(app, client, cast, captchas):
    secret, _codes = _enrolled(app, client, captchas)
    _password_step(client, captchas)
    assert client.get("/").status_code == 302  # the password alone is not a login
    step = client.get("/login/code")
    assert step.status_code == 200 and "6 位数字" in step.get_data(as_text=True)
    response = _code(client, _next_code(secret, app, "clerk_a"))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "甲进出口有限公司" in client.get("/").get_data(as_text=True)


def test_the_code_step_keeps_the_next_page(app, client, cast, captchas):
    secret, _codes = _enrolled(app, client, captchas)
    login(client, captchas, "clerk_a", second_factor=False, next="/certificates?status=draft")
    response = _code(client, _next_code(secret, app, "clerk_a"))
    assert response.headers["Location"] == "/certificates?status=draft"


def test_a_wrong_code_is_refused_and_counted_like_a_wrong_password(app, client, cast, captchas):
    secret, _codes = _enrolled(app, client, captchas)
    _password_step(client, captchas)
    good = _next_code(secret, app, "clerk_a")
    response = _code(client, "%06d" % ((int(good) + 1) % 1_000_000))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "验证码不正确或已经用过" in html
    assert 'aria-invalid="true"' in html
    assert client.get("/").status_code == 302
    with app.app_context():
        outcomes = list(db.session.scalars(sa.select(LoginAttempt.outcome).where(LoginAttempt.username == "clerk_a")))
    assert "code" in outcomes
    assert _code(client, good).status_code == 302  # the right code still works after a typo


def test_a_code_works_only_once(app, client, cast, captchas):
    secret, _codes = _enrolled(app, client, captchas)
    code = _next_code(secret, app, "clerk_a")
    _password_step(client, captchas)
    assert _code(client, code).status_code == 302
    post(client, "/logout", page_url="/password")
    _password_step(client, captchas)
    replay = _code(client, code)
    assert replay.status_code == 422 and "已经用过" in replay.get_data(as_text=True)


def test_a_recovery_code_works_once(app, client, cast, captchas):
    _secret_, codes = _enrolled(app, client, captchas)
    _password_step(client, captchas)
    response = _code(client, codes[3].upper().replace("-", " "))  # typed in capitals with a space: still good
    assert response.status_code == 302
    assert "还剩 9 个" in client.get("/").get_data(as_text=True)
    post(client, "/logout", page_url="/password")
    _password_step(client, captchas)
    assert _code(client, codes[3]).status_code == 422
    assert _code(client, codes[4]).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.action == "user.recovery_code_used"))


def test_the_code_step_is_throttled_like_the_login(app, client, cast, captchas):
    secret, _codes = _enrolled(app, client, captchas)
    _password_step(client, captchas)
    for _ in range(5):  # login.max_failures_per_account
        assert _code(client, "999999" if pyotp.TOTP(secret).now() != "999999" else "999998").status_code == 422
    locked = _code(client, _next_code(secret, app, "clerk_a"))
    assert locked.status_code == 429 and "已暂时锁定" in locked.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # The lock holds for the account: the password step refuses too, even from a fresh browser.
    other = app.test_client()
    again = login(other, captchas, "clerk_a", second_factor=False)
    assert again.status_code == 429


def test_the_code_step_expires_after_five_minutes(app, client, cast, captchas):
    secret, _codes = _enrolled(app, client, captchas)
    _password_step(client, captchas)
    with client.session_transaction() as cookie:
        pending = dict(cookie["second_step"])
        pending["at"] -= 301
        cookie["second_step"] = pending
    page = client.get("/login/code")
    assert page.status_code == 302 and page.headers["Location"] == "/login"
    assert "请先输入用户名和密码" in client.get("/login").get_data(as_text=True)
    html = client.get("/login").get_data(as_text=True)
    late = client.post("/login/code", data={"csrf_token": csrf_token(html), "code": _next_code(secret, app, "clerk_a")})
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_without_the_password_there_is_no_code_step(client, cast):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login/code", data={"csrf_token": csrf_token(page), "code": "123456"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_an_enterprise_user_may_turn_it_off_with_a_code(app, client, cast, captchas):
    secret, codes = _enrolled(app, client, captchas)
    _password_step(client, captchas)
    assert _code(client, codes[0]).status_code == 302
    response = post(client, "/account/two-factor/disable", {"code": _next_code(secret, app, "clerk_a")},
                    "/account/two-factor")
    assert response.status_code == 302
    assert _user(app, "clerk_a").totp_enabled_at is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0
    post(client, "/logout", page_url="/password")
    assert login(client, captchas, "clerk_a", second_factor=False).headers["Location"] == "/"


def test_an_officer_cannot_turn_it_off_but_can_move_it_to_a_new_phone(app, client, cast, captchas, log_in):
    log_in("officer_sh")
    secret = _secret(app, "officer_sh")
    refused = post(client, "/account/two-factor/disable", {"code": _next_code(secret, app, "officer_sh")},
                   "/account/two-factor")
    assert refused.status_code == 422 and "必须使用双重认证，不能关闭" in refused.get_data(as_text=True)
    assert _user(app, "officer_sh").totp_enabled_at is not None
    moved = post(client, "/account/two-factor/disable", {"code": _next_code(secret, app, "officer_sh"),
                                                         "replace": "1"}, "/account/two-factor")
    assert moved.status_code == 302
    assert client.get("/authority/desk").headers["Location"] == "/account/two-factor"
    enrol(client)
    assert _secret(app, "officer_sh") != secret


def test_new_recovery_codes_replace_the_old_ones(app, client, cast, captchas):
    secret, old = _enrolled(app, client, captchas)
    login(client, captchas, "clerk_a")
    response = post(client, "/account/two-factor/recovery-codes", {"code": old[0]}, "/account/two-factor")
    new = re.findall(r"<li><code>([0-9a-z-]+)</code></li>", response.get_data(as_text=True))
    assert response.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    post(client, "/logout", page_url="/password")
    _password_step(client, captchas)
    assert _code(client, old[1]).status_code == 422
    assert _code(client, new[0]).status_code == 302


def test_a_wrong_code_for_an_action_is_refused_beside_the_field(app, client, cast, captchas):
    _enrolled(app, client, captchas)
    login(client, captchas, "clerk_a")
    response = post(client, "/account/two-factor/recovery-codes", {"code": "12345"}, "/account/two-factor")
    assert response.status_code == 422
    assert 'id="two-factor-manage-code-msg">验证码不正确' in response.get_data(as_text=True)


def test_an_admin_resets_a_lost_second_factor_and_the_officer_enrols_again(app, client, cast, captchas, log_in):
    officer = app.test_client()
    login(officer, captchas, "officer_sh")  # enrols
    assert officer.get("/authority/desk").status_code == 200
    log_in("root_admin")
    page = client.get(f"/users/{cast.officer}").get_data(as_text=True)
    assert "重置双重认证" in page
    response = post(client, f"/users/{cast.officer}/two-factor/reset", {}, f"/users/{cast.officer}")
    assert response.status_code == 302
    assert officer.get("/authority/desk").status_code == 302  # their sessions ended
    assert login(officer, captchas, "officer_sh", second_factor=False).headers["Location"] == "/"
    assert officer.get("/authority/desk").headers["Location"] == "/account/two-factor"


def test_an_enterprise_admin_cannot_reset_another_enterprises_user(client, cast, log_in):
    log_in("admin_b")
    response = post(client, f"/users/{cast.clerk_a}/two-factor/reset", {}, "/users")
    assert response.status_code == 404


def test_the_second_factor_pages_answer_htmx_and_without_it(client, cast, log_in):
    log_in("clerk_a")
    fragment = client.get("/account/two-factor", headers={**HTMX, "HX-Target": "two-factor"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and html.lstrip().startswith('<div id="two-factor">')
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<html" in page and "双重认证" in page


def test_the_user_menu_offers_two_factor_and_sessions(client, cast, log_in):
    log_in("clerk_a")
    home = client.get("/").get_data(as_text=True)
    assert ">双重认证</a>" in home and ">登录会话</a>" in home
    assert PASSWORD not in home


def test_the_demo_officer_signs_in_with_the_printed_secret_or_the_demo_code_command(app, db_url):
    from app import create_app
    from tests.conftest import dispose, make_config

    demo = create_app(make_config(db_url, DEMO_MODE=True))
    runner = demo.test_cli_runner()
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    secret = re.search(r"demo_officer\s+密钥 ([A-Z2-7 ]+)", loaded.output).group(1).replace(" ", "")
    again = runner.invoke(args=["demo", "load"])
    assert secret in again.output.replace(" ", "")  # the same secret: the phone keeps working
    code = runner.invoke(args=["demo", "code", "demo_officer"])
    assert code.exit_code == 0 and re.match(r"\d{6}（\d+ 秒内有效", code.output)
    assert pyotp.TOTP(secret).verify(code.output[:6], valid_window=1)
    client, captchas = demo.test_client(), demo.config["CAPTCHAS"]
    password_step = login(client, captchas, "demo_officer", "Demo@12345", second_factor=False)
    assert password_step.headers["Location"] == "/login/code"
    assert _code(client, code.output[:6]).status_code == 302
    assert client.get("/authority/desk").status_code == 200
    refused = app.test_cli_runner().invoke(args=["demo", "code", "demo_officer"])  # DEMO_MODE=0
    assert refused.exit_code != 0 and "演示模式" in refused.output
    dispose(demo)


def test_the_command_line_resets_a_lost_second_factor_of_the_only_sysadmin(app, client, cast, captchas):
    login(client, captchas, "root_admin")  # enrols
    assert _user(app, "root_admin").totp_enabled_at is not None
    result = app.test_cli_runner().invoke(args=["users", "reset-two-factor", "root_admin"])
    assert result.exit_code == 0 and "已重置 root_admin 的双重认证" in result.output
    assert client.get("/admin/settings").status_code == 302  # the session ended
    assert login(client, captchas, "root_admin", second_factor=False).headers["Location"] == "/"
    assert client.get("/admin/settings").headers["Location"] == "/account/two-factor"
    unknown = app.test_cli_runner().invoke(args=["users", "reset-two-factor", "nobody"])
    assert unknown.exit_code != 0 and "不存在" in unknown.output
