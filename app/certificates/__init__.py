"""Certificates: 新建证书 and 初始值设置 (built out by the certificate issues)."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import views  # noqa: E402,F401
