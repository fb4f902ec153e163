"""Two certificates open in two tabs (issue 12, defect 7): each pane's labels, 填入 N/M, focus and 是/否 guidance act
on that pane's own fields, never on the other certificate's; no id occurs twice in the document."""
import re

import pytest
from playwright.sync_api import expect

from app.certificates.models import Certificate
from app.extensions import db
from tests.browser.person import (CertScreen, assert_focused, assert_seen, duplicate_ids, pick_with_mouse,
                                  tab_titles)

pytestmark = pytest.mark.browser


@pytest.fixture
def two_asean(app, make_certificate):
    """Two saved 中国-东盟 certificates (是否第三方发票 = 否) with their own exporter and marks."""
    ids = [make_certificate(cert_type="E", destination_country="VN", exporter_name=f"EXPORTER {n} CO., LTD.",
                            marks=f"MARK-{n}") for n in ("ONE", "TWO")]
    with app.app_context():
        numbers = [db.session.get(Certificate, cert_id).cert_no for cert_id in ids]
    return ids, numbers


def _guide(root):
    """The guidance box of 是否第三方发票 (shown while 是 is chosen)."""
    return root.locator("[id^='guide-'][id$='third_party_invoice']")


def _third_party(s: CertScreen, root):
    return s.control("third_party_invoice", root.locator("form.cert-form"))


def test_two_certificates_in_two_tabs_each_act_on_their_own_fields(page, browser_login, live_server, two_asean,
                                                                  shots):
    (first_id, second_id), (first_no, second_no) = two_asean
    browser_login("clerk_a")
    # the first certificate is open; the second is opened from 证书查询 (its 证书号, then 修改)
    page.goto(f"{live_server}/certificates/{first_id}")
    expect(page.locator(".pane.active h1")).to_contain_text(first_no)
    page.locator("#sidebar a", has_text="证书查询").click()
    expect(page.locator(".pane.active h1")).to_have_text("证书查询")
    page.locator(".pane.active #results-table a.cert-link", has_text=second_no).click()
    expect(page.locator(".pane.active h1")).to_contain_text(second_no)
    page.locator(".pane.active").get_by_role("link", name="修改", exact=True).click()
    s = CertScreen(page, True)
    expect(s.basic).to_be_visible()
    expect(page.locator(".pane.active h1")).to_contain_text(second_no)
    first = page.locator(".pane").filter(has=page.locator("h1", has_text=first_no))
    second = page.locator("#" + page.locator(".pane.active").get_attribute("id"))  # this pane, whichever is shown
    expect(first).to_have_count(1)
    expect(first.locator("form.cert-form")).to_have_count(1)
    assert first_no in " ".join(tab_titles(page)) and second_no in " ".join(tab_titles(page)), tab_titles(page)
    expect(second.locator("h1")).to_contain_text(second_no)

    # the label of 出口商名称 puts the keyboard on this tab's input, and typing lands there
    exporter = s.control("exporter_name")
    label = s.box("exporter_name").locator("label")
    assert_seen(label, "the label 出口商名称")
    label.click()
    assert_focused(exporter)
    page.keyboard.press("End")
    page.keyboard.type(" (HK)")
    expect(exporter).to_have_value("EXPORTER TWO CO., LTD. (HK)")

    # 填入 N/M fills this tab's 唛头
    fill = s.basic.locator("button", has_text="填入 N/M")
    assert_seen(fill, "填入 N/M")
    fill.click()
    expect(s.control("marks")).to_have_value("N/M")
    assert_focused(s.control("marks"))

    # 贸易方式 from its ▼ list with the mouse: this tab's field takes it
    trade = s.box("trade_mode").locator("input.lookup-input")
    pick_with_mouse(page, trade, "进料对口")
    expect(trade).to_have_value("0615 进料对口")
    expect(s.basic.locator("select[name=trade_mode]")).to_have_value("0615")

    # 是否第三方发票 = 是: this tab's guidance shows and its fields are marked
    guide = _guide(second)
    expect(guide).to_be_hidden()
    choice = _third_party(s, second)
    assert_seen(choice, "是否第三方发票")
    choice.select_option(label="是")
    assert_seen(guide, "the guidance of this tab")
    expect(guide).to_contain_text("第三方发票公司名称")
    expect(s.box("special_terms")).to_have_class(re.compile(r"\bguided\b"))
    shots(page, "second-tab")

    # the first tab: nothing of that happened there
    page.locator("#tabs .tab a", has_text=first_no).click()
    expect(page.locator(".pane.active h1")).to_contain_text(first_no)
    expect(first).to_have_class(re.compile(r"\bactive\b"))
    s1 = CertScreen(page, True)
    expect(s1.control("exporter_name")).to_have_value("EXPORTER ONE CO., LTD.")
    expect(s1.control("marks")).to_have_value("MARK-ONE")
    expect(s1.basic.locator("select[name=trade_mode]")).to_have_value("0110")
    expect(s1.box("trade_mode").locator("input.lookup-input")).to_have_value("0110 一般贸易")
    expect(_third_party(s1, first)).to_have_value("0")
    expect(_guide(first)).to_be_hidden()
    expect(s1.box("special_terms")).not_to_have_class(re.compile(r"\bguided\b"))
    assert_seen(s1.control("marks"), "the first tab's 唛头")
    shots(page, "first-tab")

    # and the second tab still holds what was done in it
    page.locator("#tabs .tab a", has_text=second_no).click()
    expect(s.control("exporter_name")).to_have_value("EXPORTER TWO CO., LTD. (HK)")
    expect(s.control("marks")).to_have_value("N/M")
    assert_seen(_guide(second), "the second tab's guidance")
    # the query list, the first certificate and the second are all in the document: no id is used twice
    assert duplicate_ids(page) == [], f"ids used twice in the document: {duplicate_ids(page)}"
