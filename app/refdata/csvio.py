"""CSV export and import of a code table. Pure: text in, rows and line-numbered errors out."""
import csv
import io
from dataclasses import dataclass

from app.web.downloads import restore_cell, safe_cell

from .attrs import parse_attrs

COLUMNS = ("code", "name_zh", "name_en", "category", "active", "sort", "attrs", "source")
TRUE = {"1", "true", "yes", "y", "是", "启用", ""}
FALSE = {"0", "false", "no", "n", "否", "停用"}
LIMITS = {"code": 20, "name_zh": 200, "name_en": 600, "category": 20, "source": 500}
SORT_MIN, SORT_MAX = -2_147_483_648, 2_147_483_647  # a 32-bit INTEGER column
MAX_ERRORS = 200  # a file that is wrong throughout gets a readable list, not one line per row


@dataclass
class Row:
    line: int
    code: str
    name_zh: str
    name_en: str
    category: str
    active: bool
    sort: int
    attrs: dict
    source: str


def export(entries) -> str:
    """CSV text (UTF-8 with BOM, so that Excel shows the Chinese) of the given entries; no cell runs as a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow([safe_cell(v) for v in (e.code, e.name_zh, e.name_en, e.category, "1" if e.active else "0",
                                                e.sort, e.attrs_json, e.source)])
    return out.getvalue()


def parse(text: str, normalise_code, max_rows: int | None = None) -> tuple[list[Row], list[tuple[int, str]]]:
    """Rows of an uploaded CSV and the problems found, each with its line number (the header is line 1).

    More than `max_rows` data rows: nothing is read further and the file is refused as a whole.
    """
    text = text.lstrip("\ufeff").replace("\x00", "")  # NUL: pasted junk, and PostgreSQL stores none
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _parse(reader, normalise_code, max_rows)
    except csv.Error as exc:  # e.g. a field longer than the csv module takes (128 KB)
        return [], [(reader.line_num, f"CSV 格式有误，无法读取：{exc}")]


def _parse(reader, normalise_code, max_rows):
    missing = [c for c in ("code",) if c not in (reader.fieldnames or [])]
    if missing:
        return [], [(1, "缺少列：" + "、".join(missing) + "（表头应为 " + ",".join(COLUMNS) + "）")]
    unknown = [c for c in reader.fieldnames if c not in COLUMNS]
    if unknown:
        return [], [(1, "未知的列：" + "、".join(unknown))]
    rows, errors, seen = [], [], {}
    for number, raw in enumerate(reader, start=2):
        if max_rows is not None and number - 1 > max_rows:
            return [], [(number, f"文件超过 {max_rows} 行的上限，未导入任何数据；请分成几个文件分别导入")]
        row, problems = _row(number, raw, normalise_code)
        if row and (row.category, row.code) in seen:
            problems.append(f"代码 {row.code} 与第 {seen[(row.category, row.code)]} 行重复")
        if problems:
            errors.extend((number, p) for p in problems)
            if len(errors) >= MAX_ERRORS:
                return [], errors + [(0, f"错误过多，只列出前 {len(errors)} 条；请改正后重新导入")]
        else:
            seen[(row.category, row.code)] = number
            rows.append(row)
    if not rows and not errors:
        errors.append((1, "文件中没有数据行"))
    return rows, errors


def _row(number: int, raw: dict, normalise_code) -> tuple[Row | None, list[str]]:
    if None in raw:
        return None, ["列数多于表头"]
    value = {k: restore_cell((raw.get(k) or "").strip()) for k in COLUMNS}
    problems = []
    code = normalise_code(value["code"]) if value["code"] else ""
    if not code:
        problems.append("代码不能为空")
    for name, limit in LIMITS.items():
        if len(value[name]) > limit:
            problems.append(f"{name} 超过 {limit} 个字符")
    active_text = value["active"].lower()
    if active_text not in TRUE | FALSE:
        problems.append("active 应为 1 或 0")
    try:
        sort = int(value["sort"]) if value["sort"] else 1000
        if not SORT_MIN <= sort <= SORT_MAX:
            problems.append(f"sort 超出范围（{SORT_MIN} 到 {SORT_MAX}）")
    except ValueError:
        problems.append("sort 应为整数")
        sort = 1000
    attrs, message = parse_attrs(value["attrs"])
    if message:
        problems.append("attrs：" + message)
    if problems:
        return None, problems
    return Row(number, code, value["name_zh"], value["name_en"], value["category"], active_text not in FALSE,
               sort, attrs, value["source"]), []
