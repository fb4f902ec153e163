"""Finding entries: as-you-type search and turning what a user typed back into an entry."""
import json
import re
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context
from markupsafe import Markup, escape

from app.extensions import db
from app.textrules import HAN

from .models import CodeEntry
from .tables import TABLES, compact, fold


MAX_QUERY = 100  # characters of a search: more is no lookup anyone types (a 50 KB one made SQLite give up, 500)
MAX_TERMS = 8  # words matched; each is one LIKE


def bounded_query(q: str | None) -> str:
    """What is searched for: the first MAX_QUERY characters of what was typed."""
    return (q or "")[:MAX_QUERY]


SEARCH_TEXT_LENGTH = 700


def initials(name_zh: str) -> list[str]:
    """Pinyin initials of each part of a Chinese name, split at its punctuation: 牙刷，包括齿板刷 → ys, bkcbs."""
    from pypinyin import Style, lazy_pinyin

    parts = re.split(r"[\s，,、；;：:（）()/·]+", name_zh or "")
    found = []
    for part in parts:
        letters = "".join(p[0] for p in lazy_pinyin(part, style=Style.FIRST_LETTER, errors="ignore") if p and p[0].isalpha())
        if letters and HAN.search(part):
            found.append(letters.lower())
    return found


def search_text_for(code: str, name_zh: str, name_en: str, extra: str = "") -> str:
    """What a lookup matches: the pinyin initials of the Chinese name between bars (|ys|bkcbs|, first, so they
    survive the length cap), then code, names and other words without spaces or punctuation (compact())."""
    marks = initials(name_zh)
    head = ("|" + "|".join(marks) + "|") if marks else ""
    return (head + compact(" ".join(part for part in (code, name_zh, name_en, extra) if part)))[:SEARCH_TEXT_LENGTH]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _term(definition, term: str) -> str:
    """A search word as the search text holds it: without the punctuation that joins words ("8517.13" → 851713,
    "ho-chi" → hochi)."""
    return compact(term)


def _base(table: str, category: str | None, include_inactive: bool = False):
    query = sa.select(CodeEntry).where(CodeEntry.table == table)
    if not include_inactive:
        query = query.where(CodeEntry.active.is_(True))
    if category:
        query = query.where(CodeEntry.category == category)
    return query


def _filtered(table: str, q: str, category: str | None, include_inactive: bool):
    """The query for entries matching every word of `q`, best matches first."""
    definition = TABLES[table]
    q = bounded_query(q)
    text = fold(q)
    query = _base(table, category, include_inactive)
    if not text:
        return query.order_by(CodeEntry.sort, CodeEntry.code)
    code = definition.normalise_code(q)
    if definition.key == "hs" and code.isdigit():
        # Digits typed into an HS field: the code index answers without reading every description.
        return query.where(CodeEntry.code.like(code + "%")).order_by(CodeEntry.code)
    terms = [term for term in (_term(definition, t) for t in text.split(" ")) if term][:MAX_TERMS]
    if not terms:  # only punctuation typed: everything, as for an empty search
        return query.order_by(CodeEntry.sort, CodeEntry.code)
    for term in terms:
        query = query.where(CodeEntry.search_text.like(_like(term), escape="\\"))
    whole = compact(text)
    cases = [
        (CodeEntry.code == code, 0),
        (sa.or_(CodeEntry.name_zh == text, sa.func.lower(CodeEntry.name_en) == text), 1),
        (CodeEntry.code.like(code.replace("%", "") + "%"), 2),
        (CodeEntry.name_zh.like(text + "%"), 3),
    ]
    if re.fullmatch(r"[a-z]{2,}", whole):  # letters: perhaps the pinyin initials of a name (ys → 牙刷)
        cases += [(CodeEntry.search_text.like(f"|{whole}|%"), 4), (CodeEntry.search_text.like(f"%|{whole}|%"), 5),
                  (CodeEntry.search_text.like(f"|{whole}%"), 6)]
    rank = sa.case(*cases, else_=9)
    return query.order_by(rank, CodeEntry.sort, CodeEntry.code)


