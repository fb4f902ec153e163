"""导入货物 as a clerk does it in Chromium, JavaScript on and off: on the 货物信息 tab, click the file input, choose the
Excel file, click 导入货物 with the mouse — the rows are in the goods table, on the screen; a file with bad rows
shows the error table, naming each row and column, and adds nothing."""
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from app.certificates.models import Certificate
from app.extensions import db
from tests.browser.person import CertScreen, assert_seen

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
SIZES = {"wide": (1366, 768), "phone": (390, 844)}
HEADER = ["HS编码", "货物中文名称", "货物英文名称", "数量", "数量单位", "包装件数", "包装单位", "货物描述"]
ROWS = [["9603.21", "牙刷", "TOOTHBRUSH", 2000, "PCS", 20, "CTNS", ""],
        ["3306.10", "牙膏", "TOOTHPASTE", 1500, "个", 15, "纸箱", ""],
        ["3401.11", "香皂", "SOAP", 800, "PCS", 8, "CTNS", "EIGHT (8) CARTONS OF SOAP"]]


def _file(tmp_path, rows, name="货物.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def _goods_tab(page, live_server, cert_id, js, size="wide"):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, js)
    expect(s.basic).to_be_visible()
    s.tab("goods")
    return s


def _import(page, s, path):
    """Click the file input, choose the file in the chooser, click 导入货物 with the mouse."""
    file_input = s.root.locator("input[type=file][name=file]")
    box = assert_seen(file_input, "the file input")
    with page.expect_file_chooser() as chooser:  # a mouse click on its button, once the input stands still
        file_input.click(position={"x": 20, "y": box["height"] / 2})
    chooser.value.set_files(str(path))
    button = assert_seen(s.root.get_by_role("button", name="导入货物"), "导入货物")
    page.mouse.click(button["left"] + button["width"] / 2, button["top"] + button["height"] / 2)
    page.wait_for_load_state()


def _seen(page, locator, name):
    """What the window shows with `locator` in its middle, as the clerk sees it (beside the full-page shots)."""
    locator.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    page.screenshot(path=f"test-artifacts/goods-import-{name}-window.png")


def _rows(app, cert_id):
    with app.app_context():
        return [i.name_en for i in db.session.get(Certificate, cert_id).items]


def _imports_three_rows(page, live_server, app, make_certificate, tmp_path, js, shots, size="wide"):
    cert_id = make_certificate(items=1)
    s = _goods_tab(page, live_server, cert_id, js, size)
    how = f"{'js' if js else 'nojs'}-{size}"
    assert_seen(s.root.get_by_role("link", name="下载模板"), "下载模板")
    shots(page, f"import-form-{how}")
    _seen(page, s.root.locator("input[type=file][name=file]"), f"form-{how}")
    _import(page, s, _file(tmp_path, ROWS))
    s = CertScreen(page, js)
    for position, text in ((2, "TOOTHBRUSH"), (3, "TOOTHPASTE"), (4, "SOAP")):
        expect(s.row("goods", position)).to_contain_text(text)
    expect(s.row("goods", 2)).to_contain_text("TWENTY (20) CTNS OF TOOTHBRUSH")  # 生成 where it was empty
    expect(s.row("goods", 4)).to_contain_text("EIGHT (8) CARTONS OF SOAP")
    assert_seen(s.row("goods", 2).locator("td").nth(2), "the first imported row")
    message = s.root.get_by_text("已导入 3 项货物（第 2–4 项）").first
    assert_seen(message, "the 已导入 message")
    shots(page, f"imported-{how}")
    assert _rows(app, cert_id) == ["TOOTHBRUSH", "TOOTHBRUSH", "TOOTHPASTE", "SOAP"]


@pytest.mark.parametrize("size", sorted(SIZES))
def test_with_js_a_clerk_imports_three_rows(page, browser_login, live_server, app, make_certificate, tmp_path, size,
                                            shots):
    browser_login("clerk_a")
    _imports_three_rows(page, live_server, app, make_certificate, tmp_path, True, shots, size)


@NO_JS
def test_without_js_a_clerk_imports_three_rows(page, browser_login, live_server, app, make_certificate, tmp_path,
                                               shots):
    browser_login("clerk_a")
    _imports_three_rows(page, live_server, app, make_certificate, tmp_path, False, shots)


def _bad_file_is_listed(page, live_server, app, make_certificate, tmp_path, js, size, shots):
    cert_id = make_certificate(items=1)
    s = _goods_tab(page, live_server, cert_id, js, size)
    bad = [list(r) for r in ROWS]
    bad[0][3] = "很多"  # row 2: 数量
    bad[2][6] = "箱子"  # row 4: 包装单位
    _import(page, s, _file(tmp_path, bad, "有错的货物.xlsx"))
    s = CertScreen(page, js)
    table = s.root.locator("table.import-problems")
    # where the answer lands (the form's #anchor without JS, show:top with it): the summary is on the screen
    assert_seen(s.root.locator("[id$=goods-import-summary]"), "the summary of what is wrong", scroll=False)
    expect(s.root.locator("[id$=goods-import-summary]")).to_contain_text("文件“有错的货物.xlsx”中有 2 处错误（2 行），未导入任何货物")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("第 2 行")
    expect(rows.nth(0)).to_contain_text("数量（D 列）")
    expect(rows.nth(0)).to_contain_text("请填写数字")
    expect(rows.nth(1)).to_contain_text("第 4 行")
    expect(rows.nth(1)).to_contain_text("包装单位（G 列）")
    for i in range(2):
        assert_seen(rows.nth(i).locator("td").first, f"error row {i + 1}")
    shots(page, f"import-errors-{'js' if js else 'nojs'}-{size}")
    _seen(page, s.root.locator("[id$=goods-import-summary]"), f"import-errors-{'js' if js else 'nojs'}-{size}")
    assert _rows(app, cert_id) == ["TOOTHBRUSH"]


@pytest.mark.parametrize("size", sorted(SIZES))
def test_with_js_a_bad_file_shows_the_rows_in_error(page, browser_login, live_server, app, make_certificate,
                                                    tmp_path, size, shots):
    browser_login("clerk_a")
    _bad_file_is_listed(page, live_server, app, make_certificate, tmp_path, True, size, shots)


@NO_JS
@pytest.mark.parametrize("size", sorted(SIZES))
def test_without_js_a_bad_file_shows_the_rows_in_error(page, browser_login, live_server, app, make_certificate,
                                                       tmp_path, size, shots):
    browser_login("clerk_a")
    _bad_file_is_listed(page, live_server, app, make_certificate, tmp_path, False, size, shots)
