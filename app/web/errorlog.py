"""What the log says about an unexpected error: enough to find the fault, never a user's data or a secret.

A database error used to be logged with its bound parameters (password hashes and encrypted platform
passwords among them). The engine now hides them (`hide_parameters`, config.py), and the driver's own message is
cut to its first line: PostgreSQL's DETAIL repeats the offending values ("Key (name)=(…) already exists").
Form values are never logged; the request is named by method, path and endpoint only (no query string).
"""
import traceback

from sqlalchemy.exc import StatementError


def _first_line(text) -> str:
    return str(text).strip().splitlines()[0][:300] if str(text).strip() else ""


def describe(exc: BaseException, method: str = "", path: str = "", endpoint: str | None = None) -> str:
    """A log text for `exc`: where it happened (the stack), what it was; for database errors no values."""
    where = f"{method} {path} ({endpoint or '-'})".strip()
    cause = _database_cause(exc)
    if cause is not None and cause is not exc:  # e.g. an error raised while handling a database error
        return f"{type(exc).__name__} after a " + describe(cause, method, path, endpoint)
    stack = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    if isinstance(exc, StatementError):
        orig = getattr(exc, "orig", None)
        code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None) or ""
        kind = type(orig).__name__ if orig is not None else type(exc).__name__
        message = _first_line(orig if orig is not None else exc.args[0] if exc.args else "")
        statement = (exc.statement or "")[:2000]
        return (f"database error on {where}: {type(exc).__name__}/{kind} {code} {message}\n"
                f"statement: {statement}\n[parameters not logged]\n{stack}")
    return f"unhandled error on {where}: " + "".join(traceback.format_exception(exc)).rstrip()


def _database_cause(exc: BaseException) -> StatementError | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, StatementError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def summary(exc: BaseException) -> str:
    """One line for an expected database condition (busy, locked): its class, SQLSTATE and first message line."""
    orig = getattr(exc, "orig", None) or exc
    return f"{type(orig).__name__} {getattr(orig, 'sqlstate', None) or ''} {_first_line(orig)}".strip()
