"""Numbers and ids from the URL and the query string, bounded to what the database stores.

Ids are INTEGER columns: 32 bits on PostgreSQL (SQLite's hold 64). A larger number in a URL or a parameter
(`/certificates/99999999999999999999`, `?before=18446744073709551616`, `/certificates/2147483648` on
PostgreSQL) used to reach the database and fail there (SQLite: OverflowError, PostgreSQL: DataError "integer
out of range"), answering 500. Here is the one definition of "an integer the database can take": the route
converter (`<int:…>` everywhere) answers 404 for anything beyond it, and `request.args.get(name, type=int)`
treats it like any other malformed value; page numbers are clamped (`page_arg`).
"""
from werkzeug.routing import IntegerConverter, UnicodeConverter

DB_INT_MAX = 2 ** 31 - 1  # INTEGER on PostgreSQL (every id column)
DB_INT_MIN = -(2 ** 31)
MAX_PAGE = 100_000  # a page number beyond this is served as this page: OFFSET stays far inside its range


def db_int(value) -> int:
    """`value` as an int a database column can hold; ValueError for anything else (also for "1e3", " 1 ")."""
    if isinstance(value, bool):
        raise ValueError("not an integer")
    if isinstance(value, int):
        number = value
    else:
        text = str(value)
        digits = text[1:] if text[:1] in "+-" else text
        # int() alone accepts "١٢", "1_000" and " 1 ", and spends quadratic time on 4,000-digit strings
        if not digits or len(digits) > 10 or not digits.isascii() or not digits.isdigit():
            raise ValueError("not an integer")
        number = int(text)
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError("out of range")
    return number


def int_arg(args, name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer parameter: `default` when missing or malformed, else clamped into [minimum, maximum]."""
    try:
        value = db_int(args.get(name, default))
    except ValueError:
        return default
    if minimum is not None:
        value = max(value, minimum)
    if maximum is not None:
        value = min(value, maximum)
    return value


def page_arg(args, name: str = "page") -> int:
    """A page number: 1 when missing or malformed, at most MAX_PAGE."""
    return int_arg(args, name, 1, 1, MAX_PAGE)


class DbIntConverter(IntegerConverter):
    """`<int:…>` in every route: digits only, at most an INTEGER id; anything else is no match (404)."""

    regex = r"\d{1,10}"  # longer is no id at all, whatever the method

    def __init__(self, map, fixed_digits=0, min=0, max=DB_INT_MAX, signed=False):  # noqa: A002 - Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """The default `<name>` converter without control characters: a NUL in a path segment is no match."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):  # noqa: A002
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]")


def register(app) -> None:
    """Before any route is added: `<int:…>` and `<name>` use the bounded converters."""
    app.url_map.converters["int"] = DbIntConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
