"""The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json), and the answer for unknown API paths.

Built by hand, beside the routes: tests/http/test_api_openapi.py holds it to the blueprint's url_map (every
route documented, nothing documented that is not a route). The fields of each certificate type are listed by
GET /api/v1/certificate-types; here a certificate's fields are named once, in the field table of the registry.
"""
from flask import current_app, request
from werkzeug.exceptions import HTTPException

from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from app.certificates.states import Status

from . import v1
from .auth import public
from .errors import MESSAGES, error, errors_response, json_response

VERSION = "1.0.0"
KINDS = {"bool": {"type": ["boolean", "null"]}, "date": {"type": ["string", "null"], "format": "date"},
         "number": {"type": ["string", "number", "null"]}, "integer": {"type": ["integer", "string", "null"]}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _fields(specs) -> dict:
    out = {}
    for name, spec in specs.items():
        schema = dict(KINDS.get(spec.kind, {"type": ["string", "null"]}))
        if spec.kind in ("text", "textarea", "phone", "email"):
            schema["maxLength"] = spec.max_length
        schema["description"] = spec.label + (f"（代码表：{spec.table}，可填代码、中文或英文名称）" if spec.table else "")
        out[name] = schema
    return out


def _error_response(text: str) -> dict:
    return {"description": text, "content": {"application/json": {"schema": _ref("Errors")}}}


ERRORS = {"400": _error_response("请求无法读取：不是 JSON、类型不对、未知字段（path 指出位置）"),
          "401": _error_response("没有可用的令牌（缺少、无效、已撤销，或其用户已停用）"),
          "404": _error_response("不存在，或不属于令牌所在企业"),
          "409": _error_response("当前状态不允许（如已申报），或数据已被修改（version）"),
          "422": _error_response("内容不符合规则：与页面上字段旁的提示相同"),
          "429": _error_response("请求过于频繁；Retry-After 说明几秒后再试")}
CERT_ID = {"name": "cert_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}
IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string",
               "maxLength": 100}, "description": "同一个键、同样的内容重试时返回第一次的结果，不重复执行；"
                                                 "同一个键、不同的内容返回 422"}


def _body(schema: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(schema)}}}


def _ok(code: str, text: str, schema: str, *errors: str) -> dict:
    answer = {code: {"description": text, "content": {"application/json": {"schema": _ref(schema)}}}}
    return {**answer, **{c: ERRORS[c] for c in ("401", "404", "429", *errors)}}


def _op(summary: str, responses: dict, params=(), body: str | None = None, op_id: str = "") -> dict:
    operation = {"operationId": op_id, "summary": summary, "parameters": list(params), "responses": responses}
    if body:
        operation["requestBody"] = _body(body)
    return operation


QUERY = [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}, "description": d} for n, d in (
    ("cert_no", "证书号（部分）"), ("cert_type", "证书类型代码"), ("status", "状态：" + "、".join(s.value for s in Status)),
    ("date_from", "申请日期自 YYYY-MM-DD"), ("date_to", "申请日期至 YYYY-MM-DD"), ("destination", "目的地（代码或名称）"),
    ("invoice", "发票号"), ("goods", "货物名称或 HS 编码开头"), ("creator", '创建人（"用户名" 为精确匹配）'),
    ("sort", "new | old | cert_no | application_date | updated"), ("page", "页码，每页 20 条"))]
PDF_PARAMS = [{"name": "kind", "in": "query", "required": False,
               "schema": {"enum": ["certificate", "application", "invoice"], "default": "certificate"}},
              {"name": "format", "in": "query", "required": False,
               "schema": {"enum": ["standard", "overlay"], "default": "standard"}}]

