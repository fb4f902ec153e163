"""Destinations a certificate type may go to, and 生产商保密, as a clerk meets them (issue 12, defect 10):
- 中国-东盟自贸区原产地证 (Form E) offers only the ten ASEAN members in 目的地国家/地区 (the ▼ list with JavaScript,
  the <select> without); 日本 is not offered, and a request that still posts JP is refused beside the field with
  the names of the allowed countries (names, not codes);
- 中国-韩国: ticking 生产商保密 shows in the form what the certificate's producer box will say, AVAILABLE UPON
  REQUEST — at once with JavaScript, after 暂存 without."""
import re

import pytest
from playwright.sync_api import expect

from app.certificates.types import ASEAN
from tests.browser.person import (CertScreen, assert_marked_in_error, assert_seen, geometry, options_list,
                                  pick_with_mouse)

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
ASEAN_NAMES = "文莱、柬埔寨、印度尼西亚、老挝、马来西亚、缅甸、菲律宾、新加坡、泰国、越南"


def _new(page, browser_login, type_name, js) -> CertScreen:
    """新建证书 from the menu, then the type, as a clerk does."""
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login("clerk_a")
    page.locator("#sidebar a", has_text="新建证书").click()
    s = CertScreen(page, js)
    s.root.locator("#type-list a", has_text=type_name).click()
    expect(s.basic).to_be_visible()
    page.wait_for_timeout(300)  # as a person looks first: htmx settles the new tab (it scrolls to the top) meanwhile
    return s


def _post_japan_anyway(page, s: CertScreen) -> None:
    """What a crafted request does: the <select> (hidden behind the type-ahead with JS) is made to hold JP."""
    select = s.box("destination_country").locator("select")
    select.evaluate("""(el) => { const o = document.createElement('option'); o.value = 'JP'; o.text = 'JP 日本';
                                 el.appendChild(o); el.value = 'JP'; }""")
    s.save()


def _refused_beside_the_field(page, s: CertScreen) -> None:
    expect(s.summary).to_contain_text("不能是日本")
    if s.js:  # the answer's <select> has been turned into the type-ahead again
        expect(s.box("destination_country").locator("input.lookup-input")).to_be_visible()
    control = s.control("destination_country")
    assert_marked_in_error(page, control, "不能是日本")
    note = page.locator("#" + control.get_attribute("aria-describedby"))
    expect(note).to_contain_text(ASEAN_NAMES)
    text = note.inner_text()
    assert not re.search(r"\b[A-Z]{2}\b", text), f"the refusal names countries by code: {text}"


def test_form_e_offers_only_the_asean_members_with_js(page, browser_login, live_server, cast, shots):
    s = _new(page, browser_login, "中国-东盟自贸区原产地证", True)
    field = s.control("destination_country")
    field.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    toggle = field.locator("xpath=following-sibling::button[contains(@class,'lookup-toggle')]")
    assert_seen(toggle, "▼ of 目的地国家/地区").get("left")
    toggle.click()
    listbox = options_list(page)
    assert_seen(listbox, "the destination list")
    options = listbox.locator("li.lookup-option")
    expect(options.first).to_be_visible()
    codes = options.evaluate_all("(els) => els.map((el) => el.getAttribute('data-code'))")
    assert sorted(codes) == sorted(ASEAN), f"Form E offers {codes}"
    for i in range(options.count()):  # each can be scrolled to and seen in the list
        options.nth(i).scroll_into_view_if_needed()
        assert_seen(options.nth(i), f"option {codes[i]}")
    expect(listbox).not_to_contain_text("日本")
    shots(page, "asean-list")  # last: a full-page shot resizes the window, which may close the list
    page.keyboard.press("Escape")
    # typing 日 finds nothing to offer
    field.click()
    field.fill("")
    page.keyboard.type("日")
    expect(options_list(page)).to_be_visible()
    expect(options_list(page).locator("li.lookup-option")).to_have_count(0)
    page.keyboard.press("Escape")
    pick_with_mouse(page, field, "越南")
    expect(field).to_have_value("VN 越南")
    # a request that posts JP all the same is refused beside the field, with the names
    _post_japan_anyway(page, s)
    _refused_beside_the_field(page, s)
    shots(page, "japan-refused")


@NO_JS
def test_form_e_offers_only_the_asean_members_without_js(page, browser_login, live_server, cast, shots):
    s = _new(page, browser_login, "中国-东盟自贸区原产地证", False)
    control = s.control("destination_country")
    expect(control).to_have_js_property("tagName", "SELECT")
    codes = control.locator("option").evaluate_all("(els) => els.map((el) => el.value).filter(Boolean)")
    assert sorted(codes) == sorted(ASEAN), f"Form E offers {codes}"
    expect(control).not_to_contain_text("日本")
    _post_japan_anyway(page, s)
    _refused_beside_the_field(page, s)
    shots(page, "japan-refused")


def _confidential(page, s: CertScreen, shots) -> None:
    box = s.control("producer_confidential")
    box.scroll_into_view_if_needed()
    preview = s.basic.get_by_text("AVAILABLE UPON REQUEST", exact=True)
    expect(preview).to_be_hidden()
    assert_seen(box, "生产商保密")
    box.click()
    expect(box).to_be_checked()
    if not s.js:
        s.save()
        expect(s.root.locator(".flash-success").first).to_contain_text("已暂存")
        box = s.control("producer_confidential")
        expect(box).to_be_checked()
        preview = s.basic.get_by_text("AVAILABLE UPON REQUEST", exact=True)
        box.scroll_into_view_if_needed()
    seen = assert_seen(preview, "AVAILABLE UPON REQUEST in the form")
    near = geometry(box)
    assert 0 <= seen["top"] - near["bottom"] < 60, f"AVAILABLE UPON REQUEST is not next to 生产商保密: {seen} {near}"
    shots(page, "confidential")
    if s.js:  # and it goes when the tick goes
        box.click()
        expect(preview).to_be_hidden()


def test_producer_confidential_shows_available_upon_request_with_js(page, browser_login, live_server, cast, shots):
    _confidential(page, _new(page, browser_login, "中国-韩国自贸区原产地证", True), shots)


@NO_JS
def test_producer_confidential_shows_available_upon_request_without_js(page, browser_login, live_server, cast,
                                                                       shots):
    _confidential(page, _new(page, browser_login, "中国-韩国自贸区原产地证", False), shots)
