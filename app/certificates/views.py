"""Certificate entry pages; until they are built they say so plainly, behind the 资质备案 gate."""
from app.accounts.access import qualification_required
from app.web.placeholder import under_construction

from . import bp


@bp.get("/certificates/new")
@qualification_required
def new():
    """新建证书."""
    return under_construction("新建证书")


@bp.get("/initial-values")
@qualification_required
def initial_values():
    """初始值设置."""
    return under_construction("初始值设置")
