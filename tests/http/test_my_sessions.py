"""登录会话: a user sees their own live sessions and ends any of them; the ended browser is logged out."""
import re
from datetime import timedelta

import sqlalchemy as sa

from app.accounts.models import AuditLog, UserSession
from app.extensions import db
from app.timeutil import utcnow
from tests.support import HTMX, csrf_token, login

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")


def _two_browsers(app, captchas, username="clerk_a"):
    """The same user logged in from a Linux Firefox (laptop) and a Windows Chrome (office)."""
    laptop = app.test_client()
    laptop.environ_base.update(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="10.0.0.7")
    office = app.test_client()
    office.environ_base.update(HTTP_USER_AGENT=CHROME, REMOTE_ADDR="10.0.0.8")
    for browser in (laptop, office):
        assert login(browser, captchas, username).status_code == 302
    return laptop, office


def _session_ids(app, user_id):
    with app.app_context():
        return {ip: sid for sid, ip in db.session.execute(sa.select(UserSession.id, UserSession.ip).where(
            UserSession.user_id == user_id, UserSession.revoked_at.is_(None)))}


def test_it_lists_the_users_live_sessions_with_device_address_and_times_and_marks_this_one(app, cast, captchas):
    laptop, _office = _two_browsers(app, captchas)
    page = laptop.get("/account/sessions")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    rows = re.findall(r'<tr id="session-\d+".*?</tr>', html, re.S)
    assert len(rows) == 2
    mine = next(r for r in rows if "当前会话" in r)
    other = next(r for r in rows if "当前会话" not in r)
    assert "Firefox 128 · Linux" in mine and "10.0.0.7" in mine
    assert "Chrome 120 · Windows" in other and "10.0.0.8" in other
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", other)  # started and last seen
    assert "结束其他所有会话" in html


def test_ending_another_session_logs_that_browser_out_at_its_next_request(app, cast, captchas):
    laptop, office = _two_browsers(app, captchas)
    assert office.get("/certificates").status_code == 200
    office_session = _session_ids(app, cast.clerk_a)["10.0.0.8"]
    page = laptop.get("/account/sessions").get_data(as_text=True)
    response = laptop.post(f"/account/sessions/{office_session}/end", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/account/sessions"
    assert "该会话已结束" in laptop.get("/account/sessions").get_data(as_text=True)
    gone = office.get("/certificates")
    assert gone.status_code == 302 and gone.headers["Location"].startswith("/login")
    assert laptop.get("/certificates").status_code == 200  # the laptop stays logged in
    with app.app_context():
        assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.action == "session.end"))


def test_ending_a_session_needs_the_csrf_token(app, cast, captchas):
    laptop, office = _two_browsers(app, captchas)
    office_session = _session_ids(app, cast.clerk_a)["10.0.0.8"]
    assert laptop.post(f"/account/sessions/{office_session}/end").status_code == 400
    assert office.get("/certificates").status_code == 200


def test_nobody_can_end_another_users_session(app, cast, captchas):
    laptop, office = _two_browsers(app, captchas)
    office_session = _session_ids(app, cast.clerk_a)["10.0.0.8"]
    stranger = app.test_client()
    login(stranger, captchas, "clerk_b")
    page = stranger.get("/account/sessions").get_data(as_text=True)
    assert "10.0.0.8" not in page
    stranger.post(f"/account/sessions/{office_session}/end", data={"csrf_token": csrf_token(page)})
    assert office.get("/certificates").status_code == 200


def test_ending_the_current_session_is_logging_out(app, cast, captchas):
    laptop, office = _two_browsers(app, captchas)
    own = _session_ids(app, cast.clerk_a)["10.0.0.7"]
    page = laptop.get("/account/sessions").get_data(as_text=True)
    response = laptop.post(f"/account/sessions/{own}/end", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert laptop.get("/").status_code == 302
    assert office.get("/").status_code == 200


def test_ending_all_other_sessions(app, cast, captchas):
    laptop, office = _two_browsers(app, captchas)
    third = app.test_client()
    login(third, captchas, "clerk_a")
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert laptop.post("/account/sessions/end-others", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert office.get("/").status_code == 302 and third.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
    assert len(re.findall(r'<tr id="session-', laptop.get("/account/sessions").get_data(as_text=True))) == 1


def test_with_htmx_ending_a_session_answers_the_list(app, cast, captchas):
    laptop, office = _two_browsers(app, captchas)
    office_session = _session_ids(app, cast.clerk_a)["10.0.0.8"]
    page = laptop.get("/account/sessions").get_data(as_text=True)
    response = laptop.post(f"/account/sessions/{office_session}/end", data={"csrf_token": csrf_token(page)},
                           headers={**HTMX, "HX-Target": "my-sessions"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="my-sessions">') and "HX-Request" in response.headers["Vary"]
    assert "该会话已结束" in html and "10.0.0.8" not in html
    assert office.get("/").status_code == 302


def test_an_idle_session_is_not_listed(app, cast, captchas):
    laptop, _office = _two_browsers(app, captchas)
    with app.app_context():
        db.session.execute(sa.update(UserSession).where(UserSession.ip == "10.0.0.8")
                           .values(last_seen_at=utcnow() - timedelta(hours=3)))  # idle beyond SESSION_IDLE_MINUTES
        db.session.commit()
    assert "10.0.0.8" not in laptop.get("/account/sessions").get_data(as_text=True)
