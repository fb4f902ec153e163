"""How a request's transaction begins on SQLite (see _register_sqlite_pragmas in app/__init__.py).

A deferred SQLite transaction that reads and then writes fails at once when another writer got in
between, whatever busy_timeout says. Requests that may write therefore begin with BEGIN IMMEDIATE:
every POST, and the few GET views marked with @writes_on_get (e.g. the login page stores a captcha).
"""
from flask import current_app, has_request_context, request

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def writes_on_get(view):
    """Mark a GET view that writes, so its transaction takes the write lock first."""
    view.writes_on_get = True
    return view


def may_write() -> bool:
    if not has_request_context():
        return True  # CLI and the jobs process
    if request.method not in READ_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes_on_get", False))
