"""获取回执 and the certificate's live exchange status (re-polled by htmx while waiting)."""
import sqlalchemy as sa
from flask import flash, redirect, url_for

from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.accounts.sessions import background
from app.exchange import messages, polling
from app.exchange.gateways import GatewayError
from app.exchange.models import Receipt
from app.extensions import db
from app.web.htmx import is_fragment_request, render_page_or_fragment

from .. import bp, services
from ..models import Certificate


def receipts_of(cert: Certificate) -> list[Receipt]:
    """Newest first."""
    return list(db.session.scalars(sa.select(Receipt).where(Receipt.certificate_id == cert.id)
                                   .order_by(Receipt.seq.desc())))


def status_fragment(cert: Certificate):
    return render_page_or_fragment("certificates/_live_status.html", "certificates/_live_status.html", cert=cert,
                                   message=services.pending_message(cert), receipts=receipts_of(cert))


@bp.get("/certificates/<int:cert_id>/status")
@background
@qualification_required
def live_status(cert_id):
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    if not is_fragment_request():
        return redirect(url_for("certificates.edit", cert_id=cert.id))
    return status_fragment(cert)


@bp.post("/certificates/<int:cert_id>/receipts/fetch")
@qualification_required
def fetch_receipts(cert_id):
    """获取回执 now: deliver this certificate's waiting message, then fetch the enterprise's new receipts."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    try:
        new = polling.fetch_now(cert.enterprise, [cert.id])
        flash(f"获取回执完成：新回执 {new} 条。" if new else "获取回执完成：暂无新回执。", "success")
    except (GatewayError, messages.MessageError) as exc:
        flash(f"获取回执失败：{exc}（稍后系统会自动重试）", "error")
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    if is_fragment_request():
        return status_fragment(cert)
    return redirect(url_for("certificates.edit", cert_id=cert.id))
