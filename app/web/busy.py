"""When the database cannot answer now: locked (another transaction holds what we need), too slow (a statement
ran past DB_STATEMENT_TIMEOUT_MS), restarting or out of connections. The user reads 503 系统繁忙，请稍后再试 and
keeps what they typed; anything else the database refuses is a fault and stays a 500 (web/errors.py)."""
from markupsafe import escape
from sqlalchemy.exc import OperationalError, TimeoutError as PoolTimeout

from .observability import request_id

# PostgreSQL SQLSTATEs: lock_not_available, query_canceled (statement_timeout), admin/crash shutdown,
# cannot_connect_now, too_many_connections; and class 08, connection exceptions.
BUSY_STATES = {"55P03", "57014", "57P01", "57P02", "57P03", "53300"}
SQLITE_BUSY = ("database is locked", "database table is locked", "unable to open database file")

TITLE = "系统繁忙，请稍后再试"


def standalone_page(text: str) -> str:
    """The 503 page when even the shell cannot be drawn (it reads the user and the menu from the database).

    It carries the same `.error-box` as every error, so that with htmx the message is shown beside the form, and
    the same 错误编号 (the request id).
    """
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{TITLE}</title></head><body>'
            f'<main><div class="error-box" id="error-box" role="alert"><h1>{TITLE}</h1><p>{escape(text)}</p>'
            f'<p class="error-id">错误编号：{escape(request_id())}</p></div></main></body></html>')


def is_database_busy(exc: BaseException) -> bool:
    """A lock or statement timeout, a lost or refused connection, a full pool: worth trying again shortly."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, OperationalError):
        return False
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None)
    if state:
        return state in BUSY_STATES or state.startswith("08")
    if exc.connection_invalidated:
        return True
    message = str(orig if orig is not None else exc).lower()
    if type(orig).__module__.startswith("sqlite3"):
        return any(text in message for text in SQLITE_BUSY)
    # psycopg reports a refused or broken connection without a SQLSTATE
    return "connection" in message or "server closed" in message or "timeout" in message


def busy_text(method: str, htmx: bool) -> str:
    """What the user reads: nothing was saved, where their input is, what to do."""
    if htmx:
        return "系统繁忙，本次操作没有完成；您填写的内容仍在页面上，请稍后再试。"
    if method == "POST":
        return ("数据库正忙或暂时无法连接，本次提交没有保存。请用浏览器的“后退”返回上一页（您填写的内容仍在那里），"
                "稍后再提交。")
    return "数据库正忙或暂时无法连接，请稍后刷新页面重试。"
