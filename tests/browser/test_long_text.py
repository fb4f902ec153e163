"""Pasting more than a field takes (issue 18 item 5): the browser cut 特殊条款 at 600 characters without a word.
Now nothing is cut: the count under the field turns red past the limit, and 暂存 says so beside the field."""
import pytest
from playwright.sync_api import expect

from tests.browser.person import CertScreen, assert_seen, field

pytestmark = pytest.mark.browser
PASTED = ("SPECIAL TERMS " * 50)[:650]


def test_a_long_paste_is_kept_counted_and_refused_with_its_reason(page, browser_login, live_server, make_certificate,
                                                                   shots):
    cert_id = make_certificate()
    browser_login("clerk_a")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, True)
    expect(s.basic).to_be_visible()
    box = s.control("special_terms")
    count = field(s.basic, "special_terms").locator(".char-count")
    expect(count).to_have_text("0 / 600 字符")
    box.click()
    page.keyboard.insert_text(PASTED)  # as a paste arrives
    expect(box).to_have_value(PASTED)  # all 650 characters, none cut
    expect(count).to_have_text("650 / 600 字符")
    expect(count).to_have_class("char-count over")
    assert_seen(count, "the count under 特殊条款")
    s.save()
    message = field(s.basic, "special_terms").locator(".field-error")
    expect(message).to_contain_text("不能超过 600 个字符（现有 650 个）")
    assert_seen(message, "the reason beside 特殊条款")
    expect(s.control("special_terms")).to_have_value(PASTED)
    shots(page, "long-paste")


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_the_limit_is_shown_and_a_long_text_refused_not_cut(page, browser_login, live_server,
                                                                                make_certificate):
    cert_id = make_certificate()
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, False)
    assert s.control("special_terms").get_attribute("maxlength") is None
    expect(field(s.basic, "special_terms").locator(".char-count")).to_have_text("0 / 600 字符")
    s.control("special_terms").fill(PASTED)
    s.save()
    expect(field(s.basic, "special_terms").locator(".field-error")).to_contain_text("不能超过 600 个字符（现有 650 个）")
    expect(field(s.basic, "special_terms").locator(".char-count")).to_have_text("650 / 600 字符")
