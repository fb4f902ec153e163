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


def _filtered(table: str, q: str, category: str | None, include_inactive: bool):
    """The query for entries matching every word of `q`, best matches first."""
    definition = TABLES[table]
    text = fold(q)
    query = _base(table, category, include_inactive)
    if not text:
        return query.order_by(CodeEntry.sort, CodeEntry.code)
    code = definition.normalise_code(q)
    if definition.key == "hs" and code.isdigit():
        # Digits typed into an HS field: the code index answers without reading every description.
        return query.where(CodeEntry.code.like(code + "%")).order_by(CodeEntry.code)
    for term in (_term(definition, t) for t in text.split(" ") if t):
        query = query.where(CodeEntry.search_text.like(_like(term), escape="\\"))
    rank = sa.case(
        (CodeEntry.code == code, 0),
        (sa.or_(CodeEntry.name_zh == text, sa.func.lower(CodeEntry.name_en) == text), 1),
        (CodeEntry.code.like(code.replace("%", "") + "%"), 2),
        (CodeEntry.name_zh.like(text + "%"), 3),
        else_=4,
    )
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
