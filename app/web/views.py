"""Shell pages: 首页 (the user's to-do list), the 通知 mark, the menu collapse preference; /healthz and /metrics."""
from flask import flash, g, redirect, request, url_for
from flask_login import current_user, login_required

from app.accounts.access import enterprise_user_required, qualification_complete
from app.accounts.sessions import background
from app.extensions import db

from . import bp, home as todo_lists, metrics as prometheus, observability
from .htmx import is_fragment_request, is_htmx, render_page_or_fragment
from .safe_url import safe_next


@bp.app_template_global()
def notice_mark_count() -> int:
    """The header mark's number: one query per page, none when 首页 has counted already."""
    if "notice_total" not in g:
        g.notice_total = todo_lists.notice_count(current_user)
    return g.notice_total


@bp.get("/")
@login_required
def home():
    """首页: the to-do list of an enterprise user or an officer; the welcome with links for the sysadmin."""
    needs_qualification = current_user.role.is_enterprise and not qualification_complete()
    todo = None if needs_qualification else todo_lists.todo_for(current_user)
    if todo is not None and hasattr(todo, "notices"):
        g.notice_total = min(todo.notices.total, todo_lists.MARK_CAP + 1)  # what the mark's own query counts
    fragment = "web/_todo.html" if todo is not None and current_user.role.is_enterprise else "web/home.html"
    return render_page_or_fragment("web/home.html", fragment, needs_qualification=needs_qualification, todo=todo,
                                   notices=getattr(todo, "notices", None))


@bp.get("/ui/notices")
@background
@enterprise_user_required
def notice_mark():
    """The header's 通知 mark alone (htmx polls it); tells 首页 to refresh when the number changed."""
    if not is_fragment_request():
        return redirect(url_for("web.home", _anchor="home-notices"))
    response = render_page_or_fragment("web/_notice_mark.html", "web/_notice_mark.html")
    if notice_mark_count() != request.args.get("shown", type=int):
        response.headers["HX-Trigger"] = "noticesArrived"
    return response


@bp.post("/notices/read")
@enterprise_user_required
def notices_read():
    """全部标为已读: the answers shown stop being new; any that arrived after the page was shown stay new."""
    todo_lists.mark_read(current_user, request.form.get("upto", ""))
    db.session.commit()
    if not is_fragment_request():
        flash("通知已全部标为已读。", "success")
        return redirect(url_for("web.home"))
    notices = todo_lists.notices_for(current_user)
    g.notice_total = min(notices.total, todo_lists.MARK_CAP + 1)
    return render_page_or_fragment("web/_notices.html", "web/_notices.html", notices=notices, mark_oob=True)


@bp.post("/ui/menu")
@login_required
def toggle_menu():
    """折叠/展开菜单: remember the user's choice."""
    current_user.menu_collapsed = request.form.get("collapsed") == "1"
    db.session.commit()
    if is_htmx():
        return "", 204
    return redirect(safe_next(request.form.get("next")) or url_for("web.home"))


@bp.get("/healthz")
def health():
    """Health for monitoring and load balancers (JSON): the database answers, the jobs process is alive."""
    return observability.health()


@bp.get("/metrics")
def metrics():
    """Prometheus metrics: to METRICS_TOKEN or from this machine; anyone else gets 404."""
    return prometheus.scrape()
