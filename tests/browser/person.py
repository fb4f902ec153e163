"""What a person sees and does, for the browser tests: an element is there for a person only when it is visible,
inside the viewport and not covered by something else (the element at its centre is the element or inside it).
A person picks from a ▼ list with the mouse (the list must be on screen and clickable) or with the keyboard."""
import re

from playwright.sync_api import Error as PlaywrightError, Locator, Page, expect

# Runs in the page as a function (not a string to eval: the app's CSP forbids eval).
_GEOMETRY = """(el) => {
  const r = el.getBoundingClientRect();
  const w = document.documentElement.clientWidth, h = document.documentElement.clientHeight;
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height,
          viewportWidth: w, viewportHeight: h,
          inside: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= w + 0.5 && r.bottom <= h + 0.5,
          covered: !(hit && (hit === el || el.contains(hit))),
          hit: hit ? (hit.tagName + (hit.id ? '#' + hit.id : '') + (hit.className ? '.' + String(hit.className).split(' ').join('.') : '')) : null};
}"""


def field(root, name: str) -> Locator:
    """A field's box (label, control, message) by its name, whatever the page's id prefix."""
    return root.locator(f".field[data-field='{name}'], #field-{name}").first


def geometry(locator: Locator) -> dict:
    return locator.evaluate(_GEOMETRY)


def assert_seen(locator: Locator, what: str = "", scroll: bool = True) -> dict:
    """The element is visible, wholly inside the viewport and nothing covers its centre (scrolled to first, as a
    person would; not for the ▼ list, which is fixed to its field and closes when the field leaves the window)."""
    for attempt in range(15):
        expect(locator).to_be_visible()
        try:
            if scroll:
                locator.scroll_into_view_if_needed(timeout=2000)
            box = geometry(locator)
        except PlaywrightError as exc:  # replaced between finding and measuring it: measure the new one
            if "not attached" not in str(exc) or attempt == 14:
                raise
            box = {"width": 0, "height": 0}
        if box["width"] or box["height"]:
            break
        # no size at all, or gone: the element was measured while htmx replaced it (a field's check coming back);
        # a person looks at the one that replaced it
        locator.page.wait_for_timeout(100)
    assert box["inside"], f"{what or locator}: not inside the viewport: {box}"
    assert not box["covered"], f"{what or locator}: covered by {box['hit']}: {box}"
    return box


def options_list(page: Page) -> Locator:
    """The open ▼ list (there is one at a time)."""
    return page.locator("ul.lookup-options:not([hidden])")


def assert_list_usable(page: Page) -> Locator:
    """The open list and its first options are on screen, above everything else, so a click lands on them."""
    listbox = options_list(page)
    expect(listbox).to_have_count(1)
    _settled(page)  # the answer to the last keystroke is in (a list still being replaced has no geometry yet)
    box = assert_seen(listbox, "option list", scroll=False)
    assert box["height"] >= 24, f"option list is only {box['height']} px high"
    options = listbox.locator("li.lookup-option")
    for i in range(min(3, options.count())):
        assert_seen(options.nth(i), f"option {i + 1}", scroll=False)
    return listbox


def _settled(page: Page) -> None:
    """Until the open list shows the same options twice in a row, 150 ms apart (at most 3 s)."""
    seen = None
    for _ in range(20):
        now = options_list(page).evaluate_all("(lists) => lists.map((l) => l.textContent).join('|')")
        if now == seen:
            return
        seen = now
        page.wait_for_timeout(150)


def wait_until_still(page: Page, element: Locator) -> None:
    """A person clicks once what they aim at has stopped moving (a wheel scroll glides on a while): until the
    element is at the same place twice, 100 ms apart (at most 2 s)."""
    before = geometry(element)["top"]
    for _ in range(20):
        page.wait_for_timeout(100)
        now = geometry(element)["top"]
        if now == before:
            return
        before = now


def pick_with_mouse(page: Page, field: Locator, option_text: str, typed: str | None = None) -> None:
    """Open the list with ▼ (or by typing), check it can be seen, and click the option with the mouse."""
    if typed is None:
        toggle = field.locator("xpath=following-sibling::button[contains(@class,'lookup-toggle')]")
        assert_seen(toggle, "▼ button").get("left")
        toggle.click()
    else:
        field.click()
        field.fill("")
        page.keyboard.type(typed)
    # the list follows the typing: wait for the option wanted, and for the answer to the last keystroke (the list
    # no longer changes), before judging what the list looks like
    expect(options_list(page).locator("li.lookup-option", has_text=option_text).first).to_be_visible()
    _settled(page)
    listbox = assert_list_usable(page)
    option = listbox.locator("li.lookup-option", has_text=option_text).first
    list_box = geometry(listbox)
    for _ in range(30):  # a long list: scroll it with the wheel until the option shows in it
        box = geometry(option)
        if box["top"] >= list_box["top"] and box["bottom"] <= list_box["bottom"] + 1:
            break
        page.mouse.move(list_box["left"] + 20, list_box["top"] + 20)
        page.mouse.wheel(0, 60 if box["top"] > list_box["top"] else -60)
        wait_until_still(page, option)
    box = assert_seen(option, f"option {option_text}", scroll=False)
    page.mouse.click(box["left"] + min(20, box["width"] / 2), box["top"] + box["height"] / 2)
    expect(options_list(page)).to_have_count(0)


