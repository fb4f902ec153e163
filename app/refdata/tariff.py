"""A newer year's customs tariff, loaded by the sysadmin through 参数表 (the shipped one is loaders.TARIFF_FILE).

The file is the shipped file's format: a CSV with a header row holding at least code, name_zh, name_en (and,
where known, unit1_zh / unit2_zh), in UTF-8 or GB18030 (what Chinese Excel saves). Reading it is pure; `load`
writes it: codes of the file are in force (new ones from 1 January of the year), codes the file lacks stop being
valid on 1 January of the year. Certificates dated before keep their codes; drafts dated after are refused at
申报 and marked on their goods list (certificates/views: hs_notice).
"""
import csv
import io
import re

import sqlalchemy as sa

from app.extensions import db

from . import search
from .loaders import tariff_items
from .models import CodeEntry
from .services import index_text

REQUIRED_COLUMNS = ("code", "name_zh", "name_en")
MIN_YEAR, MAX_YEAR = 2000, 2100


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else GB18030, else a ValueError the sysadmin reads."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("文件编码无法识别：请保存为 UTF-8 或 GB18030（GBK）编码的 CSV")


def parse(text: str, max_rows: int) -> tuple[list[dict], list[tuple[int, str]]]:
    """(rows, problems by line number): every code 8 digits and unique, both names given."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [(1, "缺少列：" + "、".join(missing) + "（表头须含 code,name_zh,name_en）")]
    rows, problems, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        if len(rows) >= max_rows:
            return [], [(0, f"超过 {max_rows} 行的上限，未导入任何数据")]
        code = re.sub(r"[\s.]", "", row.get("code") or "")
        if not re.fullmatch(r"\d{8}", code):
            problems.append((line, f"商品编码“{row.get('code') or ''}”应为 8 位数字"))
            continue
        if code in seen:
            problems.append((line, f"商品编码 {code} 重复"))
            continue
        seen.add(code)
        if not (row.get("name_zh") or "").strip() or not (row.get("name_en") or "").strip():
            problems.append((line, f"商品编码 {code} 缺少中文或英文名称"))
            continue
        if len(row["name_zh"].strip()) > 200 or len(row["name_en"].strip()) > 600:
            problems.append((line, f"商品编码 {code} 的名称过长（中文最多 200、英文最多 600 个字符）"))
            continue
        rows.append({**row, "code": code})
    if not rows and not problems:
        problems.append((0, "文件中没有商品编码"))
    return rows, problems


def load(rows: list[dict], year: int, source: str) -> dict:
    """Write a year's tariff (flush, never commit): returns counts added / updated / ended."""
    since = f"{year}-01-01"
    items = {item.code: item for item in tariff_items(rows, year, source)}
    existing = {e.code: e for e in db.session.scalars(
        sa.select(CodeEntry).where(CodeEntry.table == "hs", CodeEntry.category == "hs8"))}
    counts = {"added": 0, "updated": 0, "ended": 0}
    for code, item in items.items():
        entry = existing.get(code)
        attrs = dict(item.attrs)
        if entry is None:
            entry = CodeEntry(table="hs", code=code, category="hs8")
            db.session.add(entry)
            attrs["valid_from"] = since
            counts["added"] += 1
        else:
            kept = {k: v for k, v in entry.attrs.items() if k in ("valid_from", "aliases")}
            attrs = {**kept, **attrs}
            counts["updated"] += 1
        entry.name_zh, entry.name_en, entry.attrs, entry.source = item.name_zh, item.name_en, attrs, item.source
        entry.sort, entry.active, entry.locally_edited = item.sort, True, True  # a shipped reload keeps this year
        entry.search_text = index_text(entry)
    for code, entry in existing.items():
        if code not in items and not entry.attrs.get("valid_until"):
            entry.attrs = {**entry.attrs, "valid_until": since}
            entry.locally_edited = True
            counts["ended"] += 1
    db.session.flush()
    search.forget_options()
    return counts
