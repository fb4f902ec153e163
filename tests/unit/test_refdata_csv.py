"""CSV import of a code table: every bad line is reported by number; good files parse fully."""
from app.refdata.csvio import export, parse
from app.refdata.models import CodeEntry
from app.refdata.tables import hs_code, upper_code

HEADER = "code,name_zh,name_en,category,active,sort,attrs,source\n"


def test_a_good_file_parses_into_rows():
    rows, errors = parse(HEADER + 'ctns,纸箱,CARTONS,,1,10,"{""unece"":""CT""}",curated\nbags,袋,BAGS,,0,,,\n',
                         upper_code)
    assert errors == []
    assert [(r.line, r.code, r.active, r.sort, r.attrs) for r in rows] == [
        (2, "CTNS", True, 10, {"unece": "CT"}), (3, "BAGS", False, 1000, {})]


def test_each_bad_line_is_reported_with_its_number():
    text = HEADER + ",无代码,,,1,,,\nDRUMS,桶,DRUMS,,maybe,x,[1],\nCTNS,纸箱,CARTONS,,1,,,\nctns,重复,,,1,,,\n"
    rows, errors = parse(text, upper_code)
    assert (2, "代码不能为空") in errors
    assert (3, "active 应为 1 或 0") in errors and (3, "sort 应为整数") in errors
    assert any(line == 3 and "attrs" in message for line, message in errors)
    assert (5, "代码 CTNS 与第 4 行重复") in errors


def test_a_wrong_header_is_refused_at_line_one():
    rows, errors = parse("kode,name\nX,y\n", upper_code)
    assert rows == [] and errors[0][0] == 1 and "缺少列" in errors[0][1]


def test_a_byte_order_mark_from_excel_is_accepted():
    rows, errors = parse("\ufeff" + HEADER + "KGS,千克,KILOGRAMS,,1,,,\n", upper_code)
    assert errors == [] and rows[0].code == "KGS"


def test_hs_codes_are_kept_as_digits():
    rows, errors = parse(HEADER + "8517.13,,Smartphones,hs6,1,,,\n", hs_code)
    assert errors == [] and rows[0].code == "851713"


def test_export_then_parse_gives_the_same_entries():
    entry = CodeEntry(code="CTNS", name_zh="纸箱", name_en="CARTONS", category="", active=False, sort=5,
                      attrs_json='{"unece":"CT"}', source="curated")
    rows, errors = parse(export([entry]), upper_code)
    assert errors == []
    assert (rows[0].code, rows[0].name_zh, rows[0].active, rows[0].sort, rows[0].attrs) == (
        "CTNS", "纸箱", False, 5, {"unece": "CT"})
