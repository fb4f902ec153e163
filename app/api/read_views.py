"""Reading: 证书查询 (list and search), one certificate, its status and receipts (获取回执), its PDFs, the types."""
import logging

from flask import current_app, make_response, request
from flask_login import current_user

from app.accounts.access import enterprise_select
from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.certificates.types import TYPES
from app.certificates.views.receipts import receipts_of
from app.exceptions import Conflict
from app.exchange import messages, polling
from app.exchange.gateways import GatewayError
from app.printing import render, service as printing
from app.queries import filters, service as queries

from . import serialize, v1
from .common import own_certificate
from .errors import ApiError, error, json_response
from .payload import key_path

log = logging.getLogger(__name__)
QUERY_PARAMS = ("cert_no", "cert_type", "status", "date_from", "date_to", "destination", "invoice", "goods",
                "creator", "sort", "page")
PDF_BUSY = "打印任务较多，请稍后再试（每个企业同时生成的 PDF 数量有限）"
PDF_TIMEOUT = "打印内容过多，生成超时：PDF 在 {seconds:g} 秒内未能生成，已停止。请减少货物行数后重试"


@v1.get("/certificates")
def certificates_list():
    """证书查询: the enterprise's certificates, newest first, 20 a page; the page's conditions as parameters."""
    errors = [error(key_path("", name), "未知查询参数") for name in request.args if name not in QUERY_PARAMS]
    for name, allowed in (("cert_type", TYPES), ("status", {s.value for s in Status}), ("sort", filters.SORTS)):
        value = request.args.get(name)
        if value and value not in allowed:
            errors.append(error(name, f"可选值：{'、'.join(allowed)}"))
    page = request.args.get("page")
    if page is not None and not (page.isascii() and page.isdigit() and 0 < len(page) <= 6 and int(page) > 0):
        errors.append(error("page", "页码应为正整数"))
    c = filters.parse(request.args, set(TYPES), {s.value for s in Status})
    rows, total = queries.page_of(enterprise_select(Certificate), c, current_user.enterprise_id)
    errors.extend(error(name, message) for name, message in c.errors.items())
    if errors:
        raise ApiError(400, errors)
    return json_response({"total": total, "page": c.page, "per_page": queries.PAGE,
                          "pages": max(1, -(-total // queries.PAGE)),
                          "items": [serialize.summary(cert) for cert in rows]})


@v1.get("/certificates/<cert_id>")
def certificate(cert_id):
    """One certificate with every field of its type, its goods and its status."""
    return json_response(serialize.certificate(own_certificate(cert_id)))


@v1.get("/certificates/<cert_id>/receipts")
def receipts(cert_id):
    """Its status, its message to the authority (待发送 / 已发送 …) and its receipts (回执), newest first."""
    cert = own_certificate(cert_id)
    return json_response(serialize.exchange(cert, receipts_of(cert)))


@v1.post("/certificates/<cert_id>/receipts/fetch")
def receipts_fetch(cert_id):
    """获取回执 now: deliver its waiting message, fetch the enterprise's new receipts, answer as GET …/receipts."""
    cert = own_certificate(cert_id)
    try:
        new = polling.fetch_now(cert.enterprise, [cert.id])
    except (GatewayError, messages.MessageError) as exc:
        raise ApiError(503, f"获取回执失败：{exc}（稍后系统会自动重试）", {"Retry-After": "10"})
    cert = own_certificate(cert_id)
    return json_response({**serialize.exchange(cert, receipts_of(cert)), "new_receipts": new})


@v1.get("/certificates/<cert_id>/pdf")
def pdf(cert_id):
    """The PDF: kind=certificate (证书 / 原产地声明) | application (申请书) | invoice (发票); format=standard | overlay."""
    cert = own_certificate(cert_id)
    kinds = printing.kinds_for(cert)
    kind, fmt = request.args.get("kind", "certificate"), request.args.get("format", "standard")
    errors = [error(key_path("", name), "未知查询参数") for name in request.args if name not in ("kind", "format")]
    if kind not in kinds:
        errors.append(error("kind", f"可选值：{'、'.join(f'{k}（{v}）' for k, v in kinds.items())}"))
    if fmt not in printing.FORMATS:
        errors.append(error("format", f"可选值：{'、'.join(f'{k}（{v}）' for k, v in printing.FORMATS.items())}"))
    if errors:
        raise ApiError(400, errors)
    fmt = fmt if kind == "certificate" else "standard"
    try:
        data = printing.document(cert, kind, fmt, request.host_url)
    except Conflict as exc:
        raise ApiError(409, exc.message)
    except render.RenderTimeout:
        seconds = float(current_app.config.get("PRINT_TIMEOUT_SECONDS") or 20)
        raise ApiError(503, PDF_TIMEOUT.format(seconds=seconds), {"Retry-After": "10"})
    except render.RenderBusy:
        raise ApiError(503, PDF_BUSY, {"Retry-After": "10"})
    except render.RenderError as exc:
        log.error("API print of certificate %s failed: %s", cert.id, exc)
        raise ApiError(500, "PDF 生成失败，请稍后再试；如仍失败，请联系系统管理员")
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{cert.cert_no}-{kind}-{fmt}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@v1.get("/certificate-types")
def certificate_types():
    """The types (新建证书 offers them) with their fields: which the body may carry, which 申报 requires."""
    def fields(names, specs, required):
        return [{"name": n, "label": specs[n].label, "kind": specs[n].kind, "table": specs[n].table,
                 "required": n in required, "max_length": specs[n].max_length
                 if specs[n].kind in ("text", "textarea", "phone", "email") else None} for n in names]

    return json_response({"items": [
        {"code": t.code, "name": t.name, "name_en": t.name_en, "agreement": t.agreement,
         "destinations": list(t.destinations), "item_cap": t.item_cap, "document": t.document,
         "fields": fields(t.basic_fields, BASIC_FIELDS, t.required),
         "goods_fields": fields(t.goods_fields, GOODS_FIELDS, t.goods_required)}
        for t in TYPES.values() if t.ready]})