PATHS = {
    "/certificates": {
        "get": _op("证书查询：本企业的证书，最新在前，每页 20 条", _ok("200", "一页结果", "CertificateList", "400"),
                   QUERY, op_id="listCertificates"),
        "post": _op("新建并暂存证书（可带货物）；未给的字段按初始值设置预填", _ok("201", "已暂存，证书号已分配", "Certificate",
                    "400", "409", "422"), [IDEMPOTENCY], "CertificateCreate", "createCertificate"),
    },
    "/certificates/{cert_id}": {
        "get": _op("读取一份证书", _ok("200", "证书", "Certificate"), [CERT_ID], op_id="getCertificate"),
        "patch": _op("修改暂存或退证的证书：只改给出的字段；给出 goods 时整体替换货物", _ok("200", "已保存", "Certificate",
                     "400", "409", "422"), [CERT_ID], "CertificateUpdate", "updateCertificate"),
    },
    "/certificates/{cert_id}/declare": {
        "post": _op("申报：全部规则一次检查，问题全部列出（422）；通过则为已申报，报文等待发送",
                    _ok("200", "已申报", "Certificate", "400", "409", "422"), [CERT_ID, IDEMPOTENCY], "Declare",
                    "declareCertificate"),
    },
    "/certificates/{cert_id}/goods": {
        "post": _op("在末尾新增一行货物", _ok("201", "已保存的货物行", "GoodsRow", "400", "409", "422"),
                    [CERT_ID, IDEMPOTENCY], "GoodsInput", "addGoods"),
    },
    "/certificates/{cert_id}/goods/{item_id}": {
        "patch": _op("修改一行货物（version 为该行的版本号）", _ok("200", "已保存的货物行", "GoodsRow", "400", "409", "422"),
                     [CERT_ID, ITEM_ID], "GoodsUpdate", "updateGoods"),
        "delete": _op("删除一行货物，后面的项号依次前移", {"204": {"description": "已删除"},
                      **{c: ERRORS[c] for c in ("401", "404", "409", "429")}}, [CERT_ID, ITEM_ID],
                      op_id="deleteGoods"),
    },
    "/certificates/{cert_id}/receipts": {
        "get": _op("状态、发送情况和回执（最新在前）", _ok("200", "状态与回执", "Receipts"), [CERT_ID], op_id="getReceipts"),
    },
    "/certificates/{cert_id}/receipts/fetch": {
        "post": _op("获取回执：立即发送待发送的报文并取回新回执", {**_ok("200", "状态与回执", "Receipts"),
                    "503": _error_response("签证机构暂时无法连接；Retry-After")}, [CERT_ID], op_id="fetchReceipts"),
    },
    "/certificates/{cert_id}/pdf": {
        "get": _op("打印：证书 / 申请书 / 发票的 PDF（未审核通过的带“非有效证书”字样）",
                   {"200": {"description": "PDF", "content": {"application/pdf": {"schema": {"type": "string",
                    "format": "binary"}}}}, **{c: ERRORS[c] for c in ("400", "401", "404", "409", "429")},
                    "503": _error_response("打印任务较多或超时；Retry-After")}, [CERT_ID, *PDF_PARAMS],
                   op_id="getPdf"),
    },
    "/certificate-types": {
        "get": _op("证书类型及其字段（哪些可填、申报时哪些必填）", _ok("200", "证书类型", "CertificateTypes"),
                   op_id="listCertificateTypes"),
    },
    "/openapi.json": {
        "get": {"operationId": "getOpenApi", "summary": "本文档", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 文档", "content": {"application/json": {}}}}},
    },
}

GOODS = {"type": "object", "properties": _fields(GOODS_FIELDS), "additionalProperties": False}
BASIC = _fields(BASIC_FIELDS)
SCHEMAS = {
    "Error": {"type": "object", "required": ["path", "message"], "properties": {
        "path": {"type": "string", "description": "出错的位置，如 goods[2].hs_code（货物从 0 数起）；空串指整个请求"},
        "message": {"type": "string"}}},
    "Errors": {"type": "object", "required": ["errors"], "properties": {
        "errors": {"type": "array", "items": _ref("Error")}}},
    "GoodsInput": GOODS,
    "GoodsUpdate": {**GOODS, "required": ["version"],
                    "properties": {**GOODS["properties"], "version": {"type": "integer"}}},
    "GoodsRow": {"type": "object", "properties": {"id": {"type": "integer"}, "item_no": {"type": "integer"},
                                                  "version": {"type": "integer"}, **_fields(GOODS_FIELDS)}},
    "CertificateCreate": {"type": "object", "required": ["cert_type"], "additionalProperties": False, "properties": {
        "cert_type": {"type": "string", "description": "证书类型代码（GET /certificate-types）"}, **BASIC,
        "goods": {"type": "array", "items": _ref("GoodsInput")}}},
    "CertificateUpdate": {"type": "object", "required": ["version"], "additionalProperties": False, "properties": {
        "version": {"type": "integer", "description": "读取时的版本号"}, "cert_no": {"type": "string"}, **BASIC,
        "reason": {"type": ["string", "null"], "description": "更改原因 / 重发原因（更改证、重发证）"},
        "change_content": {"type": ["string", "null"], "description": "更改内容（更改证）"},
        "goods": {"type": "array", "items": _ref("GoodsInput"), "description": "给出时整体替换全部货物"}}},
    "Declare": {"type": "object", "additionalProperties": False, "properties": {
        "undertaking": {"type": "boolean", "description": "申请人承诺（海关总署令第270号）：须为 true 才能申报"}}},
    "Certificate": {"type": "object", "properties": {
        "id": {"type": "integer"}, "cert_no": {"type": "string"}, "cert_type": {"type": "string"},
        "status": {"enum": [s.value for s in Status]}, "status_label": {"type": "string"},
        "version": {"type": "integer"}, "declaration_no": {"type": ["string", "null"]}, **BASIC,
        "goods": {"type": "array", "items": _ref("GoodsRow")}, "links": {"type": "object"}}},
    "CertificateList": {"type": "object", "properties": {
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "pages": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}}},
    "Receipts": {"type": "object", "properties": {
        "status": {"enum": [s.value for s in Status]}, "status_label": {"type": "string"},
        "message": {"type": ["object", "null"]}, "new_receipts": {"type": "integer"},
        "receipts": {"type": "array", "items": {"type": "object", "properties": {
            "seq": {"type": "integer"}, "received_at": {"type": "string"}, "code": {"type": "string"},
            "text": {"type": "string"}, "status": {"type": "string"}, "status_label": {"type": "string"}}}}}},
    "CertificateTypes": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}},
}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "原产地证申报系统 API", "version": VERSION,
                 "description": "企业自有系统（ERP）调用的接口：新建、修改、申报证书，读取状态与回执，下载 PDF，查询。"
                                "说明与 curl 示例见 docs/api.md。"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer", "description": "企业管理员在“API 令牌”页面生成的令牌（coapi_…）"}}},
    }


@v1.get("/openapi.json")
@public
def openapi_json():
    """This document (needs no token)."""
    return json_response(document())


@v1.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public
def unknown(_rest):
    """An API path that is no route (404), or a route asked with a method it does not take (405), as JSON."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST", "PATCH", "DELETE"):
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    if allowed:
        return errors_response(405, [error("", MESSAGES[405])], {"Allow": ", ".join(allowed)})
    return errors_response(404, [error("", MESSAGES[404])])
