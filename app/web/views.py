"""Shell pages: 首页, the menu collapse preference, and the health check."""
import sqlalchemy as sa
from flask import redirect, request, url_for
from flask_login import current_user, login_required

from app.accounts.access import qualification_complete
from app.extensions import db

from . import bp
from .htmx import is_htmx, render_page_or_fragment
from .safe_url import safe_next


@bp.get("/")
@login_required
def home():
    """首页: who you are and what to do next."""
    needs_qualification = current_user.role.is_enterprise and not qualification_complete()
    return render_page_or_fragment("web/home.html", "web/home.html", needs_qualification=needs_qualification)


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
    """Liveness for load balancers: the database answers."""
    db.session.execute(sa.select(1))
    return {"status": "ok"}
