"""Issue 14 as a clerk meets it, with the mouse and the keyboard: a goods name or its pinyin initials find the
tariff code, the chosen code proposes the tariff's unit, an earlier row chosen in the HS dialog fills the editor,
and a value customs would refuse is marked beside its field as soon as the clerk leaves it (the server checks it)."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.person import CertScreen, assert_list_usable, assert_marked_in_error, assert_seen, options_list

pytestmark = pytest.mark.browser
SIZES = {"wide": (1366, 768), "phone": (390, 844)}


def _goods(page, live_server, cert_id, size="wide"):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, True)
    expect(s.basic).to_be_visible()
    s.tab("goods")
    expect(s.goods_editor).to_be_visible()
    return s


@pytest.mark.parametrize("size", sorted(SIZES))
def test_pinyin_initials_list_the_toothbrush_and_a_click_fills_the_code_and_the_unit(
        page, browser_login, live_server, make_certificate, size, shots):
    cert_id = make_certificate(items=0)
    browser_login("clerk_a")
    s = _goods(page, live_server, cert_id, size)
    editor = s.goods_editor
    unit = s.control("quantity_unit", editor)
    unit.click()
    unit.fill("")
    page.keyboard.press("Tab")  # 数量单位 left empty: the tariff's unit will be proposed
    hs = s.control("hs_code", editor)
    hs.click()
    page.keyboard.type("ys")
    listbox = assert_list_usable(page)
    option = listbox.locator("li.lookup-option", has_text="牙刷，包括齿板刷").first
    expect(option).to_contain_text("9603.2100")
    page.screenshot(path=f"test-artifacts/hs-list-pinyin-{size}.png")
    box = assert_seen(option, "the toothbrush option", scroll=False)
    page.mouse.click(box["left"] + 10, box["top"] + box["height"] / 2)
    expect(hs).to_have_value("96032100")
    expect(options_list(page)).to_have_count(0)
    expect(unit).to_have_value("PCS 个")  # the tariff's first unit (把) as the unit a certificate prints
    expect(editor.locator("select[name=quantity_unit]")).to_have_value("PCS")


def test_a_library_product_chosen_in_the_hs_dialog_fills_the_whole_editor(page, browser_login, live_server,
                                                                             make_certificate, make_product, shots):
    make_product()  # TOOTHBRUSH, PCS, CTNS, KGS, USD in 商品库
    cert_id = make_certificate(items=0)
    browser_login("clerk_a")
    s = _goods(page, live_server, cert_id)
    editor = s.goods_editor
    s.control("hs_code", editor).fill("牙刷")
    s.box("hs_code", editor).locator("button.lookup-search").click()
    dialog = page.locator("#modal")
    earlier_goods = dialog.locator("#previous-goods")
    assert_seen(earlier_goods, "本企业商品库")
    shots(page, "hs-dialog-earlier-goods")
    earlier_goods.locator("button.pick").first.click()
    expect(dialog).to_be_hidden()
    expect(s.control("hs_code", editor)).to_have_value("960321")
    expect(s.control("name_cn", editor)).to_have_value("牙刷")
    expect(s.control("name_en", editor)).to_have_value("TOOTHBRUSH")
    expect(editor.locator("select[name=package_unit]")).to_have_value("CTNS")
    expect(s.control("package_unit", editor)).to_have_value("CTNS 纸箱")
    expect(editor.locator("select[name=currency], input[name=currency]").first).to_have_value("USD")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_an_emoji_is_marked_beside_the_field_when_the_clerk_leaves_it_and_cleared_when_fixed(
        page, browser_login, live_server, make_certificate, size, shots):
    cert_id = make_certificate(items=0)
    browser_login("clerk_a")
    s = _goods(page, live_server, cert_id, size)
    editor = s.goods_editor
    name = s.control("name_en", editor)
    name.click()
    page.keyboard.type("TOOTHBRUSH 😀")
    page.keyboard.press("Tab")
    expect(s.box("name_en", editor)).to_have_class(re.compile(r"\bhas-error\b"))  # the server's answer is in
    name = s.control("name_en", editor)
    assert_marked_in_error(page, name, "无法打印的字符")
    expect(name).to_have_value("TOOTHBRUSH 😀")  # what was typed stays
    shots(page, f"emoji-marked-{size}")
    name.click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.press("Tab")
    expect(s.box("name_en", editor)).not_to_have_class("field has-error")
    expect(s.control("name_en", editor)).to_have_attribute("aria-invalid", "false")


def test_thousands_in_the_package_count_are_refused_as_the_clerk_types_on(page, browser_login, live_server,
                                                                           make_certificate):
    cert_id = make_certificate(items=0)
    browser_login("clerk_a")
    s = _goods(page, live_server, cert_id)
    editor = s.goods_editor
    count = s.control("package_count", editor)
    count.click()
    page.keyboard.type("1,000")
    page.keyboard.press("Tab")
    expect(s.box("package_count", editor)).to_have_class(re.compile(r"\bhas-error\b"))
    assert_marked_in_error(page, s.control("package_count", editor), "不要用逗号")
    expect(page.locator(":focus")).to_have_id(re.compile(r"package_unit$"))  # the keyboard went on to the next field
