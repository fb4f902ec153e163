"""The issuing authority: 审核工作台 (review queue, approve / return) and its inbound exchange endpoint."""
from flask import Blueprint

bp = Blueprint("authority", __name__)

from . import api, views  # noqa: E402,F401
