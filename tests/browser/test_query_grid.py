"""证书查询's conditions at the widths clerks use (issue 18 item 7): at 1024 px they sat in one long column."""
import pytest
from playwright.sync_api import expect

from tests.browser.person import assert_seen

pytestmark = pytest.mark.browser

_CELLS = """() => Array.from(document.querySelectorAll('.pane.active .query-grid > .field')).map((f) => {
  const r = f.getBoundingClientRect(); return {top: Math.round(r.top), left: Math.round(r.left), right: r.right};
})"""


@pytest.mark.parametrize("width, columns", [(1024, 2), (1366, 3)])
def test_the_conditions_lie_in_a_grid_that_fits_the_window(page, browser_login, live_server, cast, width, columns,
                                                          shots):
    browser_login("clerk_a")
    page.set_viewport_size({"width": width, "height": 768})
    page.click("#sidebar >> text=证书查询")
    expect(page.locator(".pane.active #query-form")).to_be_visible()
    cells = page.evaluate(_CELLS)
    assert len(cells) >= 8
    per_row = {}
    for cell in cells:
        per_row.setdefault(cell["top"], []).append(cell)
    widest = max(len(row) for row in per_row.values())
    assert widest >= columns, f"{width} px: at most {widest} conditions side by side: {per_row}"
    assert all(cell["right"] <= width for cell in cells), "a condition reaches past the window"
    for name in ("q-cert_no", "q-invoice", "q-status"):
        assert_seen(page.locator(f".pane.active #{name}"), name)
    assert_seen(page.locator(".pane.active #query-button"), "查询")
    shots(page, f"query-grid-{width}")