def search(table: str, q: str, category: str | None = None, limit: int = 10, offset: int = 0,
           include_inactive: bool = False) -> list[CodeEntry]:
    """Entries matching `q` anywhere in code or names; exact code first, then exact name, code prefix, name prefix."""
    return list(db.session.scalars(_filtered(table, q, category, include_inactive).offset(offset).limit(limit)))


def search_page(table: str, q: str, category: str | None, limit: int, offset: int) -> tuple[list[CodeEntry], int]:
    """One page of matches and the number of all matches, read in a single pass (a window count)."""
    query = _filtered(table, q, category, False).add_columns(sa.func.count().over().label("total"))
    rows = db.session.execute(query.offset(offset).limit(limit)).all()
    if rows:
        return [row[0] for row in rows], rows[0].total
    return [], (count(table, q, category) if offset else 0)


def count(table: str, q: str, category: str | None = None) -> int:
    query = _filtered(table, q, category, False).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def _request_cache() -> dict | None:
    """Entries already read in this request (a page or a 申报 asks for the same few codes many times), or in this
    run of a job that asked for it (cache_for_this_run)."""
    if has_request_context():
        return g.setdefault("_refdata", {})
    return g.get("_refdata") if has_app_context() else None


def cache_for_this_run() -> None:
    """Outside a request (a job run, in its own app context): remember the entries read until the context ends.
    The send-outbox job checks every declaration it delivers (automatic review) against the same few codes."""
    g._refdata = {}


def prefetch(table: str, codes, category: str) -> None:
    """Read the entries of many codes in one query into this request's cache, for get() to answer (a goods list
    checks the HS code of every row)."""
    cache = _request_cache()
    codes = {TABLES[table].normalise_code(c) for c in codes if c}
    codes = {c for c in codes if ("get", table, c, category) not in (cache or {})}
    if cache is None or not codes:
        return
    found = {e.code: e for e in db.session.scalars(_base(table, category).where(CodeEntry.code.in_(codes)))}
    for code in codes:
        cache[("get", table, code, category)] = found.get(code)


def get(table: str, code: str, category: str | None = None):
    """The active entry with exactly this code (for a short table, a read-only snapshot from the process cache)."""
    code = TABLES[table].normalise_code(code)
    if TABLES[table].short:
        return _short_table(table, category).get(code)
    cache = _request_cache()
    key = ("get", table, code, category)
    if cache is not None and key in cache:
        return cache[key]
    entry = db.session.scalar(_base(table, category).where(CodeEntry.code == code))
    if cache is not None:
        cache[key] = entry
    return entry


def has_category(table: str, category: str) -> bool:
    """Does the table hold any active entry of this category (a port in this country)?"""
    cache = _request_cache()
    key = ("category", table, category)
    if cache is not None and key in cache:
        return cache[key]
    found = db.session.scalar(_base(table, category).with_only_columns(CodeEntry.id).limit(1)) is not None
    if cache is not None:
        cache[key] = found
    return found


def attrs_under(table: str, prefix: str, category: str) -> list[dict]:
    """The attributes of the active entries of `category` whose code starts with `prefix` (one indexed query)."""
    cache = _request_cache()
    key = ("under", table, prefix, category)
    if cache is not None and key in cache:
        return cache[key]
    found = [json.loads(text or "{}") for text in db.session.scalars(
        sa.select(CodeEntry.attrs_json).where(CodeEntry.table == table, CodeEntry.active.is_(True),
                                              CodeEntry.code.like(prefix + "%"), CodeEntry.category == category))]
    if cache is not None:
        cache[key] = found
    return found


def name_of(table: str, code: str) -> str:
    """The name a person reads for a code (日本 for JP): the Chinese name, else the English one, else the code."""
    entry = get(table, code) if code else None
    return (entry.name_zh or entry.name_en or code) if entry else (code or "")


