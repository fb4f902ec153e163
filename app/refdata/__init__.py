"""参数表: code tables, their lookups (as-you-type, dialogs, plain search pages) and their admin."""
from flask import Blueprint

bp = Blueprint("refdata", __name__)

from .views import admin, lookups  # noqa: E402,F401
