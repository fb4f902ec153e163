"""操作日志: the audit log (own enterprise for an admin; everything for the sysadmin), with filters."""
import sqlalchemy as sa
from flask import current_app, request
from flask_login import current_user

from app.extensions import db
from app.web.htmx import render_page_or_fragment

from .. import bp
from ..access import enterprise_select, roles_required
from ..audit import ACTION_LABELS
from ..audit_page import detail_lines, parse_filters, target_text, utc_bounds
from ..models import AuditLog, Enterprise
from ..roles import Role

PAGE = 50
MAX_ID = 2**63 - 1


@bp.get("/audit")
@roles_required(Role.ENT_ADMIN, Role.SYSADMIN)
def audit():
    """Newest first, keyset-paged (?before=<id of the last row shown>), filtered by action, user and local dates."""
    # An admin's query is bound to the own enterprise before any filter: other tenants' rows never match.
    query = enterprise_select(AuditLog) if current_user.role == Role.ENT_ADMIN else sa.select(AuditLog)
    filters = parse_filters(request.args, ACTION_LABELS)
    start, end = utc_bounds(filters, current_app.config["DISPLAY_TIMEZONE"])
    if filters.action:
        query = query.where(AuditLog.action == filters.action)
    if filters.user:
        query = query.where(AuditLog.actor_name == filters.user)
    if start:
        query = query.where(AuditLog.at >= start)
    if end:
        query = query.where(AuditLog.at < end)
    before = request.args.get("before", type=int)
    if before and 0 < before <= MAX_ID:
        query = _older_than(query, before)
    # Newest first by (at, id): the (enterprise_id, at) and (at) indexes give this order without sorting.
    rows = list(db.session.scalars(query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(PAGE + 1)))
    next_before = rows[PAGE - 1].id if len(rows) > PAGE else None
    rows = rows[:PAGE]
    ids = {r.enterprise_id for r in rows if r.enterprise_id}
    enterprises = dict(db.session.execute(sa.select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(ids)))
                       .all()) if ids else {}
    fragment = "accounts/_audit_rows.html" if before else "accounts/_audit_results.html"
    return render_page_or_fragment("accounts/audit.html", fragment, rows=rows, next_before=next_before,
                                   labels=ACTION_LABELS, filters=filters, enterprises=enterprises,
                                   detail_lines=detail_lines, target_text=target_text)


def _older_than(query, before: int):
    """Rows after the row `before` in the page's order; its time is looked up within the same scope."""
    at = db.session.scalar(query.with_only_columns(AuditLog.at).where(AuditLog.id == before))
    if at is None:
        return query.where(AuditLog.id < before)
    return query.where((AuditLog.at < at) | ((AuditLog.at == at) & (AuditLog.id < before)))
