"""证书查询: a GET form (bookmarkable; htmx swaps only the results), list actions as one plain form."""
from urllib.parse import parse_qsl, urlencode

from flask import Response, current_app, flash, redirect, request, url_for
from flask_login import current_user

from app.accounts import audit
from app.accounts.access import enterprise_select, get_for_enterprise_or_404, qualification_required
from app.certificates import changes, services as cert_services
from app.certificates.models import Certificate
from app.certificates.page import page_prefix
from app.certificates.states import LABELS, Status, can_delete
from app.certificates.types import TYPES, get_type
from app.certificates.clock import today
from app.exceptions import Conflict
from app.exchange import customs_import, messages, polling
from app.exchange.gateways import GatewayError
from app.extensions import db
from app.refdata import search as lookups
from app.timeutil import to_local, utcnow
from app.web.downloads import attachment
from app.web.htmx import render_page_or_fragment
from app.web.spreadsheets import xlsx_bytes, xlsx_response

from . import bp, export, filters, service
from .selection import ACTIONS, selection_problem

STATUS_CHOICES = {s.value: LABELS[s] for s in Status}
QUERY_FIELDS = ("cert_no", "cert_type", "status", "date_from", "date_to", "destination", "invoice", "goods",
                "creator", "sort")


def _conditions(args) -> filters.Conditions:
    return filters.parse(args, set(TYPES), set(STATUS_CHOICES))


def _query_string(args) -> str:
    return urlencode({k: args[k] for k in QUERY_FIELDS if args.get(k)})


