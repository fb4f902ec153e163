"""证书查询 (manual 第二章): conditions, results, list actions, detail with receipts."""
from flask import Blueprint

bp = Blueprint("queries", __name__)

from . import views  # noqa: E402,F401
