"""Carrying a half-filled form through the plain (no-JavaScript) search page and back.

The 查询 button beside a long lookup field posts the whole form to the search page; the page keeps
every value in hidden inputs, and choosing an entry posts them back to the form with `_restore=1`,
which re-renders the form with everything the user typed plus the chosen code. Nothing is saved on
the way and nothing lands in a URL.
"""
from werkzeug.datastructures import MultiDict

from app.web.safe_url import safe_next

CONTROL = {"csrf_token", "q", "page", "category", "_field", "_return", "_restore", "_lookup_table"}


def carried(form: MultiDict) -> list[tuple[str, str]]:
    """The user's own fields from a posted form (control fields left out)."""
    return [(k, v) for k, v in form.items(multi=True) if k not in CONTROL]


def return_path(form: MultiDict) -> str | None:
    return safe_next(form.get("_return"))


def is_restore(form: MultiDict) -> bool:
    """A form coming back from the search page: re-render it, do not save."""
    return form.get("_restore") == "1"


def restores(render):
    """For a view that saves a posted form: a form coming back from the search page (`_restore=1`) is
    shown again by `render(*args, **kwargs)` — everything typed plus the chosen code — and nothing is saved."""
    from functools import wraps

    from flask import request

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if is_restore(request.form):
                return render(*args, **kwargs)
            return view(*args, **kwargs)
        return wrapped
    return decorator
