"""Who may do what: role checks, the 资质备案 gate, and the one way to reach enterprise data.

Enterprise data is reached only through `enterprise_select` / `get_for_enterprise_or_404`, so that
a user of enterprise B asking for A's object by id gets 404, whatever id is typed into the URL.
"""
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from app.extensions import db

from .roles import Role


def roles_required(*roles: Role):
    """Login required, and the user's role among `roles` (else 403)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


enterprise_user_required = roles_required(Role.CLERK, Role.ENT_ADMIN)
ent_admin_required = roles_required(Role.ENT_ADMIN)
officer_required = roles_required(Role.OFFICER)
sysadmin_required = roles_required(Role.SYSADMIN)


def qualification_complete() -> bool:
    enterprise = current_user.enterprise
    return bool(enterprise and enterprise.qualification and enterprise.qualification.is_complete)


def qualification_required(view):
    """Certificate functions: enterprise users only, and only once 资质备案 is complete."""
    from app.web.htmx import render_page_or_fragment

    @wraps(view)
    @enterprise_user_required
    def wrapped(*args, **kwargs):
        if not qualification_complete():
            return render_page_or_fragment("accounts/qualification_missing.html",
                                           "accounts/_qualification_missing.html", 409)
        return view(*args, **kwargs)
    return wrapped


def enterprise_select(model):
    """SELECT of `model` rows that belong to the current user's enterprise.

    Users without an enterprise (officers, sysadmin) get 404 rather than `enterprise_id IS NULL`.
    """
    if current_user.enterprise_id is None:
        abort(404)
    return sa.select(model).where(model.enterprise_id == current_user.enterprise_id)


def get_for_enterprise_or_404(model, object_id: int):
    """The row with this id in the current user's enterprise; 404 when missing or another's."""
    row = db.session.scalar(enterprise_select(model).where(model.id == object_id))
    if row is None:
        abort(404)
    return row


def authority_select(model):
    """SELECT of `model` rows addressed to the current officer's authority (rows carry `authority_code`)."""
    if current_user.role != Role.OFFICER or not current_user.authority_code:
        abort(404)
    return sa.select(model).where(model.authority_code == current_user.authority_code)
