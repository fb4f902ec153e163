"""参数表: code tables, their lookups (as-you-type, dialogs, plain search pages) and their admin."""
from flask import Blueprint

bp = Blueprint("refdata", __name__)

from .views import admin, lookups  # noqa: E402,F401


@bp.app_template_filter("dotted_hs")
def _dotted_hs(code) -> str:
    """An HS code as a person reads it: 9603.2100."""
    from .tables import dotted_hs

    return dotted_hs(str(code or ""))
