"""Request ids, the access log (text or JSON), and /healthz; /metrics is metrics.py (docs/observability.md).

Every request gets an id: a proxy's X-Request-ID when it is a short safe token, else a new one. It goes back in
the X-Request-ID header, onto every error page (错误编号, for a clerk to quote) and into the log records of the
request, so that the one 500 a clerk reports is found among thousands of lines. The access log names a request
by method and path only: never its query string (the verification key `k`, search terms), body or headers.
"""
import json
import logging
import re
import secrets
import time
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request

from app.extensions import db

from . import errorlog, metrics

log = logging.getLogger(__name__)
access_log = logging.getLogger("co.access")

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")  # what a proxy may hand us; anything else is replaced
_ID, _STARTED = "co.request_id", "co.request_started"
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def request_id() -> str | None:
    """This request's id (made on first use, kept in the WSGI environ); None outside a request."""
    if not has_request_context():
        return None
    environ = request.environ
    if _ID not in environ:
        given = request.headers.get(HEADER, "")
        environ[_ID] = given if SAFE_ID.fullmatch(given) else secrets.token_hex(6)
    return environ[_ID]


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request id; an access line's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        rid = request_id()
        if rid:
            entry["request_id"] = rid
        entry.update(getattr(record, "access", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# What /healthz checks besides the database; the areas register theirs (the jobs heartbeat), web imports none.
_health_checks: list = []


def health_check(name: str):
    """Register `check() -> (ok, detail)`: `detail` is shown under `name` in /healthz, not `ok` → 503."""
    def decorator(check):
        if all(existing != name for existing, _ in _health_checks):
            _health_checks.append((name, check))
        return check
    return decorator


def health():
    """/healthz: {"status", "database", <each check>}; 200 when all are fine, else 503. No login, two queries."""
    body: dict = {"status": "ok", "database": "ok"}
    try:
        db.session.execute(sa.select(1))
    except Exception as exc:  # noqa: BLE001 — unreachable, refusing, timing out: all mean "not healthy"
        log.warning("health check: the database does not answer: %s", errorlog.summary(exc))
        _rollback_quietly()
        body.update(status="error", database="error")
        return body, 503, {"Cache-Control": "no-store"}
    for name, check in _health_checks:
        try:
            ok, body[name] = check()
        except Exception as exc:  # noqa: BLE001
            log.warning("health check %s failed: %s", name, errorlog.summary(exc))
            _rollback_quietly()
            ok, body[name] = False, {"status": "error"}
        if not ok:
            body["status"] = "error"
    return body, 200 if body["status"] == "ok" else 503, {"Cache-Control": "no-store"}


def register(app: Flask) -> None:
    """Hook the request id, the access log and the request metrics into `app`; JSON logs if LOG_FORMAT=json."""
    if app.config.get("LOG_FORMAT") == "json":
        for handler in logging.getLogger().handlers:
            if not isinstance(handler.formatter, JsonFormatter):
                handler.setFormatter(JsonFormatter())
    app.add_template_global(request_id, "request_id")
    # First before every other hook, last after every other one: the time and the id cover the whole request.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.before_request(_remember_who)  # after the login hooks have loaded the user
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)


def _start() -> None:
    request.environ[_STARTED] = time.perf_counter()
    request_id()


def _finish(response):
    try:
        started = request.environ.get(_STARTED)
        seconds = time.perf_counter() - started if started else 0.0
        response.headers[HEADER] = request_id()
        metrics.observe_request(request.endpoint, request.method, response.status_code, seconds)
        _log_access(response.status_code, seconds)
    except Exception:  # noqa: BLE001 — the log line must never cost the user the answer
        log.exception("access log failed")
    return response


def _log_access(status: int, seconds: float) -> None:
    user_id, enterprise_id = _who()
    fields = {"method": request.method[:16], "path": request.path[:500], "endpoint": request.endpoint,
              "status": status, "duration_ms": round(seconds * 1000, 1), "user_id": user_id,
              "enterprise_id": enterprise_id, "request_id": request_id()}
    # JSON escapes everything; the text line must not let a path's %0A start a forged line.
    access_log.info("%s %s %s %.1fms user=%s enterprise=%s id=%s", _printable(fields["method"]),
                    _printable(fields["path"]), status, fields["duration_ms"], user_id or "-", enterprise_id or "-",
                    fields["request_id"], extra={"access": fields})


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _who() -> tuple[int | None, int | None]:
    """The request's user and enterprise from what is loaded already: the access log never queries.

    A commit expires the user's attributes; the id stays in its identity, the enterprise is what was seen before.
    """
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None, None
    state = sa.inspect(user, raiseerr=False)
    if state is None:  # not a mapped object
        return getattr(user, "id", None), getattr(user, "enterprise_id", None)
    user_id = state.identity[0] if state.identity else None
    enterprise_id = state.dict.get("enterprise_id")
    seen = g.get("co_who")
    if enterprise_id is None and seen and seen[0] == user_id:
        enterprise_id = seen[1]
    return user_id, enterprise_id


def _remember_who() -> None:
    if has_request_context() and "_login_user" in g:
        who = _who()
        if who[1] is not None:
            g.co_who = who


@sa.event.listens_for(db.session, "before_commit")
def _before_commit(_session) -> None:
    _remember_who()  # before the commit expires the user's attributes


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — the connection itself is gone
        pass
