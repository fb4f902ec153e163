"""Create, change and declare certificates: the 新建证书 page's 暂存 and 申报, as JSON (docs/api.md).

Each body goes through the page's own forms (payload.py), the page's services and the 申报 rules, so the API
refuses exactly what a clerk would be told beside the field, in the same words.
"""
from flask_login import current_user

from app.certificates import changes, limits, services
from app.certificates.clock import today
from app.certificates.entry_forms import basic_form_class, goods_form_class
from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from app.certificates.types import TYPES, get_type
from app.exceptions import FieldError
from app.extensions import db

from . import serialize, v1
from .common import audited, own_certificate, user
from .errors import ApiError, error, json_response
from .idempotency import Idempotency
from .payload import form_data, form_errors, key_path, problem_path, read_json, stored_text, version_of

STALE = ("该证书已被修改（version 已变）：请重新读取证书（GET），在最新内容上修改后再提交；本次修改未生效。")
KEYS_CREATE = ("cert_type", "goods")
KEYS_UPDATE = ("version", "goods", "cert_no", "reason", "change_content")


def _type_of(body: dict):
    code = body.get("cert_type")
    ctype = get_type(code) if isinstance(code, str) else None
    if ctype is None or not ctype.ready:
        codes = "、".join(code for code, t in TYPES.items() if t.ready)
        raise ApiError(400, [error("cert_type", f"请填写证书类型代码 cert_type，可选：{codes}")])
    return ctype


def _goods_data(ctype, rows, enterprise_id: int, errors: list) -> list:
    """The goods rows of a body as form data, each starting from 初始值设置's units and currency (as the page's
    empty row editor does)."""
    if not isinstance(rows, list):
        errors.append(error("goods", "goods 应为数组（每项一行货物）"))
        return []
    defaults = services.goods_defaults(enterprise_id)
    found = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append(error(f"goods[{index}]", "每行货物应为 JSON 对象"))
            continue
        found.append(form_data(row, GOODS_FIELDS, ctype.goods_fields, defaults, f"goods[{index}].", errors))
    return found


def _valid(form_class, data, prefix: str, errors: list):
    form = form_class(formdata=data, meta={"csrf": False})
    if not form.validate():
        errors.extend(form_errors(form, prefix))
    return form


def _refuse(status: int, errors: list) -> None:
    if errors:
        raise ApiError(status, errors)


def _goods_forms(ctype, goods_data: list, existing: int, errors: list) -> list:
    """Validated goods forms; the row cap (系统设置) counted on top of `existing` rows."""
    forms = [_valid(goods_form_class(ctype), data, f"goods[{i}].", errors) for i, data in enumerate(goods_data)]
    full = limits.problem_for(existing, len(goods_data)) if goods_data else None
    if full:
        errors.append(error("goods", full))
    return forms


def _add_goods(cert, forms: list) -> None:
    for form in forms:
        services.add_item(cert, form.data)
    db.session.expire(cert, ["items"])  # rows were added by their key: the certificate reads them afresh


@v1.post("/certificates")
def certificates_create():
    """暂存 a new certificate (its number allocated now) with its goods; Idempotency-Key makes a retry harmless."""
    body = read_json()
    idem = Idempotency(current_user.enterprise_id, "create", body)
    replayed = idem.replay()
    if replayed is not None:
        return replayed
    ctype, enterprise, errors = _type_of(body), current_user.enterprise, []
    basic = form_data(body, BASIC_FIELDS, ctype.basic_fields, services.defaults(enterprise, ctype, today()), "",
                      errors, skip=KEYS_CREATE)
    goods = _goods_data(ctype, body.get("goods", []), enterprise.id, errors)
    _refuse(400, errors)
    form = _valid(basic_form_class(ctype), basic, "", errors)
    goods_forms = _goods_forms(ctype, goods, 0, errors)
    _refuse(422, errors)
    cert = services.create(enterprise, ctype, form.data, user(), today())
    _add_goods(cert, goods_forms)
    audited("certificate.create", cert)
    data = serialize.certificate(cert)
    return idem.commit(201, data, {"Location": data["url"]})


