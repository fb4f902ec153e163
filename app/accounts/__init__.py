"""Accounts: login with captcha, logout, users, enterprises, officers, 资质备案, audit log."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

# (the audit view module under another name: `app.accounts.audit` is the audit log itself)
from .views import audit as _audit_view, enterprises, login, qualification, users  # noqa: E402,F401
from .views import my_sessions, two_factor as _two_factor_view  # noqa: E402,F401
# (as for audit: `app.accounts.approved_exporters` is the services module)
from .views import approved_exporters as _approved_exporters_view  # noqa: E402,F401
from . import auth_hooks  # noqa: E402,F401
