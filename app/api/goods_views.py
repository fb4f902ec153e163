"""One goods row at a time (货物信息): add, change (version-checked), delete — the page's row editor, as JSON."""
from flask import Response, abort
from flask_login import current_user

from app.certificates import services
from app.certificates.rows import GOODS, delete as delete_row, no_room
from app.certificates.entry_forms import goods_form_class
from app.certificates.fieldspecs import GOODS_FIELDS
from app.certificates.models import CertificateItem
from app.certificates.types import get_type
from app.extensions import db

from . import serialize, v1
from .common import audited, own_certificate, path_id
from .errors import ApiError, error, json_response
from .idempotency import Idempotency
from .payload import form_data, form_errors, read_json, version_of

STALE = "该货物行已被修改（version 已变）：请重新读取证书，在最新内容上修改后再提交；本次修改未生效。"


def _row(cert, item_id: str) -> CertificateItem:
    item = db.session.get(CertificateItem, path_id(item_id))
    if item is None or item.certificate_id != cert.id:
        abort(404)
    return item


def _form(ctype, body: dict, base: dict, skip=()):
    """The row's form from the body over `base`. :raises ApiError: 400 unreadable, 422 refused by the form."""
    errors = []
    data = form_data(body, GOODS_FIELDS, ctype.goods_fields, base, "", errors, skip=skip)
    if errors:
        raise ApiError(400, errors)
    form = goods_form_class(ctype)(formdata=data, meta={"csrf": False})
    if not form.validate():
        raise ApiError(422, form_errors(form))
    return form


@v1.post("/certificates/<cert_id>/goods")
def goods_add(cert_id):
    """保存 a new row at the end; fields left out start from 初始值设置 (units, currency)."""
    cert = own_certificate(cert_id)
    body = read_json()
    idem = Idempotency(current_user.enterprise_id, f"goods:{cert.id}", body)
    replayed = idem.replay()
    if replayed is not None:
        return replayed
    ctype = get_type(cert.cert_type)
    services.require_editable(cert)
    form = _form(ctype, body, services.goods_defaults(cert.enterprise_id))
    full = no_room(GOODS, cert)
    if full:
        raise ApiError(422, [error("", full)])
    item = services.add_item(cert, form.data)
    audited("certificate.goods_add", cert, 项号=item.position)
    return idem.commit(201, serialize.goods_row(item, ctype))


@v1.patch("/certificates/<cert_id>/goods/<item_id>")
def goods_update(cert_id, item_id):
    """Change a row: the fields given (null empties one); refused when its version changed meanwhile."""
    cert = own_certificate(cert_id)
    item = _row(cert, item_id)
    body = read_json()
    version = version_of(body)
    ctype = get_type(cert.cert_type)
    services.require_editable(cert)
    if version != item.version:
        raise ApiError(409, [error("version", STALE)])
    form = _form(ctype, body, {name: getattr(item, name) for name in ctype.goods_fields}, skip=("version",))
    services.update_item(item, form.data)
    audited("certificate.goods_update", cert, 项号=item.position)
    data = serialize.goods_row(item, ctype)
    db.session.commit()
    return json_response(data)


@v1.delete("/certificates/<cert_id>/goods/<item_id>")
def goods_delete(cert_id, item_id):
    """删除 a row; the rows after it move up one number."""
    cert = own_certificate(cert_id)
    item = _row(cert, item_id)
    position = item.position
    delete_row(GOODS, item)
    audited("certificate.goods_delete", cert, 项号=position)
    db.session.commit()
    return Response(status=204)
