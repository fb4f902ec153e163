"""The shell: home page, menu preference, health check; htmx helpers, errors and security headers."""
from flask import Blueprint

bp = Blueprint("web", __name__)

from . import views  # noqa: E402,F401
