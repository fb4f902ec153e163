"""导出Excel of one certificate (the toolbar's link and 证书查询's detail): a download, never a page."""
from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.web.spreadsheets import xlsx_bytes, xlsx_response

from .. import bp, export
from ..models import Certificate
from ..types import get_type


@bp.get("/certificates/<int:cert_id>/export.xlsx")
@qualification_required
def export_xlsx(cert_id):
    """The certificate as saved, with its goods (and 日本进料信息), as an .xlsx workbook."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    ctype = get_type(cert.cert_type)
    return xlsx_response(xlsx_bytes(export.sheets(cert, ctype)), export.filename(cert, ctype))
