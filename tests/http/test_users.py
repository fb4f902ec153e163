"""用户管理: an enterprise admin creates, edits, disables and resets users of their own enterprise."""
import sqlalchemy as sa

from app.accounts.models import AuditLog, User
from app.extensions import db
from tests.support import HTMX, PASSWORD, csrf_token, login, post

NEW_USER = {"username": "New.Clerk", "display_name": "新操作员", "role": "clerk", "password": "Start-pass-4471"}


def _audit_actions(app):
    with app.app_context():
        return [(a.action, a.actor_name, a.target) for a in db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id))]


def test_it_lists_only_the_admins_own_users(client, cast, log_in):
    log_in("admin_a")
    html = client.get("/users").get_data(as_text=True)
    assert "clerk_a" in html and "admin_a" in html
    assert "clerk_b" not in html and "admin_b" not in html


def test_it_creates_a_user_with_a_plain_post(app, client, cast, log_in):
    log_in("admin_a")
    response = post(client, "/users", NEW_USER, "/users")
    assert response.status_code == 302 and response.headers["Location"] == "/users"
    page = client.get("/users").get_data(as_text=True)
    assert "new.clerk" in page and "首次登录须修改密码" in page
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "new.clerk"))
        assert user.enterprise_id == cast.ent_a and user.must_change_password
        assert user.password_hash.startswith("$argon2id$") and "Start-pass-4471" not in user.password_hash
    assert ("user.create", "admin_a", "user:new.clerk") in _audit_actions(app)