def pick_with_keyboard(page: Page, field: Locator, typed: str) -> None:
    """Type part of a code or name, wait for the list, Enter takes the highlighted option."""
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(typed)
    expect(options_list(page).locator("li.lookup-option.active")).to_be_visible()
    page.keyboard.press("Enter")


def assert_marked_in_error(page: Page, control: Locator, message: str) -> None:
    """A field in error as a person sees it: red border, the message in red right beside it, and for assistive
    technology aria-invalid and aria-describedby pointing at that message."""
    assert_seen(control, "field in error")
    expect(control).to_have_attribute("aria-invalid", "true")
    described = control.get_attribute("aria-describedby")
    assert described, "no aria-describedby on the field in error"
    note = page.locator(f"#{described}")
    expect(note).to_contain_text(message)
    assert_seen(note, "error message")
    colour = note.evaluate("(el) => getComputedStyle(el).color")
    border = control.evaluate("(el) => getComputedStyle(el).borderTopColor")
    assert _reddish(colour), f"message colour {colour}"
    assert _reddish(border), f"border colour {border}"
    field_box, note_box = geometry(control), geometry(note)
    assert note_box["top"] - field_box["bottom"] < 40 and abs(note_box["left"] - field_box["left"]) < 200, \
        "the message is not beside its field"


def _reddish(css: str) -> bool:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return r > 150 and g < 90 and b < 90


class CertScreen:
    """The certificate page as a clerk works it: in the active tab with JavaScript, the whole page without.

    Fields are found by name inside their field box (ids carry a per-page prefix); the control is the one a person
    sees — with JavaScript a short table's <select> is hidden behind its type-ahead input.
    """

    def __init__(self, page: Page, js: bool):
        self.page, self.js = page, js

    @property
    def root(self) -> Locator:
        return self.page.locator(".pane.active") if self.js else self.page.locator("body")

    def box(self, name: str, within: Locator | None = None) -> Locator:
        return field(within or self.basic, name)

    def control(self, name: str, within: Locator | None = None) -> Locator:
        return self.box(name, within).locator("input:visible, select:visible, textarea:visible").first

    @property
    def basic(self) -> Locator:
        return self.root.locator("form.cert-form")

    @property
    def goods_editor(self) -> Locator:
        """The new-row goods editor below the table."""
        return self.root.locator("form.goods-editor[id$='-rnew-editor'], form.goods-editor[id^='goods-editor-']")

    @property
    def materials_editor(self) -> Locator:
        return self.root.locator("form.materials-editor[id$='-mnew-editor']")

    def fill(self, name: str, value: str, within: Locator | None = None) -> None:
        self.control(name, within).fill(value)

    def lookup(self, name: str, typed: str, code: str, within: Locator | None = None) -> None:
        """With JS: type and take the highlighted option with Enter; without: choose the code in the <select>,
        or type the code into a long table's text box (the server checks it)."""
        control = self.control(name, within)
        if self.js:
            pick_with_keyboard(self.page, control, typed)
        elif control.evaluate("(el) => el.tagName") == "SELECT":
            control.select_option(code)
        else:
            control.fill(code)

    def click(self, selector: str, within: Locator | None = None) -> None:
        (within or self.root).locator(selector).first.click()
        self.page.wait_for_load_state()

    def tab(self, name: str) -> None:
        """基本信息 / 货物信息 / 日本进料信息 (with JS a tab; without, both sections are on the page)."""
        if self.js:
            self.root.locator(f".cert-tabs [data-cert-tab={name}]").click()

    def save(self) -> None:
        """暂存 (the top button of the basic form)."""
        self.click("button[name=action][value=save]", self.basic)

    def confirm_undertaking(self, within: Locator | None = None) -> None:
        """Tick 申请人承诺 (GACC Decree 270) with the mouse, as 申报 requires."""
        box = (within or self.basic).locator("input[name=undertaking]")
        if not box.is_checked():
            box.click()

    def declare(self, undertaking: bool = True) -> None:
        if undertaking:
            self.confirm_undertaking()
        self.click("button[name=action][value=declare]", self.basic)

    @property
    def summary(self) -> Locator:
        return self.root.locator("[id$='error-summary'], #declare-problems")

    def row(self, kind: str, position: int) -> Locator:
        return self.root.locator(f"tr[id$='-{kind}-{position}'], tr[id^='{kind}-'][id$='-row-{position}']")

    def generate(self, name: str, within: Locator) -> None:
        """生成 beside a field (货物描述, 运输细节), then wait, as a person does, until the text is there."""
        self.click("button.generate", self.box(name, within))
        expect(self.control(name, within)).not_to_have_value("")