def resolve(table: str, typed: str, category: str | None = None) -> CodeEntry | None:
    """What a user typed (a code, "CODE name" as a chosen entry reads, or a full name) as an entry."""
    typed = (typed or "").strip()
    if not typed:
        return None
    entry = get(table, typed, category)
    if entry is None and " " in typed:
        entry = get(table, typed.split(" ", 1)[0], category)
    if entry is None and TABLES[table].short:
        name = fold(typed)
        matches = [e for e in _short_table(table, category).values() if name in (fold(e.name_zh), fold(e.name_en))]
        entry = matches[0] if len(matches) == 1 else None
    elif entry is None:
        name = fold(typed)
        matches = list(db.session.scalars(_base(table, category).where(
            sa.or_(sa.func.lower(CodeEntry.name_zh) == name, sa.func.lower(CodeEntry.name_en) == name)).limit(2)))
        entry = matches[0] if len(matches) == 1 else None
    return entry


def all_entries(table: str, category: str | None = None) -> list[CodeEntry]:
    cache = _request_cache()
    key = ("all", table, category)
    if cache is not None and key in cache:
        return cache[key]
    entries = list(db.session.scalars(_base(table, category).order_by(CodeEntry.sort, CodeEntry.code)))
    if cache is not None:
        cache[key] = entries
    return entries


# The short tables (every <select> of every form, and the codes a declaration checks) are kept in the
# process for a minute: they change rarely, and reading them from rows on every page was most of a
# page's time. An edit in this process forgets them at once; other processes within a minute.
OPTIONS_TTL = 60.0
_short: dict[tuple[str, str | None], tuple[float, dict]] = {}


@dataclass(frozen=True)
class Entry:
    """A read-only copy of a code entry, safe to keep between requests."""

    code: str
    name_zh: str
    name_en: str
    category: str
    attrs: dict
    label: str
    source: str
    locally_edited: bool


def _short_table(table: str, category: str | None) -> dict[str, Entry]:
    key = (str(db.engine.url), table, category)
    cached = _short.get(key)
    if cached and time.monotonic() - cached[0] < OPTIONS_TTL:
        return cached[1]
    entries = {e.code: Entry(e.code, e.name_zh, e.name_en, e.category, e.attrs, e.label, e.source, e.locally_edited)
               for e in db.session.scalars(_base(table, category).order_by(CodeEntry.sort, CodeEntry.code))}
    _short[key] = (time.monotonic(), entries)
    return entries


def options(table: str, category: str | None = None) -> list[tuple[str, str]]:
    """(code, label) of every active entry of a short table, in list order."""
    return [(e.code, e.label) for e in _short_table(table, category).values()]


def options_html(table: str, category: str | None, selected: str | None) -> Markup:
    """The <option>s of a short table's <select>, escaped once per process and marked for the chosen code."""
    key = (str(db.engine.url), table, category)
    cached = _options_html.get(key)
    entries = _short_table(table, category)
    if cached is None or cached[0] is not entries:
        html = "".join(f'<option value="{escape(code)}"{UNVERIFIED_MARK if (e.attrs or {}).get("verified") is False else ""}>'
                       f'{escape(e.label)}</option>' for code, e in entries.items())
        cached = _options_html[key] = (entries, html)
    html = cached[1]
    if selected and selected in entries:
        mark = f'<option value="{escape(selected)}"'  # with its closing quote: "W" is not the start of "WO"
        html = html.replace(mark, mark + " selected", 1)
    return Markup(html)


_options_html: dict = {}
# An entry not yet checked against its source (待核实): the ▼ list says what that means and whom to ask (lookup.js).
UNVERIFIED_NOTE = "待核实＝此项尚未与协定文本核对，申报前请向签证机构（海关或贸促会）确认"
UNVERIFIED_MARK = f' data-unverified="{UNVERIFIED_NOTE}"'


def forget_options() -> None:
    """After a change to a code table (edit, import, load): this process reads them afresh."""
    _short.clear()
    _options_html.clear()
