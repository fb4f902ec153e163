"""Error pages in Chinese, as a page or as an htmx fragment; never a stack trace."""
import logging

from flask import Flask, request
from markupsafe import escape
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError, TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.exceptions import Conflict
from app.extensions import db

from . import errorlog
from .busy import busy_text, is_database_busy, standalone_page
from .htmx import is_htmx, render_page_or_fragment
from .observability import request_id

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("请求无效", "提交的内容不完整或格式不对，请返回重试。"),
    403: ("无权访问", "您的帐号没有使用该功能的权限。"),
    404: ("页面不存在", "您要找的页面或数据不存在，或不属于您的企业。"),
    405: ("不支持的操作", "该页面不支持这种访问方式。"),
    409: ("无法执行", "当前状态下不能进行该操作。"),
    413: ("内容过大", "上传或提交的内容超过了允许的大小。"),
    429: ("请求过于频繁", "请稍后再试。"),
    503: ("系统繁忙，请稍后再试", "数据库正忙或暂时无法连接，请稍后再试。"),
    500: ("系统错误", "系统处理时出错，您已保存的数据不受影响。请稍后重试，如仍有问题请联系管理员。"),
}


# Who wants to know about refused requests (the audit log registers itself at app start; web imports no area).
_refusal_listeners: list = []


def on_refusal(listener) -> None:
    """`listener(kind, **detail)` is called for every refused request: kind "csrf" or "denied" (403)."""
    if listener not in _refusal_listeners:
        _refusal_listeners.append(listener)


def _refused(kind: str, **detail) -> None:
    for listener in _refusal_listeners:
        try:
            listener(kind, **detail)
        except Exception:  # noqa: BLE001 — a refusal is answered as a refusal, never as a 500
            log.warning("refusal listener failed for %s", kind)


FALLBACK = "<!DOCTYPE html><meta charset=utf-8><title>系统错误</title><p>系统处理时出错，请稍后重试。</p>"


def fallback_page() -> str:
    """The 500 page when the error page itself failed: still the 错误编号 the clerk can quote."""
    return FALLBACK + f"<p>错误编号：{escape(request_id())}</p>"


def _render(status: int, detail: str | None = None):
    title, text = MESSAGES.get(status, ("出错了", "请求未能完成。"))
    return render_page_or_fragment("errors/error.html", "errors/_error.html", status,
                                   title=title, text=detail or text, code=status)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        _refused("csrf", reason=exc.description)
        if is_htmx():
            return _render(400, "页面的安全令牌已过期（CSRF，可能在其他窗口重新登录过），现已自动更新："
                                "请再次提交，您填写的内容仍在页面上。")
        return _render(400, "页面已过期或来源无法验证（CSRF），请刷新页面后重新提交。")

    @app.errorhandler(Conflict)
    def conflict(exc):
        db.session.rollback()
        return _render(409, exc.message)

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def concurrent_change(exc):
        # Two saves met: the later one is refused, nothing is overwritten.
        db.session.rollback()
        log.info("refused a concurrent change: %s", exc.__class__.__name__)
        return _render(409, "数据刚被他人修改或已存在相同的数据，本次保存未生效。请刷新页面查看最新内容后重试。")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code == 403:
            _refused("denied")
        return _render(exc.code or 500)

    @app.errorhandler(PoolTimeout)
    @app.errorhandler(OperationalError)
    def database_busy(exc):
        # A lock held too long, the database restarting or out of connections: say so, keep the input.
        _rollback_quietly()
        if not is_database_busy(exc):
            return unexpected(exc)
        log.warning("database busy on %s %s (request %s): %s", request.method, request.path, request_id(),
                    errorlog.summary(exc))
        text = busy_text(request.method, is_htmx())
        try:
            response = _render(503, text)
        except Exception:  # noqa: BLE001 — the page needs the database too (the user, the menu)
            _rollback_quietly()
            response = (standalone_page(text), 503, {"Content-Type": "text/html; charset=utf-8"})
        response = app.make_response(response)
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def unexpected(exc):
        _rollback_quietly()
        # The id is on the page the clerk sees (错误编号): the same id finds this traceback in the log.
        log.error("request %s: %s", request_id(),
                  errorlog.describe(exc, request.method, request.path, request.endpoint))
        try:
            return _render(500)
        except Exception as failed:  # the error page itself failed: still no stack trace for the user
            log.error("request %s: error page failed: %s", request_id(),
                      errorlog.describe(failed, request.method, request.path))
            return fallback_page(), 500, {"Content-Type": "text/html; charset=utf-8"}


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — the connection itself is gone: the pool replaces it
        log.warning("rollback failed", exc_info=False)