def test_it_creates_a_user_with_htmx_and_returns_the_fragment(client, cast, log_in):
    log_in("admin_a")
    response = post(client, "/users", NEW_USER, "/users", headers={**HTMX, "HX-Target": "users"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="users">')
    assert "new.clerk" in html
    assert "HX-Request" in response.headers["Vary"]


def test_bad_input_is_shown_beside_the_field_and_kept(client, cast, log_in):
    log_in("admin_a")
    response = post(client, "/users", {**NEW_USER, "username": "x", "password": "short"}, "/users",
                    headers={**HTMX, "HX-Target": "users"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "用户名为 3–32 位" in html and "密码至少 12 位" in html
    assert 'value="新操作员"' in html  # the display name typed is still there
    assert "short" not in html  # but a password is never echoed


def test_a_taken_username_is_refused_beside_the_field(client, cast, log_in):
    log_in("admin_a")
    response = post(client, "/users", {**NEW_USER, "username": "clerk_b"}, "/users")
    assert response.status_code == 422
    assert "该用户名已被使用" in response.get_data(as_text=True)


def test_the_new_user_must_change_the_password_at_first_login(app, cast, log_in, client, captchas):
    log_in("admin_a")
    post(client, "/users", NEW_USER, "/users")
    other = app.test_client()
    login(other, captchas, "new.clerk", "Start-pass-4471")
    response = other.get("/certificates")
    assert response.status_code == 302 and response.headers["Location"] == "/password"
    page = other.get("/password").get_data(as_text=True)
    response = other.post("/password", data={"csrf_token": csrf_token(page), "current": "Start-pass-4471",
                                             "new": "Own-choice22", "confirm": "Own-choice22"})
    assert response.status_code == 302
    assert other.get("/").status_code == 200


def test_changing_the_password_checks_the_current_one(client, cast, log_in):
    log_in("clerk_a")
    response = post(client, "/password", {"current": "not-it-1", "new": "Own-choice22", "confirm": "Own-choice22"},
                    "/password")
    assert response.status_code == 422
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_disabling_a_user_ends_their_sessions_at_once(app, client, cast, log_in, captchas):
    clerk = app.test_client()
    login(clerk, captchas, "clerk_a")
    assert clerk.get("/").status_code == 200
    log_in("admin_a")
    response = post(client, f"/users/{cast.clerk_a}/active", {"active": "0"}, f"/users/{cast.clerk_a}")
    assert response.status_code == 302
    assert "停用" in client.get(f"/users/{cast.clerk_a}").get_data(as_text=True)
    assert clerk.get("/").status_code == 302
    assert login(clerk, captchas, "clerk_a").status_code == 422
    post(client, f"/users/{cast.clerk_a}/active", {"active": "1"}, f"/users/{cast.clerk_a}")
    assert login(clerk, captchas, "clerk_a").status_code == 302
    actions = [a for a, _, _ in _audit_actions(app)]
    assert "user.disable" in actions and "user.enable" in actions


def test_resetting_a_password_ends_sessions_and_forces_a_change(app, client, cast, log_in, captchas):
    clerk = app.test_client()
    login(clerk, captchas, "clerk_a")
    log_in("admin_a")
    response = post(client, f"/users/{cast.clerk_a}/password", {"new": "Reset-pass-9183", "confirm": "Reset-pass-9183"},
                    f"/users/{cast.clerk_a}")
    assert response.status_code == 302
    assert clerk.get("/").status_code == 302
    assert login(clerk, captchas, "clerk_a", PASSWORD).status_code == 422
    assert login(clerk, captchas, "clerk_a", "Reset-pass-9183").status_code == 302
    assert clerk.get("/").headers["Location"] == "/password"


def test_a_reset_with_mismatched_passwords_is_refused(client, cast, log_in):
    log_in("admin_a")
    response = post(client, f"/users/{cast.clerk_a}/password", {"new": "Reset-pass-9183", "confirm": "Reset-pass-9184"},
                    f"/users/{cast.clerk_a}")
    assert response.status_code == 422
    assert "两次输入的密码不一致" in response.get_data(as_text=True)


def test_an_admin_can_promote_a_clerk(app, client, cast, log_in):
    log_in("admin_a")
    response = post(client, f"/users/{cast.clerk_a}", {"display_name": "甲新管理员", "role": "ent_admin"},
                    f"/users/{cast.clerk_a}")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, cast.clerk_a)
        assert user.role.value == "ent_admin" and user.display_name == "甲新管理员"


def test_the_last_admin_cannot_be_disabled_or_demoted(client, cast, log_in, app):
    log_in("root_admin")
    response = post(client, f"/users/{cast.admin_a}/active", {"active": "0"}, "/")
    assert response.status_code == 409
    assert "唯一启用的管理员" in response.get_data(as_text=True)
    response = post(client, f"/users/{cast.admin_a}", {"display_name": "x", "role": "clerk"}, "/")
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(User, cast.admin_a).is_active


def test_an_admin_cannot_disable_themselves(client, cast, log_in):
    log_in("admin_a")
    post(client, f"/users/{cast.clerk_a}", {"display_name": "clerk_a", "role": "ent_admin"}, "/")
    response = post(client, f"/users/{cast.admin_a}/active", {"active": "0"}, "/")
    assert response.status_code == 409
    assert "不能停用自己" in response.get_data(as_text=True)


def test_the_admin_sees_the_audit_log_of_their_enterprise_only(client, cast, log_in):
    log_in("admin_a")
    post(client, "/users", NEW_USER, "/users")
    html = client.get("/audit").get_data(as_text=True)
    assert "创建用户" in html and "用户 new.clerk" in html
    assert "clerk_b" not in html


def test_a_common_password_is_refused_as_an_initial_password(client, cast, log_in):
    log_in("admin_a")
    response = post(client, "/users", {**NEW_USER, "password": "Password123!"}, "/users")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "密码太容易被猜到：这是常见密码" in html and "Password123!" not in html


def test_a_passphrase_without_digits_or_capitals_is_a_good_password(app, client, cast, log_in):
    """No composition rule: length and not being common are what count."""
    log_in("admin_a")
    response = post(client, "/users", {**NEW_USER, "password": "purple tractor sings loudly"}, "/users")
    assert response.status_code == 302
    response = post(client, "/password", {"current": PASSWORD, "new": "我家的猫每天早上六点叫醒我",
                                          "confirm": "我家的猫每天早上六点叫醒我"}, "/password")
    assert response.status_code == 302


def test_a_reset_password_must_be_long_and_uncommon_too(client, cast, log_in):
    log_in("admin_a")
    short = post(client, f"/users/{cast.clerk_a}/password", {"new": "Reset-pass9", "confirm": "Reset-pass9"},
                 f"/users/{cast.clerk_a}")
    assert short.status_code == 422 and "密码至少 12 位" in short.get_data(as_text=True)
    common = post(client, f"/users/{cast.clerk_a}/password", {"new": "qwertyuiop123", "confirm": "qwertyuiop123"},
                  f"/users/{cast.clerk_a}")
    assert common.status_code == 422 and "密码太容易被猜到" in common.get_data(as_text=True)
