"""Export and import of a code table, as CSV or .xlsx (the same columns). Pure: cells in, rows and
line-numbered errors out.

Reading a file (CSV in UTF-8 or GBK, or .xlsx) is `app.web.spreadsheets.read_table`'s; the CSV cells come back
from `safe_cell`'s quoting there, so this module sees every value as it was stored.
"""
import csv
import io
from dataclasses import dataclass

from app.web.downloads import safe_cell
from app.web.spreadsheets import Sheet, SheetError, Table, csv_table

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


def _cells(e) -> list:
    """One entry as the columns of COLUMNS (sort a number, active 1/0, attrs as JSON text)."""
    return [e.code, e.name_zh, e.name_en, e.category, "1" if e.active else "0", e.sort, e.attrs_json, e.source]


def export(entries) -> str:
    """CSV text (UTF-8 with BOM, so that Excel shows the Chinese) of the given entries; no cell runs as a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow([safe_cell(v) for v in _cells(e)])
    return out.getvalue()


def export_sheet(entries, title: str) -> Sheet:
    """The same columns as a worksheet (code and category as text, so that 0110 stays 0110 when edited)."""
    return Sheet(title, list(COLUMNS), [_cells(e) for e in entries], text_columns=(0, 3), widths={6: 40, 7: 40})


def parse(text: str, normalise_code, max_rows: int | None = None) -> tuple[list[Row], list[tuple[int, str]]]:
    """Rows of an uploaded CSV and the problems found, each with its line number (the header is line 1).

    More than `max_rows` data rows: nothing is read further and the file is refused as a whole.
    """
    try:
        table = csv_table(text)
    except SheetError as exc:  # e.g. a field longer than the csv module takes (128 KB), or an empty file
        return [], [(0, str(exc))]
    return parse_table(table, normalise_code, max_rows)


def parse_table(table: Table, normalise_code, max_rows: int | None = None) -> tuple[list[Row], list[tuple[int, str]]]:
    """Rows of a table read from a CSV or .xlsx file (`app.web.spreadsheets.read_table`) and the problems found,
    each with the row number the file shows. Blank rows are skipped; columns may come in any order."""
    header = [name.lstrip("\ufeff").strip().lower() for name in table.header]
    named = [name for name in header if name]
    if "code" not in named:
        return [], [(table.header_line, "缺少列：code（表头应为 " + ",".join(COLUMNS) + "）")]
    unknown = [c for c in named if c not in COLUMNS]
    if unknown:
        return [], [(table.header_line, "未知的列：" + "、".join(unknown))]
    twice = sorted({c for c in named if named.count(c) > 1})
    if twice:
        return [], [(table.header_line, "重复的列：" + "、".join(twice))]
    rows, errors, seen = [], [], {}
    for count, (number, cells) in enumerate(table.rows, start=1):
        if max_rows is not None and count > max_rows:
            return [], [(number, f"文件超过 {max_rows} 行的上限，未导入任何数据；请分成几个文件分别导入")]
        row, problems = _row(number, header, cells, normalise_code)
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
        errors.append((table.header_line, "文件中没有数据行"))
    return rows, errors


def _row(number: int, header: list[str], cells: list[str], normalise_code) -> tuple[Row | None, list[str]]:
    if any(cell.strip() for name, cell in zip(header + [""] * len(cells), cells) if not name):
        return None, ["列数多于表头"]
    raw = dict(zip(header, cells))
    value = {k: (raw.get(k) or "").strip() for k in COLUMNS}
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
