"""The issuing authority's 审核工作台 (built out by the exchange issue)."""
from flask import Blueprint

from app.accounts.access import officer_required
from app.web.placeholder import under_construction

bp = Blueprint("authority", __name__)


@bp.get("/authority/desk")
@officer_required
def desk():
    """审核工作台."""
    return under_construction("审核工作台")
