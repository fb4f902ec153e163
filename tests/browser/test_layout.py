"""The certificate page laid out for the screen it is on (issue 12, defect 12), as a person sees it:
- at 1366×768 the 基本信息 sections sit in columns (出口商 | 收货人, 签证与目的地 | 运输), every label on one line
  beside its control, the page far shorter than the old 2,100 px column, and the header stays on top of the menu
  with no gap when the page is scrolled;
- at 390×844 one column, nothing wider than the screen, the menu a bar above the content, labels above fields;
- the goods table breaks a long English description only between words and ends with a 合计 row."""
import pathlib

import pytest
from playwright.sync_api import expect

from app.certificates.models import Certificate
from app.extensions import db
from tests.browser.person import CertScreen, assert_seen, geometry, line_breaks

pytestmark = pytest.mark.browser
NO_JS = pytest.mark.browser_context_args(java_script_enabled=False)
WIDE = {"width": 1366, "height": 768}
NARROW = {"width": 390, "height": 844}
LONG_DESCRIPTION = ("TWO THOUSAND (2000) CARTONS OF ELECTRIC TOOTHBRUSHES WITH CHARGING STATIONS AND "
                    "REPLACEMENT HEADS")


def _section(s: CertScreen, title: str):
    """A section of 基本信息 by its heading (a fieldset's legend; the old page had only an h2 above its fields)."""
    return s.basic.locator(f"fieldset.section:has(> legend:text-is('{title}')), "
                           f"h2.section-title:text-is('{title}')").first


def _open_new(page, live_server, browser_login, js, size) -> CertScreen:
    page.set_viewport_size(size)
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/new/C")
    s = CertScreen(page, js)
    expect(s.basic).to_be_visible()
    return s


# Every label of the basic form with its control: the boxes, the line height and the number of text lines.
_LABELS = """(form) => Array.from(form.querySelectorAll('.field')).map((field) => {
  const label = field.querySelector('label');
  const control = Array.from(field.querySelectorAll('input, select, textarea'))
    .find((el) => el.type !== 'hidden' && el.offsetParent !== null);
  if (!label || !control || label.offsetParent === null) return null;
  const style = getComputedStyle(label);
  const lineHeight = style.lineHeight === 'normal' ? parseFloat(style.fontSize) * 1.2 : parseFloat(style.lineHeight);
  const text = label.getBoundingClientRect(), box = control.getBoundingClientRect();
  // the label's text alone (the label box may be padded): its lines are the distinct tops of its client rects
  const range = document.createRange();
  range.selectNodeContents(label);
  const textBox = range.getBoundingClientRect();
  return {name: field.getAttribute('data-field') || field.id, text: label.textContent.trim(),
          checkbox: control.type === 'checkbox', lineHeight, textHeight: textBox.height,
          label: {left: text.left, right: text.right, top: text.top, bottom: text.bottom},
          control: {left: box.left, right: box.right, top: box.top, bottom: box.bottom}};
}).filter(Boolean)"""


def _labels(s: CertScreen) -> list[dict]:
    labels = s.basic.evaluate(_LABELS)
    assert len(labels) > 20, f"only {len(labels)} labelled fields found in 基本信息"
    return labels


def test_basic_information_in_columns_on_a_wide_screen(page, browser_login, live_server, cast, shots):
    s = _open_new(page, live_server, browser_login, True, WIDE)
    for left, right in (("出口商", "收货人（进口商）"), ("签证与目的地", "运输")):
        a, b = geometry(_section(s, left)), geometry(_section(s, right))
        assert abs(a["top"] - b["top"]) <= 4, f"{left} and {right} do not start on one line: {a} {b}"
        assert b["left"] > a["right"], f"{right} is not beside {left}: {a} {b}"
    height = geometry(s.basic)["height"]
    assert height < 1400, f"基本信息 is {height:.0f} px high: still one long column"
    wrapped, apart = [], []
    for f in _labels(s):
        if f["textHeight"] > 1.6 * f["lineHeight"]:
            wrapped.append(f"{f['text']} ({f['textHeight']:.0f} px for a {f['lineHeight']:.0f} px line)")
        label, control = f["label"], f["control"]
        beside = (control["right"] <= label["left"] + 1) if f["checkbox"] else (label["right"] <= control["left"] + 1)
        overlap = label["top"] < control["bottom"] and control["top"] < label["bottom"]
        if not (beside and overlap):
            apart.append(f"{f['text']}: label {label} control {control}")
    assert not wrapped, "labels wrap onto a second line: " + "; ".join(wrapped)
    assert not apart, "labels not beside their controls: " + "; ".join(apart)
    shots(page, "wide")


