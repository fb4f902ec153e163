"""参数表: code tables (built out by the reference data issue)."""
from flask import Blueprint

from app.accounts.access import sysadmin_required
from app.web.placeholder import under_construction

bp = Blueprint("refdata", __name__)


@bp.get("/admin/refdata")
@sysadmin_required
def tables():
    """参数表."""
    return under_construction("参数表")
