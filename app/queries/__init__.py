"""证书查询 (built out by the query issue)."""
from flask import Blueprint

from app.accounts.access import qualification_required
from app.web.placeholder import under_construction

bp = Blueprint("queries", __name__)


@bp.get("/certificates")
@qualification_required
def search():
    """证书查询."""
    return under_construction("证书查询")
