"""▼ option lists as a mouse-only clerk meets them (issue 12, defect 1): the list is on screen, above the fields
below it, flips upwards near the bottom, scrolls inside when long, and a mouse click on an option fills the field."""
import pytest
from playwright.sync_api import expect

from tests.browser.person import assert_list_usable, assert_seen, field as box_of, geometry, options_list, pick_with_mouse, wait_until_still

pytestmark = pytest.mark.browser


@pytest.fixture
def new_certificate(page, browser_login, cast):
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login("clerk_a")
    page.click("#sidebar >> text=新建证书")
    page.locator(".pane.active #type-list a", has_text="一般原产地证").click()
    form = page.locator(".pane.active form.cert-form, .pane.active #basic-form").first
    expect(form).to_be_visible()
    return form


def test_the_trade_mode_list_opens_with_the_mouse_and_an_option_is_clicked(page, new_certificate, shots):
    field = box_of(new_certificate, "trade_mode").locator("input.lookup-input")
    pick_with_mouse(page, field, "进料对口")
    expect(field).to_have_value("0615 进料对口")
    expect(new_certificate.locator("select[name=trade_mode]")).to_have_value("0615")


def test_typing_into_the_destination_lists_countries_and_a_click_picks_one(page, new_certificate, shots):
    field = box_of(new_certificate, "destination_country").locator("input[type=text]")
    field.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    field.click()
    page.keyboard.type("日")
    listbox = assert_list_usable(page)
    expect(listbox).to_contain_text("日本")
    # (a viewport shot: a full-page one resizes the window, which moves the list)
    page.screenshot(path="test-artifacts/option-list-destination.png")
    # the list lies over the fields below it: the field under the list is hidden by the list, not the reverse
    below = box_of(new_certificate, "issuing_authority").locator("input.lookup-input")
    list_box, below_box = geometry(listbox), geometry(below)
    assert list_box["top"] < below_box["bottom"] and below_box["top"] < list_box["bottom"], (list_box, below_box)
    option = listbox.locator("li.lookup-option", has_text="日本").first
    box = assert_seen(option, scroll=False)
    page.mouse.click(box["left"] + 10, box["top"] + box["height"] / 2)
    expect(field).to_have_value("JP 日本")
    expect(options_list(page)).to_have_count(0)


def test_near_the_bottom_of_the_window_the_list_opens_upwards(page, new_certificate):
    field = box_of(new_certificate, "transport_mode").locator("input.lookup-input")
    # put the field a little above the bottom edge of the window
    field.evaluate("(el) => window.scrollBy(0, el.getBoundingClientRect().bottom - window.innerHeight + 20)")
    field_box = geometry(field)
    assert field_box["bottom"] > field_box["viewportHeight"] - 60
    field.locator("xpath=following-sibling::button[contains(@class,'lookup-toggle')]").click()
    listbox = assert_list_usable(page)
    assert geometry(listbox)["bottom"] <= geometry(field)["top"] + 1, "the list should open above the field"


def test_a_long_list_scrolls_inside_itself_and_a_lower_option_is_clicked(page, new_certificate):
    field = box_of(new_certificate, "trade_mode").locator("input.lookup-input")
    field.locator("xpath=following-sibling::button[contains(@class,'lookup-toggle')]").click()
    listbox = assert_list_usable(page)
    sizes = listbox.evaluate("(el) => [el.scrollHeight, el.clientHeight]")
    assert sizes[0] > sizes[1] + 50, "the trade-mode list is long: it should scroll inside itself"
    box = geometry(listbox)
    page.mouse.move(box["left"] + 40, box["top"] + 40)
    page.mouse.wheel(0, 400)
    target = listbox.locator("li.lookup-option", has_text="边境小额").first
    for _ in range(30):  # on with the wheel until the option shows inside the list
        where = geometry(target)
        if where["bottom"] <= box["bottom"] + 1 and where["top"] >= box["top"]:
            break
        page.mouse.wheel(0, 60 if where["top"] > box["top"] else -60)
    wait_until_still(page, target)
    hit = assert_seen(target, scroll=False)
    assert box["top"] <= hit["top"] and hit["bottom"] <= box["bottom"] + 1  # inside the list's own box
    page.mouse.click(hit["left"] + 10, hit["top"] + hit["height"] / 2)
    expect(field).to_have_value("4019 边境小额")


def test_the_list_follows_its_field_when_the_page_scrolls(page, new_certificate):
    field = box_of(new_certificate, "destination_country").locator("input[type=text]")
    field.click()
    page.keyboard.type("de")
    listbox = assert_list_usable(page)
    before = geometry(listbox)["top"] - geometry(field)["bottom"]
    page.mouse.wheel(0, 120)
    page.wait_for_timeout(100)
    if options_list(page).count():
        after = geometry(listbox)["top"] - geometry(field)["bottom"]
        assert abs(after - before) < 3, "the list stays attached to its field"
        assert_list_usable(page)