@v1.patch("/certificates/<cert_id>")
def certificate_update(cert_id):
    """Change a 暂存 / 退证 certificate: the fields given (null empties one), all goods when `goods` is given."""
    cert = own_certificate(cert_id)
    body = read_json()
    version = version_of(body)
    ctype = get_type(cert.cert_type)
    reissue = cert.kind == "reissue"  # only its 重发原因 changes: the rest stays as issued
    services.require_editable(cert, reissue_ok=set(body) <= {"version", "reason"})
    if version != cert.version:
        raise ApiError(409, [error("version", STALE)])
    errors = []
    before = {name: getattr(cert, name) for name in ctype.basic_fields}
    basic = form_data(body, BASIC_FIELDS, ctype.basic_fields, before, "", errors, skip=KEYS_UPDATE)
    _text_into(body, "cert_no", basic, errors)
    goods = _goods_data(ctype, body["goods"], cert.enterprise_id, errors) if "goods" in body else None
    reasons = _reasons(cert, body, errors)
    _refuse(400, errors)
    form = None if reissue else _valid(basic_form_class(ctype), basic, "", errors)
    goods_forms = _goods_forms(ctype, goods, 0, errors) if goods is not None else None
    if cert.kind != "new":
        errors.extend(error(name, message) for name, message in changes.save_reasons(cert, *reasons).items())
    _refuse(422, errors)
    if form is not None:
        try:
            services.save_basic(cert, form.data)
        except FieldError as exc:
            raise ApiError(422, [error(exc.field, exc.message)])
    if goods_forms is not None:
        cert.items.clear()
        db.session.flush()
        _add_goods(cert, goods_forms)
    db.session.flush()
    audited("certificate.update", cert, **_changed(ctype, before, cert, goods_forms))
    data = serialize.certificate(cert)
    db.session.commit()
    return json_response(data)


def _text_into(body: dict, name: str, data, errors: list) -> None:
    if name not in body or body[name] is None:
        return
    if not isinstance(body[name], str):
        errors.append(error(name, "应为字符串"))
        return
    data[name] = body[name].replace("\x00", "")


def _reasons(cert, body: dict, errors: list) -> tuple[str | None, str | None]:
    """更改原因 / 重发原因 and 更改内容: only a change or reissue certificate has them."""
    for name in ("reason", "change_content"):
        if name not in body:
            continue
        allowed = cert.kind != "new" and (name == "reason" or cert.kind in ("change", "change_reissue"))
        if not allowed:
            errors.append(error(name, "该证书没有此字段（只有更改证、重发证有原因，只有更改证有更改内容）"))
        elif body[name] is not None and not isinstance(body[name], str):
            errors.append(error(name, "应为字符串"))
    return (body.get("reason", cert.reason), body.get("change_content", cert.change_content))


def _changed(ctype, before: dict, cert, goods_forms) -> dict:
    """What changed, by the fields' Chinese names (the 操作日志 shows them as 旧 → 新)."""
    found = {BASIC_FIELDS[name].label: [stored_text(BASIC_FIELDS[name], old),
                                        stored_text(BASIC_FIELDS[name], getattr(cert, name))]
             for name, old in before.items() if getattr(cert, name) != old}
    if goods_forms is not None:
        found["货物"] = f"全部替换为 {len(goods_forms)} 项"
    return found


@v1.post("/certificates/<cert_id>/declare")
def declare(cert_id):
    """申报: every rule runs; all problems at once (422), or 已申报 with its message queued for the authority."""
    cert = own_certificate(cert_id)
    body = read_json(empty_ok=True)
    errors = [error(key_path("", key), "未知字段（申报只接受 undertaking）") for key in body if key != "undertaking"]
    undertaking = body.get("undertaking", False)
    if not isinstance(undertaking, bool):
        errors.append(error("undertaking", "undertaking 应为 true 或 false（申请人承诺，海关总署令第270号）"))
    _refuse(400, errors)
    idem = Idempotency(current_user.enterprise_id, f"declare:{cert.id}", body)
    replayed = idem.replay()
    if replayed is not None:
        return replayed
    problems = services.declare(cert, user(), today(), undertaking=undertaking)
    if problems:
        raise ApiError(422, [error(problem_path(p), p.message) for p in problems])
    audited("certificate.declare", cert)
    return idem.commit(200, serialize.certificate(cert))
