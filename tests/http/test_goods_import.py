"""导入货物 on the 货物信息 tab (issue 16): 下载模板, then an Excel or CSV file of goods rows in one step. Every row is
checked as if typed; a file with any bad row saves nothing and the page lists each bad row by number and column,
with the reason; a good file adds its rows after the existing ones, descriptions generated where empty."""
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook, load_workbook

from app.certificates import products
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.extensions import db
from app.settings.models import SystemSetting
from tests.support import GOODS_ROW, HTMX, page_form

SECTION = {**HTMX, "HX-Target": "c1-goods-rows"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["HS编码", "货物中文名称", "货物英文名称", "数量", "数量单位", "包装件数", "包装单位", "毛重", "净重", "重量单位",
          "金额（FOB）", "币制", "货物描述"]
GOOD = ["9603.21", "牙刷", "TOOTHBRUSH", "20000", "PCS", "2000", "CTNS", "1200", "1000", "KGS", "5000", "USD", ""]


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, cert_id, data: bytes, filename="货物.xlsx", headers=None):
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    return client.post(f"/certificates/{cert_id}/goods/import", headers=headers or {},
                       data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def items(app, cert_id):
    with app.app_context():
        return [{c: getattr(i, c) for c in ("position", "hs_code", "name_cn", "name_en", "quantity", "quantity_unit",
                                            "package_count", "package_unit", "gross_weight", "weight_unit", "amount",
                                            "currency", "origin_criterion", "description", "non_goods")}
                for i in db.session.get(Certificate, cert_id).items]


def problems(html) -> list[tuple[str, str, str]]:
    """The error table as a clerk reads it: (行号, 列, 原因)."""
    table = html.split('class="grid import-problems"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table, re.S)
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in row) for row in rows]


def set_cap(app, cap):
    with app.app_context():
        db.session.merge(SystemSetting(key="certificate.max_goods_rows", value=str(cap)))
        db.session.commit()


@pytest.fixture
def clerk(client, cast, log_in):
    log_in("clerk_a")
    return client


# ------------------------------------------------------------------ 下载模板
def test_it_offers_the_template_of_the_certificates_type_beside_the_import_form(app, clerk, make_certificate):
    cert_id = make_certificate(items=0, cert_type="E", destination_country="VN")
    html = clerk.get(f"/certificates/{cert_id}").get_data(as_text=True)
    form = html.split(f'id="c{cert_id}-goods-import-form"')[1].split("</form>")[0]
    assert f'action="/certificates/{cert_id}/goods/import#c{cert_id}-goods-import"' in html
    assert 'enctype="multipart/form-data"' in html.split(f'id="c{cert_id}-goods-import-form"')[0][-400:]
    assert 'type="file" name="file"' in form and ">导入货物</button>" in form
    assert 'href="/certificates/goods-template/E.xlsx"' in form and ">下载模板</a>" in form


def test_it_downloads_a_template_with_the_types_columns_a_sample_and_drop_down_lists(app, clerk, cast):
    response = clerk.get("/certificates/goods-template/E.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    header, sample = [list(r) for r in sheet.iter_rows(max_row=2, values_only=True)]
    assert header[:4] == ["商品编号", "HS编码", "货物中文名称", "货物英文名称"]
    assert "原产地标准" in header and "数量单位" in header and "币制" in header
    row = dict(zip(header, sample))
    assert row["货物英文名称"] == "TOOTHBRUSH" and row["数量"] == 20000 and row["数量单位"].startswith("PCS")
    assert not row["货物描述"]  # generated on import
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v for v in sheet.data_validations.dataValidation}
    codes = book["代码表"]
    for title in ("数量单位", "包装单位", "重量单位", "币制", "原产地标准"):
        letter = chr(ord("A") + header.index(title))
        assert letter in lists, title
        column = lists[letter].formula1.split("!$")[1][0]
        values = [c.value for c in codes[column][1:]]
        assert values, title
    criteria = [c.value for c in codes[lists[chr(ord("A") + header.index("原产地标准"))].formula1.split("!$")[1][0]][1:]]
    assert any(value.startswith("WO") for value in criteria)  # Form E's own criteria
    assert sheet.column_dimensions["B"].number_format == "@"  # HS codes keep their leading zeros
    assert "填写说明" in book.sheetnames