@bp.get("/certificates")
@qualification_required
def search():
    """证书查询: no condition shows all, newest first."""
    c = _conditions(request.args)
    rows, total = service.page_of(enterprise_select(Certificate), c, current_user.enterprise_id)
    return render_page_or_fragment(
        "queries/search.html", "queries/_results.html", rows=rows, total=total, c=c, args=request.args,
        countries=service.country_labels(rows),
        pages=max(1, -(-total // service.PAGE)), types=TYPES, statuses=STATUS_CHOICES, sorts=filters.SORTS,
        actions=ACTIONS.values(), query_string=_query_string(request.args), export_cap=_export_cap())


def _export_cap() -> int:
    return int(current_app.config.get("QUERY_EXPORT_MAX_ROWS", export.DEFAULT_MAX_ROWS))


@bp.get("/certificates/export.xlsx")
@qualification_required
def export_xlsx():
    """导出Excel: the conditions used, then every matching certificate as the list shows it (not just one page)."""
    c, cap, zone = _conditions(request.args), _export_cap(), current_app.config["DISPLAY_TIMEZONE"]
    rows, total = service.all_of(enterprise_select(Certificate), c, current_user.enterprise_id, cap)
    names = {code: t.name for code, t in TYPES.items()}
    entry = lookups.resolve("country", c.destination) if c.destination and "destination" not in c.errors else None
    conditions = export.condition_lines(c, type_names=names, status_labels=STATUS_CHOICES,
                                        destination=entry.label if entry else c.destination)
    countries = service.country_labels(rows)
    table = [export.result_row(row, type_names=names, countries=countries,
                               updated=f"{to_local(row.updated_at, zone):%Y-%m-%d %H:%M}") for row in rows]
    now = to_local(utcnow(), zone)
    sheet = export.sheet(conditions, table, enterprise=current_user.enterprise.name, exported_at=now, total=total,
                         cap=cap, sort_label=filters.SORTS[c.sort])
    return xlsx_response(xlsx_bytes([sheet]), export.filename(now))


@bp.get("/certificates/<int:cert_id>/customs.xml")
@qualification_required
def customs_xml(cert_id):
    """导出海关导入XML: the certificate laid out for the customs CO data import (docs/customs-import.md)."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    response = Response(customs_import.build(cert_services.snapshot(cert)), mimetype="application/xml")
    response.headers["Content-Disposition"] = attachment(f"海关导入_{cert.cert_no}.xml")
    response.headers["Cache-Control"] = "no-store"
    return response


def _back(query_string: str):
    return redirect(url_for("queries.search") + ("?" + query_string if query_string else ""))


def _list_query(back: str) -> str:
    """The list's own conditions out of the posted `back`, re-encoded: nothing else (no CRLF) reaches a header."""
    return urlencode([(k, v) for k, v in parse_qsl(back[:2000]) if k in QUERY_FIELDS or k == "page"])


@bp.post("/certificates/batch")
@qualification_required
def batch():
    """The list actions: 获取回执 on one or many, the others on exactly one selected certificate."""
    op = request.form.get("op", "")
    back = _list_query(request.form.get("back", ""))
    ids = list(dict.fromkeys(request.form.getlist("ids", type=int)))  # ids the column can hold (web/params.py)
    problem = selection_problem(op, len(ids))
    if problem:
        flash(problem, "error")
        return _back(back)
    certs = [get_for_enterprise_or_404(Certificate, cert_id) for cert_id in ids]
    if op == "fetch":
        return _fetch(certs, back)
    cert = certs[0]
    if op == "delete":
        if not can_delete(cert.status):
            flash(f"证书 {cert.cert_no} 状态为“{cert.status.label}”，只有暂存或退证的证书可以删除。", "error")
            return _back(back)
        return redirect(url_for("certificates.delete_confirm", cert_id=cert.id,
                                next=url_for("queries.search") + ("?" + back if back else "")))
    if op == "print":
        return redirect(url_for("printing.dialog", cert_id=cert.id))
    if op == "copy":
        clone = cert_services.copy_certificate(cert, current_user, today())
        audit.record_certificate("certificate.copy", clone, original=cert.cert_no)
        db.session.commit()
        flash(f"复制成功：新证书号 {clone.cert_no}（发票号未复制，请填写）。", "success")
        return redirect(url_for("certificates.edit", cert_id=clone.id))
    if op == "reissue":
        if cert.status != Status.ISSUED:
            flash(f"只有审核通过的证书才能办理重发证；证书 {cert.cert_no} 当前状态为“{cert.status.label}”。", "error")
            return _back(back)
        return redirect(url_for("queries.reissue_confirm", cert_id=cert.id))
    return _start(cert, op, back)


def _start(cert, kind, back):
    try:
        clone = changes.start(cert, kind, current_user, today())
    except changes.AlreadyStarted as exc:  # no second draft, no number burnt: the one under way opens
        flash(exc.message, "warning")
        return redirect(url_for("certificates.edit", cert_id=exc.existing.id))
    except Conflict as exc:
        flash(exc.message, "error")
        return _back(back)
    audit.record_certificate(f"certificate.{kind}", clone, original=cert.cert_no)
    db.session.commit()
    flash(f"已生成{changes.KIND_LABELS[kind]} {clone.cert_no}（原证书号 {cert.cert_no}），请填写后申报。", "success")
    return redirect(url_for("certificates.edit", cert_id=clone.id))


def _fetch(certs, back):
    """获取回执 for the selected certificates: deliver their waiting messages, then fetch the receipts."""
    try:
        new = polling.fetch_now(current_user.enterprise, [cert.id for cert in certs])
    except (GatewayError, messages.MessageError) as exc:
        flash(f"获取回执失败：{exc}（稍后系统会自动重试）", "error")
        return _back(back)
    flash(f"已为 {len(certs)} 票证书获取回执：新回执 {new} 条。" if new else
          f"已为 {len(certs)} 票证书获取回执：暂无新回执。", "success")
    return _back(back)


@bp.get("/certificates/<int:cert_id>/reissue")
@qualification_required
def reissue_confirm(cert_id):
    """重发证 asks first."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    return render_page_or_fragment("queries/reissue_confirm.html", "queries/reissue_confirm.html", cert=cert,
                                   ctype=get_type(cert.cert_type))


@bp.post("/certificates/<int:cert_id>/reissue/start")
@qualification_required
def reissue_start(cert_id):
    return _start(get_for_enterprise_or_404(Certificate, cert_id), "reissue", "")


@bp.get("/certificates/<int:cert_id>/detail")
@qualification_required
def detail(cert_id):
    """The certificate read-only, whatever its status, with its receipts (newest first) and its links."""
    from app.certificates.views.receipts import receipts_of

    cert = get_for_enterprise_or_404(Certificate, cert_id)
    return render_page_or_fragment("queries/detail.html", "queries/detail.html", cert=cert,
                                   ctype=get_type(cert.cert_type), message=cert_services.pending_message(cert),
                                   receipts=receipts_of(cert), p=page_prefix(None, cert))