def test_the_header_stays_on_the_menu_when_the_page_is_scrolled(page, browser_login, live_server, cast, request):
    s = _open_new(page, live_server, browser_login, True, WIDE)
    page.mouse.move(700, 400)
    page.mouse.wheel(0, 800)
    # the form is shorter than 800 px + the window now: the page scrolls as far as it goes
    page.wait_for_function(
        "() => window.scrollY >= Math.min(800, document.documentElement.scrollHeight - innerHeight) - 1")
    assert page.evaluate("() => window.scrollY") > 300
    header = geometry(page.locator("#header"))
    assert abs(header["top"]) < 0.5, f"the header scrolled away: {header}"
    hit = page.evaluate("""(y) => { const el = document.elementFromPoint(90, y);
                                    return {inside: !!(el && el.closest('#sidebar')),
                                            tag: el && (el.tagName + '.' + el.className)}; }""", header["bottom"] + 1)
    assert hit["inside"], f"just under the header at x=90 is {hit['tag']}, not the menu: a gap above the menu"
    assert_seen(s.control("remarks"), "a field far down the form, scrolled to")
    folder = pathlib.Path("test-artifacts")
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{request.node.name}-scrolled.png"))  # the window as it is, scrolled


def _narrow(page, live_server, browser_login, js, shots):
    s = _open_new(page, live_server, browser_login, js, NARROW)
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], f"the page is {sizes[0]} px wide on a {sizes[1]} px screen: something is cut off"
    lefts = s.basic.locator("fieldset.section").evaluate_all(
        "(els) => els.map((el) => el.getBoundingClientRect().left)")
    assert len(lefts) >= 5 and max(lefts) - min(lefts) < 1, f"sections not in one column: lefts {lefts}"
    sidebar, main = geometry(page.locator("#sidebar")), geometry(page.locator("#main"))
    assert sidebar["bottom"] <= main["top"] + 0.5, f"the menu is not a bar above the content: {sidebar} {main}"
    items = page.locator("#sidebar .menu a")
    assert items.count() >= 3
    for i in range(items.count()):
        assert_seen(items.nth(i), f"menu item {items.nth(i).inner_text()}")
    beside = []
    for f in _labels(s):
        if not f["checkbox"] and f["label"]["bottom"] > f["control"]["top"] + 1:
            beside.append(f"{f['text']}: label {f['label']} control {f['control']}")
        if f["textHeight"] > 1.6 * f["lineHeight"]:
            beside.append(f"{f['text']}: wraps ({f['textHeight']:.0f} px for a {f['lineHeight']:.0f} px line)")
        if f["control"]["right"] > NARROW["width"] + 0.5:
            beside.append(f"{f['text']}: control cut off at {f['control']['right']:.0f} px")
    assert not beside, "on a phone labels go above their fields, on one line, nothing cut off: " + "; ".join(beside)
    shots(page, "narrow")


def test_one_column_on_a_phone_with_js(page, browser_login, live_server, cast, shots):
    _narrow(page, live_server, browser_login, True, shots)


@NO_JS
def test_one_column_on_a_phone_without_js(page, browser_login, live_server, cast, shots):
    _narrow(page, live_server, browser_login, False, shots)


def test_goods_descriptions_wrap_between_words_and_the_table_has_totals(page, browser_login, live_server, app,
                                                                       make_certificate, shots):
    """The description cell as drawn is read character by character (person.line_breaks: a Range per character
    gives the line it is drawn on); every place where the text goes on to a new line must have whitespace before
    it — two letters in a row on different lines are a word broken in the middle (word-break: break-all)."""
    cert_id = make_certificate(items=2)
    with app.app_context():
        first, second = db.session.get(Certificate, cert_id).items
        first.description = LONG_DESCRIPTION
        second.quantity, second.package_count, second.gross_weight, second.net_weight, second.amount = \
            500, 30, 80.5, 70, 1234.5
        db.session.commit()
    page.set_viewport_size(WIDE)
    browser_login("clerk_a")
    page.goto(f"{live_server}/certificates/{cert_id}")
    s = CertScreen(page, True)
    s.tab("goods")
    cell = s.row("goods", 1).locator("td.description, td.detail")
    assert_seen(cell, "the description cell")
    lines, broken = line_breaks(cell)
    assert len(lines) >= 2, f"the description did not wrap at all ({lines}): the test proves nothing"
    assert not broken, f"the description is broken inside a word: {broken}; lines {lines}"
    totals = s.root.locator("tfoot tr.totals, tr.totals")
    assert_seen(totals, "the 合计 row")
    expect(totals).to_contain_text("合计（2 项货物）")
    for text in ("20500 PCS", "2030 CTNS", "毛重 1280.5 KGS", "净重 1070 KGS", "6234.5 USD"):
        expect(totals).to_contain_text(text)
    shots(page, "goods")
