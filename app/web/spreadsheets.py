"""Spreadsheets in and out: .xlsx (openpyxl) and .csv (UTF-8 or GBK/GB18030, as Chinese Excel saves it).

Reading gives a header and numbered rows of text, whatever the file was; writing gives .xlsx bytes with every
cell stored as text or number, never as a formula (a cell starting with = is written as a string, which
openpyxl marks as such), and CSV text with a BOM so that Excel shows the Chinese.

CSV cells are neutralised against formula injection (`downloads.safe_cell`) and read back with
`restore_cell`; .xlsx cells need neither, since a string cell is never run, so they are written and read as is.
"""
import re
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import Response

from .downloads import attachment, restore_cell, safe_cell

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetError(ValueError):
    """A file that cannot be read as a table at all (the message is for the clerk, in Chinese)."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells as text)
    header_line: int = 1  # the header's own row number (blank rows above it are skipped)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else GB18030 (a superset of GBK), else a SheetError the clerk reads."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("文件编码无法识别：请保存为 UTF-8 或 GBK（GB18030）编码的 CSV，或直接上传 Excel（.xlsx）文件")


def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def read_table(data: bytes, filename: str = "", max_rows: int | None = None) -> Table:
    """The first sheet of an .xlsx, or a CSV, as text cells; blank rows are skipped.

    More than `max_rows` data rows raises a SheetError (nothing of the file is used).
    """
    name = (filename or "").lower()
    if is_xlsx(data):
        rows = _xlsx_rows(data, max_rows)
    elif name.endswith((".xlsx", ".xlsm")):
        raise SheetError("文件不是有效的 Excel（.xlsx）文件；请用 Excel 另存为 .xlsx 后重新上传")
    elif name.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SheetError("不支持旧版 Excel（.xls）文件；请在 Excel 中另存为 .xlsx 或 CSV 后重新上传")
    else:
        rows = _csv_rows(decode_text(data))
    return _table(rows, max_rows)


def csv_table(text: str, max_rows: int | None = None) -> Table:
    """CSV text (a BOM is dropped) as a Table, like `read_table`."""
    return _table(_csv_rows(text.lstrip("\ufeff")), max_rows)


def _table(rows, max_rows: int | None) -> Table:
    numbered = [(number, cells) for number, cells in rows if any(c.strip() for c in cells)]
    if not numbered:
        raise SheetError("文件中没有数据：第一行应为表头，从第二行起每行一条")
    (header_number, header), body = numbered[0], numbered[1:]
    if max_rows is not None and len(body) > max_rows:
        raise SheetError(f"文件超过 {max_rows} 行的上限，未导入任何数据；请分成几个文件分别导入")
    return Table([h.strip() for h in header], body, header_number)


def _csv_rows(text: str):
    text = text.replace("\x00", "")
    try:
        return [(number, [restore_cell(c) for c in cells])
                for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1)]
    except csv.Error as exc:
        raise SheetError(f"CSV 格式有误，无法读取：{exc}") from None


MAX_COLUMNS = 200  # no import needs more; a sheet whose size claims 16,384 columns is not read that wide


def _xlsx_rows(data: bytes, stop_after: int | None = None):
    """(row number, cells) of the first sheet; with `stop_after`, reading stops at the first data row beyond
    that many (a compressed sheet can hold far more rows than its file size suggests)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    broken = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError, SyntaxError)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except broken as exc:  # SyntaxError: the XML parsers' ParseError
        raise SheetError(f"无法读取 Excel 文件（{type(exc).__name__}）；请用 Excel 另存为 .xlsx 后重新上传") from None
    try:
        rows, filled = [], 0
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the size a file states may be wrong (some programs write A1): read what is there
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            cells = [_text(v) for v in values[:MAX_COLUMNS]]
            while cells and not cells[-1]:
                cells.pop()
            rows.append((number, cells))
            filled += bool(cells) and any(c.strip() for c in cells)
            if stop_after is not None and filled > stop_after + 1:  # the header and one row too many
                break
        width = max((len(cells) for _number, cells in rows), default=0)
        return [(number, cells + [""] * (width - len(cells))) for number, cells in rows]
    except (broken + (IndexError,)) as exc:
        raise SheetError(f"无法读取 Excel 文件（{type(exc).__name__}）；请用 Excel 另存为 .xlsx 后重新上传") from None
    finally:
        book.close()


def _text(value) -> str:
    """A cell as the clerk typed it: 12.0 stays 12, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).replace("\x00", "")


_SHEET_TITLE = re.compile(r"[\\/?*\[\]:]")  # characters Excel refuses in a sheet's name
# Characters an .xlsx cannot hold (XML 1.0 control characters): openpyxl refuses the whole cell.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value):
    """What goes into an .xlsx cell: numbers stay numbers, everything else is text (never a formula)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat() if isinstance(value, date) and not isinstance(value, datetime) else \
            value.isoformat(sep=" ", timespec="minutes")
    return _ILLEGAL.sub("", str(value))


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]
    before: list[list] | None = None  # lines above the header (e.g. the query's conditions)
    widths: dict[int, float] | None = None  # column index (0-based) → width in characters
    validations: list[tuple[str, list[str], str]] | None = None  # (column letter, allowed values, prompt)
    text_columns: tuple[int, ...] = ()  # columns (0-based) formatted as text: a code typed as 0110 stays 0110


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """An .xlsx workbook: one sheet each, bold header, header row frozen, columns sized to their text."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(_SHEET_TITLE.sub("、", spec.title)[:31] or "Sheet")
        for line in spec.before or []:
            sheet.append([_cell(v) for v in line])
        sheet.append([_cell(v) for v in spec.header])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for row in spec.rows:
            sheet.append([_cell(v) for v in row])
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = TYPE_STRING  # shown as text, never run as a formula
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        for index in spec.text_columns:
            letter = get_column_letter(index + 1)
            sheet.column_dimensions[letter].number_format = "@"
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index + 1, max_col=index + 1):
                cell.number_format = "@"
        for index, title in enumerate(spec.header):
            width = (spec.widths or {}).get(index)
            if width is None:
                longest = max([_width(title)] + [_width(r[index]) for r in spec.rows[:200] if index < len(r)])
                width = min(60, max(8, longest + 2))
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        _validations(sheet, spec, header_row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _validations(sheet, spec: Sheet, header_row: int) -> None:
    """Drop-down lists (data validation) for the columns that take a code, via a hidden sheet of the values."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if not spec.validations:
        return
    book = sheet.parent
    lists = book.create_sheet("代码表")
    for index, (column, values, prompt) in enumerate(spec.validations, start=1):
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=prompt)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index, value=value)
        rule = DataValidation(type="list", formula1=f"'代码表'!${letter}$2:${letter}${len(values) + 1}",
                              allow_blank=True, showErrorMessage=True, errorTitle="代码不在列表中",
                              error=f"请从下拉列表中选择{prompt}", promptTitle=prompt, prompt="从下拉列表中选择")
        rule.add(f"{column}{header_row + 1}:{column}{header_row + 5000}")
        sheet.add_data_validation(rule)
    lists.sheet_state = "hidden"


def _width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text.split("\n")[0])


def xlsx_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = attachment(filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_text(header: list[str], rows: list[list]) -> str:
    """CSV text in UTF-8 with a BOM (Excel then shows the Chinese); no cell runs as a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(_cell(v)) for v in row])
    return out.getvalue()