def assert_focused(locator: Locator, timeout_ms: int = 5000) -> None:
    """The keyboard is on this element (works with JavaScript off too, where expect(...).to_be_focused() does not)."""
    page = locator.page
    # Let the page settle as a person would: Chromium puts autofocus in place at a later rendering step, and a
    # probe of the element before that step keeps it from happening.
    page.wait_for_timeout(400)
    for _ in range(timeout_ms // 100):
        if locator.evaluate("(el) => document.activeElement === el"):
            return
        page.wait_for_timeout(100)
    active = page.evaluate("() => document.activeElement && (document.activeElement.tagName + '#' + document.activeElement.id)")
    raise AssertionError(f"not focused: the keyboard is on {active}")


def tab_titles(page: Page) -> list[str]:
    """The shell's tab strip as a person reads it: the titles in order, without each tab's ×."""
    return [t.strip().rstrip("×").strip() for t in page.locator("#tabs .tab").all_inner_texts()]


def duplicate_ids(page: Page) -> list[str]:
    """Ids that occur more than once in the whole document (the shell's tabs hold several pages at once, and a
    label, a 填入 button or a script that looks an id up would act on the first of them)."""
    return page.evaluate("""() => {
      const seen = new Set(), twice = new Set();
      for (const el of document.querySelectorAll('[id]')) (seen.has(el.id) ? twice : seen).add(el.id);
      return Array.from(twice).sort();
    }""")


class Dialogs:
    """The browser's own confirm() boxes as a person answers them: each one is recorded (its message) and answered
    with the next answer queued by `answer(True/False)`; with nothing queued it is dismissed (取消)."""

    def __init__(self, page: Page):
        self.seen: list[str] = []
        self._answers: list[bool] = []
        page.on("dialog", self._on)

    def answer(self, *answers: bool) -> None:
        self._answers.extend(answers)

    def _on(self, dialog) -> None:
        self.seen.append(dialog.message if dialog.type != "beforeunload" else "(beforeunload)")
        if self._answers.pop(0) if self._answers else False:
            dialog.accept()
        else:
            dialog.dismiss()


# Each character of an element's text with the top of the line it is drawn on (a Range per character:
# the characters a person sees, wherever the browser chose to wrap them).
_CHARACTER_TOPS = """(el) => {
  const out = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 || r.height > 0);
      out.push([node.data[i], rects.length ? rects[0].top : null, rects.length ? rects[0].height : 0]);
    }
  }
  return out;
}"""


def line_breaks(locator: Locator) -> tuple[list[str], list[str]]:
    """(the text lines as drawn, the places where a line break falls inside a word).

    Each character's own box is measured with a Range; a new line starts where a visible character is drawn
    lower than the visible character before it. The break is between words when some whitespace lies between
    those two characters (a space that ends a line may hang at its end or be drawn on the next line: either is
    fine). Two visible characters in a row on different lines are a word broken in the middle."""
    chars = locator.evaluate(_CHARACTER_TOPS)
    lines, broken = [""], []
    previous_top, gap = None, ""
    for i, (char, top, height) in enumerate(chars):
        if char.isspace() or top is None:
            gap += char
            lines[-1] += char
            continue
        if previous_top is not None and top > previous_top + max(2.0, height / 2):
            if not gap:
                before = "".join(c for c, _, _ in chars[max(0, i - 12):i])
                after = "".join(c for c, _, _ in chars[i:i + 12])
                broken.append(f"…{before}|{after}…")
            lines.append("")
        lines[-1] += char
        previous_top, gap = top, ""
    return [line.strip() for line in lines if line.strip()], broken


class HeldRequest:
    """A slow server, for one request: the first request the page sends with this method to a path matching
    `path` (a regular expression) is held back in the browser until `release()`; every other request passes.
    While it is held the test looks at the page as a person waiting for the answer would."""

    def __init__(self, page: Page, method: str, path: str):
        from urllib.parse import urlsplit

        self.page, self.method, self.route = page, method.upper(), None
        pattern = re.compile(path)
        self._matches = lambda url: bool(pattern.search(urlsplit(url).path))
        page.route(self._matches, self._on)

    def _on(self, route) -> None:
        if self.route is None and route.request.method == self.method:
            self.route = route  # answered later, by release()
        else:
            route.continue_()

    def wait(self, timeout_ms: int = 5000):
        """The held request, once the page has sent it."""
        for _ in range(timeout_ms // 50):
            if self.route is not None:
                return self.route.request
            self.page.wait_for_timeout(50)
        raise AssertionError(f"the page never sent the {self.method} request")

    def release(self) -> None:
        """Let the request go on to the server; later ones pass at once."""
        route, self.route = self.route, None
        if route is not None:
            route.continue_()
        self.page.unroute(self._matches, self._on)