def test_the_template_of_a_general_certificate_has_no_criterion_and_an_unknown_type_is_404(app, clerk, cast):
    sheet = load_workbook(io.BytesIO(clerk.get("/certificates/goods-template/C.xlsx").data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert "原产地标准" not in header and "非货物项" in header
    assert clerk.get("/certificates/goods-template/QQ.xlsx").status_code == 404


def test_every_type_has_a_template(app, clerk, cast):
    from app.certificates.types import TYPES

    for code, ctype in TYPES.items():
        response = clerk.get(f"/certificates/goods-template/{code}.xlsx")
        assert response.status_code == 200, code
        header = [c.value for c in load_workbook(io.BytesIO(response.data)).worksheets[0][1]]
        assert len(header) == len(ctype.goods_fields) + 1, code


@pytest.mark.parametrize("code, destination", [("C", "DE"), ("E", "VN"), ("G", "NO"), ("H", "TW"), ("RC", "JP")])
def test_the_sample_row_changed_a_little_imports_on_every_kind_of_form(code, destination, app, clerk,
                                                                       make_certificate):
    cert_id = make_certificate(items=0, cert_type=code, destination_country=destination)
    book = load_workbook(io.BytesIO(clerk.get(f"/certificates/goods-template/{code}.xlsx").data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("货物英文名称") + 1, "BAMBOO TOOTHBRUSH")
    sheet.cell(2, header.index("货物中文名称") + 1, "竹牙刷")
    out = io.BytesIO()
    book.save(out)
    response = upload(clerk, cert_id, out.getvalue())
    assert response.status_code == 302, problems(response.get_data(as_text=True))
    (row,) = items(app, cert_id)
    assert row["hs_code"] == "960321" and row["quantity_unit"] == "PCS" and row["package_count"] == 2000
    assert (row["origin_criterion"] is not None) == ("原产地标准" in header)
    expected = "竹牙刷 2000 纸箱" if code == "H" else "TWO THOUSAND (2000) CTNS OF BAMBOO TOOTHBRUSH"
    assert row["description"] == expected


# ------------------------------------------------------------------ a good file
def test_a_template_filled_with_50_rows_adds_them_in_order_after_the_existing_ones(app, clerk, make_certificate):
    cert_id = make_certificate(items=2)
    book = load_workbook(io.BytesIO(clerk.get("/certificates/goods-template/C.xlsx").data))
    sheet, codes = book.worksheets[0], book["代码表"]
    header = [c.value for c in sheet[1]]
    col = {title: header.index(title) + 1 for title in header}
    # what the drop-downs offer, as a clerk picks it
    listed = {title: [c.value for c in codes[chr(ord("A") + i)][1:]] for i, title in
              enumerate(c.value for c in codes[1])}
    pcs = next(v for v in listed["数量单位"] if v.startswith("PCS "))
    ctns = next(v for v in listed["包装单位"] if v.startswith("CTNS "))
    for n in range(50):
        line = 2 + n  # the sample row (2) is typed over
        sheet.cell(line, col["HS编码"], "9603.21")
        sheet.cell(line, col["货物中文名称"], f"牙刷{n}")
        sheet.cell(line, col["货物英文名称"], f"TOOTHBRUSH {n}")
        sheet.cell(line, col["数量"], 100 + n)
        sheet.cell(line, col["数量单位"], pcs if n % 2 else "个")  # a drop-down label, or the Chinese name typed
        sheet.cell(line, col["包装件数"], 10 + n)
        sheet.cell(line, col["包装单位"], ctns if n % 2 else "CTNS")
        sheet.cell(line, col["毛重"], 12.5)
        sheet.cell(line, col["净重"], 10)
        sheet.cell(line, col["重量单位"], "KGS")
        sheet.cell(line, col["金额（FOB）"], 1000 + n)
        sheet.cell(line, col["币制"], "USD")
        sheet.cell(line, col["货物描述"], "OWN WORDS" if n == 7 else None)
    out = io.BytesIO()
    book.save(out)
    response = upload(clerk, cert_id, out.getvalue())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/certificates/{cert_id}#c{cert_id}-goods-section")
    rows = items(app, cert_id)
    assert [r["position"] for r in rows] == list(range(1, 53))
    assert [r["name_en"] for r in rows[:2]] == ["TOOTHBRUSH", "TOOTHBRUSH"]  # the existing ones stay first
    assert [r["name_en"] for r in rows[2:]] == [f"TOOTHBRUSH {n}" for n in range(50)]
    third = rows[2]
    assert (third["hs_code"], third["name_cn"], third["quantity"], third["quantity_unit"], third["package_count"],
            third["package_unit"], third["gross_weight"], third["weight_unit"], third["amount"], third["currency"]) == \
        ("960321", "牙刷0", 100, "PCS", 10, "CTNS", 12.5, "KGS", 1000, "USD")
    assert rows[3]["quantity_unit"] == "PCS" and rows[3]["package_unit"] == "CTNS"
    assert third["description"] == "TEN (10) CTNS OF TOOTHBRUSH 0"
    assert rows[2 + 7]["description"] == "OWN WORDS"  # a description of its own is kept
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert "已导入 50 项货物（第 3–52 项）" in page and "TOOTHBRUSH 49" in page


def test_a_gbk_csv_as_chinese_excel_saves_it_is_read(app, clerk, make_certificate):
    cert_id = make_certificate(items=0)
    text = "\r\n".join([",".join(HEADER), "9603.21,牙刷,TOOTHBRUSH,1250,个,10,纸箱,12,10,千克,88.5,美元,",
                        "3306.10,牙膏,TOOTHPASTE,\"2,000\",PCS,20,CTNS,,,,,,TWENTY CARTONS OF TOOTHPASTE"]) + "\r\n"
    response = upload(clerk, cert_id, text.encode("gbk"), "货物.csv")
    assert response.status_code == 302, problems(response.get_data(as_text=True))
    first, second = items(app, cert_id)
    assert (first["name_cn"], first["quantity"], first["quantity_unit"], first["package_unit"], first["weight_unit"],
            first["currency"]) == ("牙刷", 1250, "PCS", "CTNS", "KGS", "USD")
    assert first["description"] == "TEN (10) CTNS OF TOOTHBRUSH"
    assert second["quantity"] == 2000 and second["description"] == "TWENTY CARTONS OF TOOTHPASTE"


def test_english_field_names_are_accepted_as_titles_and_htmx_gets_the_section(app, clerk, make_certificate):
    cert_id = make_certificate(items=1)
    data = xlsx(list(GOODS_ROW), [list(GOODS_ROW.values())])
    response = upload(clerk, cert_id, data, headers=SECTION)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith(f'<div class="rows goods-rows" id="c{cert_id}-goods-rows"')
    assert "已导入 1 项货物（第 2–2 项）" in html and f'id="c{cert_id}-goods-2"' in html
    assert [r["description"] for r in items(app, cert_id)] == [GOODS_ROW["description"]] * 2


def test_the_sample_row_left_as_it_is_is_not_imported(app, clerk, make_certificate):
    cert_id = make_certificate(items=0)
    book = load_workbook(io.BytesIO(clerk.get("/certificates/goods-template/C.xlsx").data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.append({header.index("货物英文名称") + 1: "SOAP", header.index("包装件数") + 1: 3,
                  header.index("包装单位") + 1: "CTNS"})
    out = io.BytesIO()
    book.save(out)
    response = upload(clerk, cert_id, out.getvalue())
    assert response.status_code == 302
    assert [(r["name_en"], r["description"]) for r in items(app, cert_id)] == [("SOAP", "THREE (3) CTNS OF SOAP")]
    assert "模板的示例行未导入" in clerk.get(response.headers["Location"]).get_data(as_text=True)
    only_sample = upload(clerk, cert_id, clerk.get("/certificates/goods-template/C.xlsx").data)
    assert only_sample.status_code == 422 and "只有模板的示例行" in only_sample.get_data(as_text=True)


def test_a_non_goods_row_and_a_product_code_fill_what_the_clerk_left_empty(app, clerk, cast, make_certificate):
    cert_id = make_certificate(items=0, cert_type="E", destination_country="VN")
    with app.app_context():
        products.save(cast.ent_a, {"code": "TB-01", "hs_code": "960321", "name_cn": "牙刷", "name_en": "TOOTHBRUSH",
                                   "quantity_unit": "PCS", "package_unit": "CTNS"}, cast.clerk_a,
                      criteria={"E": ("WO", None)})
        db.session.commit()
    data = xlsx(["商品编号", "货物英文名称", "数量", "包装件数", "非货物项", "货物描述"],
                [["TB-01", "", 500, 50, "否", ""], ["TB-01", "BAMBOO TOOTHBRUSH", 20, 2, "", ""],
                 ["", "", "", "", "是", "FREIGHT CHARGES"]])
    response = upload(clerk, cert_id, data)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    first, second, third = items(app, cert_id)
    assert (first["hs_code"], first["name_en"], first["quantity_unit"], first["origin_criterion"],
            first["description"]) == ("960321", "TOOTHBRUSH", "PCS", "WO", "FIFTY (50) CTNS OF TOOTHBRUSH")
    assert second["name_en"] == "BAMBOO TOOTHBRUSH" and second["hs_code"] == "960321"  # the cell wins
    assert third["non_goods"] and third["description"] == "FREIGHT CHARGES" and third["hs_code"] is None


def test_empty_units_and_currency_take_the_initial_values_as_the_editor_does(app, clerk, cast, make_certificate):
    from app.certificates.models import InitialValues

    with app.app_context():
        db.session.add(InitialValues(enterprise_id=cast.ent_a, currency="EUR", package_unit="BAGS"))
        db.session.commit()
    cert_id = make_certificate(items=0)
    data = xlsx(["货物英文名称", "包装件数", "包装单位", "金额", "币制"], [["RICE", 5, "", 100, ""], ["TEA", 2, "CTNS", 9, "USD"]])
    assert upload(clerk, cert_id, data).status_code == 302
    rice, tea = items(app, cert_id)
    assert (rice["package_unit"], rice["currency"], rice["description"]) == ("BAGS", "EUR", "FIVE (5) BAGS OF RICE")
    assert (tea["package_unit"], tea["currency"]) == ("CTNS", "USD")


# ------------------------------------------------------------------ a bad file saves nothing
def test_a_file_with_three_bad_rows_lists_each_by_row_and_column_and_saves_nothing(app, clerk, make_certificate):
    cert_id = make_certificate(items=1)
    rows = [list(GOOD) for _ in range(6)]
    rows[1][3] = "lots"  # row 3: 数量
    rows[3][6] = "PACKAGE"  # row 5: 包装单位
    rows[4][5] = "2.5"  # row 6: 包装件数
    response = upload(clerk, cert_id, xlsx(HEADER, rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html  # the whole page, without JavaScript
    assert "文件“货物.xlsx”中有 3 处错误（3 行），未导入任何货物" in html
    assert problems(html) == [("第 3 行", "数量（D 列）", "请填写数字，例如 1250 或 12.5"),
                              ("第 5 行", "包装单位（G 列）", "请从包装单位中选择（可输入代码或名称后按回车选择）"),
                              ("第 6 行", "包装件数（F 列）", "请填写整数")]
    assert len(items(app, cert_id)) == 1
    # with htmx: the goods section alone, with the same table
    fragment = upload(clerk, cert_id, xlsx(HEADER, rows), headers=SECTION)
    assert fragment.status_code == 422 and "<html" not in fragment.get_data(as_text=True)
    section = fragment.get_data(as_text=True).lstrip()
    assert section.startswith(f'<div class="rows goods-rows" id="c{cert_id}-goods-rows"')
    assert len(problems(fragment.get_data(as_text=True))) == 3 and len(items(app, cert_id)) == 1


def test_unknown_and_foreign_columns_and_an_unknown_product_are_row_problems(app, clerk, make_certificate):
    cert_id = make_certificate(items=0)
    data = xlsx(["HS编码", "货物英文名称", "颜色", "原产地标准", "商品编号", "非货物项"],
                [["9603.21", "TOOTHBRUSH", "", "WO", "", ""], ["9603.21", "TOOTHBRUSH", "", "", "NOPE", "也许"]])
    html = upload(clerk, cert_id, data).get_data(as_text=True)
    found = problems(html)
    assert found[0][:2] == ("第 1 行", "颜色（C 列）") and "无法识别的列标题" in found[0][2]
    assert ("第 2 行", "原产地标准（D 列）", "一般原产地证没有这一栏，请清空或删除该列") in found
    assert ("第 3 行", "非货物项（F 列）", "请填写“是”或“否”") in found
    assert any(row == "第 3 行" and column == "商品编号（E 列）" and "NOPE" in reason for row, column, reason in found)
    assert items(app, cert_id) == []


def test_without_a_file_or_with_an_unreadable_one_it_says_what_to_do(app, clerk, make_certificate):
    cert_id = make_certificate(items=0)
    token = page_form(clerk, f"/certificates/{cert_id}")["csrf_token"]
    none = clerk.post(f"/certificates/{cert_id}/goods/import", data={"csrf_token": token})
    assert none.status_code == 422 and "请选择要导入的 Excel（.xlsx）或 CSV 文件" in none.get_data(as_text=True)
    old = upload(clerk, cert_id, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "货物.xls")
    assert old.status_code == 422 and "不支持旧版 Excel（.xls）文件" in old.get_data(as_text=True)
    header_only = upload(clerk, cert_id, xlsx(HEADER, []))
    assert header_only.status_code == 422 and "只有列标题，没有货物" in header_only.get_data(as_text=True)


# ------------------------------------------------------------------ limits
def test_a_file_over_the_size_limit_is_refused_with_the_limit(app, clerk, make_certificate):
    cert_id = make_certificate(items=0)
    app.config["GOODS_IMPORT_MAX_BYTES"] = 64 * 1024
    data = ("\n".join([",".join(HEADER)] + [",".join(GOOD)] * 1500)).encode()
    assert len(data) > 64 * 1024
    html = upload(clerk, cert_id, data, "货物.csv").get_data(as_text=True)
    assert "文件超过 64 KB 的上限，未导入任何数据" in html and items(app, cert_id) == []


def test_more_rows_than_fit_under_the_row_cap_are_refused_with_the_room_left(app, clerk, make_certificate):
    set_cap(app, 5)
    cert_id = make_certificate(items=3)
    response = upload(clerk, cert_id, xlsx(HEADER, [GOOD] * 3))
    assert response.status_code == 422
    assert ("文件有 3 行货物，本证书已有 3 项，每份证书最多 5 项货物（含非货物项），最多还能导入 2 行；未导入任何数据。"
            in response.get_data(as_text=True))
    assert len(items(app, cert_id)) == 3
    assert upload(clerk, cert_id, xlsx(HEADER, [GOOD] * 2)).status_code == 302
    assert len(items(app, cert_id)) == 5


def test_1000_rows_import_when_the_cap_allows_them(app, clerk, make_certificate):
    set_cap(app, 1000)
    cert_id = make_certificate(items=0)
    rows = [[*GOOD[:2], f"TOOTHBRUSH {n}", *GOOD[3:]] for n in range(1000)]
    response = upload(clerk, cert_id, xlsx(HEADER, rows))
    assert response.status_code == 302
    saved = items(app, cert_id)
    assert len(saved) == 1000 and saved[-1]["name_en"] == "TOOTHBRUSH 999" and saved[-1]["position"] == 1000


# ------------------------------------------------------------------ who may import
def test_another_enterprises_certificate_is_404_and_a_declared_one_is_refused(app, client, cast, log_in,
                                                                             make_certificate):
    cert_id = make_certificate(items=0)
    declared = make_certificate(items=1, status="declared")
    log_in("clerk_b")
    token = page_form(client, "/certificates/new/C")["csrf_token"]
    response = client.post(f"/certificates/{cert_id}/goods/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(xlsx(HEADER, [GOOD])), "a.xlsx")})
    assert response.status_code == 404 and items(app, cert_id) == []
    client.post("/logout", data={"csrf_token": token})
    log_in("clerk_a")
    assert 'goods-import-form' not in client.get(f"/certificates/{declared}").get_data(as_text=True)
    refused = upload(client, declared, xlsx(HEADER, [GOOD]))
    assert refused.status_code == 409 and "不能修改" in refused.get_data(as_text=True)
    assert len(items(app, declared)) == 1
    with app.app_context():
        assert db.session.get(Certificate, declared).status == Status.DECLARED


# ------------------------------------------------------------------ anything in the cells
cell = st.one_of(st.none(), st.integers(min_value=-10 ** 20, max_value=10 ** 20),
                 st.floats(allow_nan=False, allow_infinity=False),
                 st.text(max_size=30), st.sampled_from(["1e309", "是", "否", "PCS", "个", "=1+1", "9" * 40, "😀",
                                                        "\x00", "1,000", "NaN", "-1", "2.5", "０１０１"]))


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=16), min_size=1, max_size=4),
       titles=st.lists(st.sampled_from(HEADER + ["非货物项", "商品编号", "原产地标准", "", "?", "hs_code"]),
                       min_size=1, max_size=16),
       as_csv=st.booleans())
def test_generated_cells_never_break_the_import(rows, titles, as_csv, clerk, make_certificate):
    cert_id = make_certificate(items=0)
    if as_csv:
        lines = [",".join(titles)] + [",".join("" if v is None else str(v).replace(",", " ") for v in r) for r in rows]
        data, name = "\n".join(lines).encode("utf-8"), "g.csv"
    else:
        clean = [[v if not isinstance(v, str) else re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", v) for v in r]
                 for r in rows]
        data, name = xlsx(titles, clean), "g.xlsx"
    response = upload(clerk, cert_id, data, name)
    assert response.status_code in (302, 422), response.get_data(as_text=True)[-1500:]
    assert "Traceback" not in response.get_data(as_text=True)
