"""商品库 as a clerk meets it: a product picked into a goods row with the keyboard (type, Enter) and with the
mouse, 保存到商品库 from the editor, and the same without JavaScript (填入). What is asserted is what a person
sees: the list and the filled fields visible on the screen, not merely in the page."""
import pytest
from playwright.sync_api import expect

from tests.browser.person import CertScreen, assert_list_usable, assert_seen, options_list

pytestmark = pytest.mark.browser
SIZES = {"wide": (1366, 768), "phone": (390, 844)}
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)


def _goods(page, live_server, cert_id, size="wide", js=True):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(f"{live_server}/certificates/{cert_id}" + ("" if js else "#"))
    s = CertScreen(page, js)
    if js:
        expect(s.basic).to_be_visible()
        s.tab("goods")
    expect(s.goods_editor).to_be_visible()
    return s


def _pick_field(editor):
    return editor.locator("input[name=_product]")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_typing_a_product_code_and_enter_fills_the_whole_row(page, browser_login, live_server, make_certificate,
                                                             make_product, size, shots):
    make_product(code="TB-001", criteria={"RCEP": ("PE", None)})
    make_product(code="KT-9", hs_code="85167110", name_cn="电热水壶", name_en="ELECTRIC KETTLE")
    cert_id = make_certificate(items=0, cert_type="RC", destination_country="JP")
    browser_login("clerk_a")
    s = _goods(page, live_server, cert_id, size)
    editor = s.goods_editor
    pick = _pick_field(editor)
    assert_seen(pick, "the 商品库 field")
    pick.click()
    page.keyboard.type("tb-0")
    listbox = assert_list_usable(page)
    expect(listbox.locator("li.lookup-option.active")).to_contain_text("TB-001")
    shots(page, f"product-list-{size}")
    page.keyboard.press("Enter")  # one keystroke: the row is filled
    expect(options_list(page)).to_have_count(0)
    expect(s.control("hs_code", editor)).to_have_value("960321")
    expect(s.control("name_en", editor)).to_have_value("TOOTHBRUSH")
    expect(s.control("name_cn", editor)).to_have_value("牙刷")
    expect(editor.locator("select[name=package_unit]")).to_have_value("CTNS")
    expect(editor.locator("select[name=origin_criterion]")).to_have_value("PE")
    assert_seen(s.control("name_en", editor), "the filled English name")
    shots(page, f"product-filled-{size}")


def test_a_product_is_picked_with_the_mouse(page, browser_login, live_server, make_certificate, make_product):
    make_product(code="TB-001")
    make_product(code="KT-9", hs_code="85167110", name_cn="电热水壶", name_en="ELECTRIC KETTLE")
    cert_id = make_certificate(items=0)
    browser_login("clerk_a")
    s = _goods(page, live_server, cert_id)
    editor = s.goods_editor
    pick = _pick_field(editor)
    pick.click()
    page.keyboard.type("水壶")
    expect(options_list(page).locator("li.lookup-option", has_text="KT-9")).to_be_visible()
    option = assert_list_usable(page).locator("li.lookup-option", has_text="KT-9").first
    box = assert_seen(option, "the kettle option", scroll=False)
    page.mouse.click(box["left"] + 10, box["top"] + box["height"] / 2)
    expect(s.control("name_en", editor)).to_have_value("ELECTRIC KETTLE")
    expect(s.control("hs_code", editor)).to_have_value("85167110")
    expect(pick).to_have_value("KT-9")


def test_save_to_library_from_the_editor_then_the_row_is_saved_as_usual(page, browser_login, live_server, app,
                                                                       make_certificate, shots):
    from app.certificates.models import Product
    from app.extensions import db

    cert_id = make_certificate(items=0)
    browser_login("clerk_a")
    s = _goods(page, live_server, cert_id)
    editor = s.goods_editor
    s.fill("hs_code", "9603.21", editor)
    s.fill("name_cn", "牙刷", editor)
    s.fill("name_en", "TOOTHBRUSH", editor)
    _pick_field(editor).fill("TB-77")
    button = editor.locator("button[value=library]")
    box = assert_seen(button, "保存到商品库")
    page.mouse.click(box["left"] + box["width"] / 2, box["top"] + box["height"] / 2)
    message = page.locator(".row-messages", has_text="已保存到商品库：商品 TB-77")
    assert_seen(message.first, "the saved message")
    expect(s.control("name_en", s.goods_editor)).to_have_value("TOOTHBRUSH")  # the typing stays in the editor
    shots(page, "saved-to-library")
    with app.app_context():
        assert db.session.scalar(db.select(Product.name_en).where(Product.code == "TB-77")) == "TOOTHBRUSH"


@NO_JS
def test_without_js_fill_brings_the_product_into_the_editor(page, browser_login, live_server, make_certificate,
                                                            make_product, shots):
    make_product(code="TB-001")
    cert_id = make_certificate(items=0)
    browser_login("clerk_a")
    s = _goods(page, live_server, cert_id, js=False)
    editor = s.goods_editor
    _pick_field(editor).fill("TB-001")
    button = editor.locator("button[value=product]")
    box = assert_seen(button, "填入")
    page.mouse.click(box["left"] + box["width"] / 2, box["top"] + box["height"] / 2)
    page.wait_for_load_state()
    editor = CertScreen(page, False).goods_editor
    expect(editor.locator("input[name=name_en]")).to_have_value("TOOTHBRUSH")
    expect(editor.locator("input[name=hs_code]")).to_have_value("960321")
    assert_seen(page.locator(".flash, .flashes, [role=status]", has_text="已从商品库填入商品 TB-001").first,
                "the 填入 message")
    shots(page, "nojs-filled")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_library_page_lists_imports_and_exports(page, browser_login, live_server, make_product, size, shots):
    make_product(code="TB-001", criteria={"RCEP": ("PE", None)})
    browser_login("clerk_a")
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(f"{live_server}/products")
    row = page.locator("#products-table tbody tr", has_text="TB-001")
    assert_seen(row.locator("td").first, "the product's 商品编号")
    assert_seen(row.get_by_role("link", name="编辑"), "its 编辑 link (the table scrolls sideways on a phone)")
    for selector in ("#products-import-submit", "#products-template", "#products-export"):
        assert_seen(page.locator(selector), selector)
    with page.expect_download() as download:
        page.locator("#products-export").click()
    assert download.value.suggested_filename == "商品库.xlsx"
    shots(page, f"products-page-{size}")
