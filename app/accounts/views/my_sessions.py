"""登录会话: the user's own live sessions (device, address, started, last seen), each of which they can end."""
from flask import flash, redirect, url_for
from flask_login import current_user, login_required, logout_user

from app.extensions import db
from app.web.htmx import is_fragment_request, render_page_or_fragment

from .. import audit, bp, devices, sessions


def _rows() -> list[dict]:
    return [{"id": row.id, "device": devices.describe(row.user_agent), "user_agent": row.user_agent or "",
             "ip": row.ip or "—", "started": row.created_at, "seen": row.last_seen_at,
             "current": sessions.is_current(row)} for row in sessions.live_sessions(current_user)]


def _page(status=200):
    return render_page_or_fragment("accounts/my_sessions.html", "accounts/_my_sessions.html", status, rows=_rows())


@bp.get("/account/sessions")
@login_required
def my_sessions():
    """The list, the current session marked."""
    return _page()


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def my_session_end(session_id):
    """结束 one session; ending the current one is 退出."""
    current = next((row for row in sessions.live_sessions(current_user)
                    if row.id == session_id and sessions.is_current(row)), None)
    if current is not None:
        sessions.end_current()
        db.session.commit()
        logout_user()
        flash("您已结束当前会话并退出。", "info")
        return redirect(url_for("accounts.login"))
    if sessions.end_own(current_user, session_id):
        audit.record("session.end", f"user:{current_user.username}", enterprise_id=current_user.enterprise_id,
                     session=session_id)
        db.session.commit()
        flash("该会话已结束：那台设备下次操作时须重新登录。", "success")
    else:
        flash("该会话已经结束。", "info")
    if is_fragment_request():
        return _page()
    return redirect(url_for("accounts.my_sessions"))


@bp.post("/account/sessions/end-others")
@login_required
def my_sessions_end_others():
    """结束其他所有会话: every session but this one."""
    sessions.revoke_all(current_user, keep_current=True)
    audit.record("session.end_others", f"user:{current_user.username}", enterprise_id=current_user.enterprise_id)
    db.session.commit()
    flash("其他所有会话已结束。", "success")
    if is_fragment_request():
        return _page()
    return redirect(url_for("accounts.my_sessions"))
