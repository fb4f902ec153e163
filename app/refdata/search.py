"""Finding entries: as-you-type search and turning what a user typed back into an entry."""
import re

import sqlalchemy as sa

from app.extensions import db

from .models import CodeEntry
from .tables import TABLES, fold


def search_text_for(code: str, name_zh: str, name_en: str, extra: str = "") -> str:
    return fold(" ".join(part for part in (code, name_zh, name_en, extra) if part))[:700]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _term(definition, term: str) -> str:
    """A search word; for HS a dotted code ("8517.13") is searched as its digits."""
    if definition.key == "hs" and re.fullmatch(r"[\d.]+", term):
        return term.replace(".", "")
    return term


def _base(table: str, category: str | None, include_inactive: bool = False):
    query = sa.select(CodeEntry).where(CodeEntry.table == table)
    if not include_inactive:
        query = query.where(CodeEntry.active.is_(True))
    if category:
        query = query.where(CodeEntry.category == category)
    return query


def search(table: str, q: str, category: str | None = None, limit: int = 10, offset: int = 0,
           include_inactive: bool = False) -> list[CodeEntry]:
    """Entries matching `q` anywhere in code or names; exact code first, then code prefix, name prefix."""
    definition = TABLES[table]
    text = fold(q)
    query = _base(table, category, include_inactive)
    if text:
        code = definition.normalise_code(q)
        terms = [_term(definition, t) for t in text.split(" ") if t]
        for term in terms:
            query = query.where(CodeEntry.search_text.like(_like(term), escape="\\"))
        rank = sa.case(
            (CodeEntry.code == code, 0),
            (sa.or_(CodeEntry.name_zh == text, sa.func.lower(CodeEntry.name_en) == text), 1),
            (CodeEntry.code.like(code.replace("%", "") + "%"), 2),
            (CodeEntry.name_zh.like(text + "%"), 3),
            else_=4,
        )
        query = query.order_by(rank, CodeEntry.sort, CodeEntry.code)
    else:
        query = query.order_by(CodeEntry.sort, CodeEntry.code)
    return list(db.session.scalars(query.offset(offset).limit(limit)))


def count(table: str, q: str, category: str | None = None) -> int:
    query = _base(table, category)
    for term in (_term(TABLES[table], t) for t in fold(q).split(" ") if t):
        query = query.where(CodeEntry.search_text.like(_like(term), escape="\\"))
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def get(table: str, code: str, category: str | None = None) -> CodeEntry | None:
    """The active entry with exactly this code."""
    code = TABLES[table].normalise_code(code)
    return db.session.scalar(_base(table, category).where(CodeEntry.code == code))


def resolve(table: str, typed: str, category: str | None = None) -> CodeEntry | None:
    """What a user typed (a code, "CODE name" as a chosen entry reads, or a full name) as an entry."""
    typed = (typed or "").strip()
    if not typed:
        return None
    entry = get(table, typed, category)
    if entry is None and " " in typed:
        entry = get(table, typed.split(" ", 1)[0], category)
    if entry is None:
        name = fold(typed)
        matches = list(db.session.scalars(_base(table, category).where(
            sa.or_(sa.func.lower(CodeEntry.name_zh) == name, sa.func.lower(CodeEntry.name_en) == name)).limit(2)))
        entry = matches[0] if len(matches) == 1 else None
    return entry


def all_entries(table: str, category: str | None = None) -> list[CodeEntry]:
    return list(db.session.scalars(_base(table, category).order_by(CodeEntry.sort, CodeEntry.code)))
