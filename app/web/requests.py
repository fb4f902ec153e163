"""The request the app reads: form fields, query parameters, cookies and headers arrive without NUL characters
(a Basic credential with one is no credential), and `args.get(name, type=int)` gives only integers a database
column can hold.

Nobody types a NUL; it comes with pasted binary junk, and PostgreSQL refuses to store one (SQLite would keep it
silently). Dropping it on the way in keeps what the user meant and lets every form, search and rule work on text
that any database stores. Likewise `?page=99999999999999999999` is as malformed as `?page=abc`: `type=int`
returns the default for both (web/params.py holds the one definition of such an integer).
"""
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

from .params import db_int


def _clean(text):
    return text.replace("\x00", "") if isinstance(text, str) else text


class NoNulMultiDict(ImmutableMultiDict):
    def __init__(self, mapping=None):
        if mapping is not None:
            mapping = [(_clean(key), _clean(value)) for key, value in iter_multi_items(mapping)]
        super().__init__(mapping)

    def get(self, key, default=None, type=None):  # noqa: A002 - Werkzeug's signature
        return super().get(key, default, db_int if type is int else type)

    def getlist(self, key, type=None):  # noqa: A002
        return super().getlist(key, db_int if type is int else type)


class CleanRequest(Request):
    parameter_storage_class = NoNulMultiDict
    dict_storage_class = NoNulMultiDict  # cookies

    def __init__(self, environ, *args, **kwargs):
        # Headers the app stores (User-Agent of a session, the address behind a proxy) or looks up; the path keeps
        # its NUL so that the route converters refuse it (404) rather than serve another page.
        for key, value in list(environ.items()):
            if isinstance(value, str) and "\x00" in value and (key.startswith("HTTP_") or key == "REMOTE_ADDR"):
                environ[key] = value.replace("\x00", "")
        super().__init__(environ, *args, **kwargs)

    @property
    def authorization(self):
        auth = super().authorization
        if auth is not None and any("\x00" in (part or "") for part in (auth.username, auth.password, auth.token)):
            return None
        return auth
