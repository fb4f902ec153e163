"""Accounts: login with captcha, logout, users, enterprises, officers, 资质备案, audit log."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from .views import audit, enterprises, login, qualification, users  # noqa: E402,F401
from . import auth_hooks  # noqa: E402,F401
