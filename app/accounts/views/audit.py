"""操作日志: the account audit log (own enterprise for an admin; everything for the sysadmin)."""
from flask import request
from flask_login import current_user

from app.extensions import db
from app.web.htmx import render_page_or_fragment

from .. import bp
from ..access import enterprise_select, roles_required
from ..audit import ACTION_LABELS
from ..models import AuditLog
from ..roles import Role

PAGE = 50


@bp.get("/audit")
@roles_required(Role.ENT_ADMIN, Role.SYSADMIN)
def audit():
    """Newest first, keyset-paged by id (?before=<id>)."""
    query = enterprise_select(AuditLog) if current_user.role == Role.ENT_ADMIN else db.select(AuditLog)
    query = query.order_by(AuditLog.id.desc()).limit(PAGE + 1)
    before = request.args.get("before", type=int)
    if before:
        query = query.where(AuditLog.id < before)
    rows = list(db.session.scalars(query))
    next_before = rows[PAGE - 1].id if len(rows) > PAGE else None
    return render_page_or_fragment("accounts/audit.html", "accounts/_audit_rows.html",
                                   rows=rows[:PAGE], next_before=next_before, labels=ACTION_LABELS)
