"""导入货物's columns and rows (app/certificates/goods_import.py): titles as the template writes them or as clerks
type them, cells as the row editor's form data, and problems that name the row and the column. No Flask app."""
import importlib

from app.certificates.types import TYPES

# By its module path: the package's attribute `goods_import` is the view module of the same name (as with rows).
sheet = importlib.import_module("app.certificates.goods_import")

C, E, H = TYPES["C"], TYPES["E"], TYPES["H"]


def test_it_names_columns_as_the_spreadsheet_does():
    assert [sheet.column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == \
        ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_the_template_has_the_product_code_then_the_types_goods_fields():
    assert sheet.template_fields(C)[:3] == ["product_code", "hs_code", "name_cn"]
    assert "origin_criterion" in sheet.template_fields(E) and "origin_criterion" not in sheet.template_fields(C)
    assert "importing_hs" in sheet.template_fields(H)  # 海峡两岸: the importing side's code
    assert [sheet.title(n) for n in ("product_code", "amount", "package_unit")] == ["商品编号", "金额（FOB）", "包装单位"]


def test_titles_are_read_as_labels_field_names_or_typed_loosely():
    header = ["HS编码", "name_en", " 数量 ", "*包装件数", "金额(FOB)", "币制", "WEIGHT_UNIT", "货物描述"]
    columns, problems = sheet.read_header(header, C)
    assert problems == []
    assert columns.fields == {0: "hs_code", 1: "name_en", 2: "quantity", 3: "package_count", 4: "amount",
                              5: "currency", 6: "weight_unit", 7: "description"}
    assert sheet.read_header(["金额"], C)[0].fields == {0: "amount"}  # the label without its bracket


def test_an_unknown_or_repeated_title_is_a_problem_of_the_header_row():
    columns, problems = sheet.read_header(["HS编码", "颜色", "hs_code", ""], C, header_row=3)
    assert [(p.row, p.column, p.letter) for p in problems] == [(3, "颜色", "B"), (3, "hs_code", "C")]
    assert "无法识别的列标题" in problems[0].message and "与 A 列“HS编码”重复" in problems[1].message
    assert columns.untitled == {3}


def test_a_file_without_any_known_title_says_what_the_first_row_is_for():
    _columns, problems = sheet.read_header(["", ""], C)
    assert [p.message[:9] for p in problems] == ["第一行应为列标题（"]


def test_a_row_becomes_what_would_have_been_typed():
    columns, _ = sheet.read_header(["HS编码", "数量", "数量单位", "非货物项", "货物描述"], C)
    values, problems = sheet.row_cells(2, ["9603.21", " 1,250 ", "个", "否", ""], columns, C)
    assert values == {"hs_code": "9603.21", "quantity": "1,250", "quantity_unit": "个"} and problems == []
    values, _ = sheet.row_cells(3, ["", "", "", "是", "FREIGHT"], columns, C)
    assert values == {"non_goods": "y", "description": "FREIGHT"}


def test_yes_and_no_are_read_as_clerks_write_them():
    assert [sheet.yes_no(t) for t in ("是", "Y", "yes", "1", "√", "TRUE")] == [True] * 6
    assert [sheet.yes_no(t) for t in ("否", "n", "NO", "0", "", "false")] == [False] * 6
    assert sheet.yes_no("也许") is None


def test_cells_no_form_checks_are_problems_of_their_row_and_column():
    columns, _ = sheet.read_header(["HS编码", "原产地标准", "", "非货物项"], C)
    _values, problems = sheet.row_cells(7, ["9603", "WO", "note", "maybe"], columns, C)
    assert [(p.row, p.column, p.letter) for p in problems] == [(7, "原产地标准", "B"), (7, "C 列", "C"),
                                                               (7, "非货物项", "D")]
    assert problems[0].message == "一般原产地证没有这一栏，请清空或删除该列"
    assert problems[2].message == "请填写“是”或“否”"
    assert sheet.row_cells(8, ["9603", "", "", ""], columns, C)[1] == []  # empty foreign cells are fine


def test_empty_cells_take_the_product_then_the_initial_values():
    filled = sheet.filled({"name_en": "OWN NAME", "product_code": "P1"},
                          {"name_en": "LIBRARY NAME", "hs_code": "960321", "quantity_unit": "PCS"},
                          {"quantity_unit": "SET", "currency": "USD", "product_code": "X"})
    assert filled == {"name_en": "OWN NAME", "product_code": "P1", "hs_code": "960321", "quantity_unit": "PCS",
                      "currency": "USD"}


def test_the_sample_row_is_recognised_only_when_unchanged():
    sample = {**sheet.sample(C), "quantity_unit": "PCS 个", "non_goods": "否"}
    typed = {name: value for name, value in sample.items() if name != "non_goods"}
    assert sheet.matches(typed, sample)
    assert not sheet.matches({**typed, "name_en": "SOAP"}, sample)
    assert not sheet.matches({**typed, "description": "MY OWN"}, sample)
    assert "origin_criterion" not in sheet.sample(C) and sheet.sample(E, "WO")["origin_criterion"] == "WO"


def test_form_messages_name_the_column_as_the_file_titled_it():
    columns, _ = sheet.read_header(["HS编码", "quantity"], C)
    found = sheet.form_problems(4, {"quantity": ["请填写数字，例如 1250 或 12.5"], "package_unit": ["请从包装单位中选择"]},
                                columns)
    assert found == [sheet.Problem(4, "quantity", "请填写数字，例如 1250 或 12.5", "B"),
                     sheet.Problem(4, "包装单位", "请从包装单位中选择", "")]


def test_the_limits_say_the_figures_and_what_to_do():
    assert sheet.too_many_rows(60, 150, 200) == (
        "文件有 60 行货物，本证书已有 150 项，每份证书最多 200 项货物（含非货物项），最多还能导入 50 行；"
        "未导入任何数据。请删去多余的行，其余货物另开一份证书导入。")
    assert sheet.too_large(2 * 1024 * 1024).startswith("文件超过 2 MB 的上限，未导入任何数据")
    assert sheet.size_text(64 * 1024) == "64 KB"
