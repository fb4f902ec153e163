"""Certificates: 新建证书 (entry of basic information and goods), 初始值设置."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)

from .views import entry, goods, initial_values  # noqa: E402,F401
from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS, SECTIONS  # noqa: E402


@bp.app_context_processor
def certificate_specs():
    return {"basic_specs": BASIC_FIELDS, "goods_specs": GOODS_FIELDS, "cert_sections": SECTIONS}
