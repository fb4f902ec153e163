"""Writing code tables: loading the shipped data, sysadmin edits, CSV import. Flush, never commit."""
import sqlalchemy as sa

from app.extensions import db

from . import sync
from .loaders import LOADERS
from .models import CodeEntry
from . import search
from .search import search_text_for
from .tables import TABLES


# Attributes people also type when looking for an entry (other names, other codes).
SEARCHABLE_ATTRS = ("alpha3", "alias", "aliases", "short", "old_name", "unece", "customs", "phrase", "source_name")


def index_text(entry: CodeEntry) -> str:
    attrs = entry.attrs
    words = []
    for key in SEARCHABLE_ATTRS:
        value = attrs.get(key)
        words.extend(str(v) for v in (value if isinstance(value, list) else [value]) if v)
    extra = " ".join(words)
    if entry.table == "hs" and len(entry.code) >= 4:
        extra += f" {entry.code[:4]}.{entry.code[4:]}".rstrip(".")
    return search_text_for(entry.code, entry.name_zh, entry.name_en, extra)


def _write(entry: CodeEntry, item: sync.Item) -> None:
    entry.name_zh, entry.name_en, entry.category = item.name_zh, item.name_en, item.category
    entry.attrs, entry.source, entry.sort = item.attrs, item.source, item.sort
    entry.package_hash = item.fingerprint
    entry.search_text = index_text(entry)


def load_table(table: str) -> dict:
    """Bring one table up to the shipped data; returns counts per action (add/update/keep_local/same)."""
    items = LOADERS[table]()
    rows = {(e.category, e.code): e for e in db.session.scalars(sa.select(CodeEntry).where(CodeEntry.table == table))}
    known = {key: sync.Known(e.package_hash, e.locally_edited) for key, e in rows.items()}
    actions = sync.plan(known, items)
    for action, item in actions:
        if action == "add":
            entry = CodeEntry(table=table, code=item.code)
            _write(entry, item)
            db.session.add(entry)
        elif action == "update":
            _write(rows[item.key], item)
        elif action == "keep_local":
            rows[item.key].package_hash = item.fingerprint
    db.session.flush()
    search.forget_options()
    return dict(sync.summary(actions))


def load_tables(tables: list[str] | None = None) -> dict[str, dict]:
    return {table: load_table(table) for table in (tables or list(LOADERS))}


def save_entry(entry: CodeEntry, *, name_zh: str, name_en: str, category: str, attrs: dict, active: bool,
               source: str, sort: int) -> None:
    """A sysadmin's edit: kept from now on, whatever later package versions say."""
    entry.name_zh, entry.name_en, entry.category = name_zh.strip(), name_en.strip(), category.strip()
    entry.attrs, entry.active, entry.source, entry.sort = attrs, active, source.strip(), sort
    entry.locally_edited = True
    entry.search_text = index_text(entry)
    db.session.flush()
    search.forget_options()


def new_entry(table: str, code: str) -> CodeEntry:
    entry = CodeEntry(table=table, code=TABLES[table].normalise_code(code), locally_edited=True)
    db.session.add(entry)
    return entry


def import_rows(table: str, rows) -> dict:
    """Upsert parsed CSV rows (csvio.Row) into a table as local entries; the caller commits or rolls back."""
    existing = {(e.category, e.code): e for e in db.session.scalars(sa.select(CodeEntry).where(CodeEntry.table == table))}
    counts = {"added": 0, "updated": 0}
    for row in rows:
        entry = existing.get((row.category, row.code))
        if entry is None:
            entry = CodeEntry(table=table, code=row.code)
            db.session.add(entry)
            counts["added"] += 1
        else:
            counts["updated"] += 1
        entry.name_zh, entry.name_en, entry.category = row.name_zh, row.name_en, row.category
        entry.active, entry.sort, entry.attrs, entry.source = row.active, row.sort, row.attrs, row.source
        entry.locally_edited = True
        entry.search_text = index_text(entry)
    db.session.flush()
    search.forget_options()
    return counts
