"""Every answer of the API is JSON, errors too: `{"errors": [{"path": "goods[2].hs_code", "message": "…"}]}`.

`path` names the field of the request body (`goods[2].hs_code`: the third goods row, counted from 0), a query
parameter, a header (`Idempotency-Key`), or "" for the request as a whole. 400: the request cannot be read
(not JSON, wrong types, unknown fields); 401: no usable token; 404: no such object in the token's enterprise;
409: not in a state for it, or changed meanwhile (version); 422: the values break the rules (the messages the
pages show); 429: too many requests (Retry-After); 503: busy, try again (Retry-After).
"""
import json
import logging

from flask import Response, request
from sqlalchemy.exc import IntegrityError, OperationalError, TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.exceptions import Conflict
from app.extensions import db
from app.web import errorlog
from app.web.busy import is_database_busy

from . import v1

log = logging.getLogger(__name__)

JSON = "application/json; charset=utf-8"
MESSAGES = {
    400: "请求无效",
    401: "需要有效的 API 令牌：请在请求头中提供 Authorization: Bearer <令牌>",
    403: "无权执行该操作",
    404: "没有这个接口，或该数据不存在、不属于本企业",
    405: "该接口不支持这种请求方式",
    409: "当前状态下不能进行该操作",
    413: "请求内容超过了允许的大小",
    415: "请求内容的格式不受支持",
    429: "请求过于频繁，请稍后再试",
    500: "系统处理时出错，本次请求未生效。请稍后重试，如仍有问题请联系系统管理员。",
    503: "系统繁忙，本次请求未生效，请稍后再试。",
}
CONCURRENT = "数据刚被他人修改或已存在相同的数据，本次修改未生效。请重新读取后再试。"


def error(path: str, message: str) -> dict:
    return {"path": path, "message": message}


class ApiError(Exception):
    """An answer other than success: the status, its errors and any headers (Retry-After, WWW-Authenticate)."""

    def __init__(self, status: int, errors: list[dict] | str, headers: dict | None = None):
        super().__init__(status)
        self.status = status
        self.errors = [error("", errors)] if isinstance(errors, str) else errors
        self.headers = headers or {}


def dumps(data) -> str:
    """JSON as people read it (Chinese as is, not \\u escapes); anything not JSON-native as its text."""
    return json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))


def json_response(data, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(dumps(data), status, headers or {}, content_type=JSON)
    response.headers["Cache-Control"] = "no-store"
    return response


def errors_response(status: int, errors: list[dict], headers: dict | None = None) -> Response:
    return json_response({"errors": errors}, status, headers)


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — the connection itself is gone: the pool replaces it
        log.warning("rollback failed")


@v1.errorhandler(ApiError)
def api_error(exc: ApiError):
    _rollback_quietly()
    return errors_response(exc.status, exc.errors, exc.headers)


@v1.errorhandler(Conflict)
def conflict(exc: Conflict):
    _rollback_quietly()
    return errors_response(409, [error("", exc.message)])


@v1.errorhandler(StaleDataError)
@v1.errorhandler(IntegrityError)
def concurrent_change(exc):
    _rollback_quietly()
    log.info("API refused a concurrent change: %s", exc.__class__.__name__)
    return errors_response(409, [error("", CONCURRENT)])


@v1.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    status = exc.code or 500
    allowed = getattr(exc, "valid_methods", None) if status == 405 else None
    headers = {"Allow": ", ".join(allowed)} if allowed else {}
    return errors_response(status, [error("", MESSAGES.get(status, MESSAGES[400]))], headers)


@v1.errorhandler(PoolTimeout)
@v1.errorhandler(OperationalError)
def database_busy(exc):
    _rollback_quietly()
    if not is_database_busy(exc):
        return unexpected(exc)
    log.warning("database busy on API %s %s: %s", request.method, request.path, errorlog.summary(exc))
    return errors_response(503, [error("", MESSAGES[503])], {"Retry-After": "5"})


@v1.errorhandler(Exception)
def unexpected(exc):
    _rollback_quietly()
    # Method, path and endpoint only: never the body or the headers (a token, a password).
    log.error("%s", errorlog.describe(exc, request.method, request.path, request.endpoint))
    return errors_response(500, [error("", MESSAGES[500])])
