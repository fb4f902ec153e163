"""Accessibility and HTML validity of every page of every role, JavaScript on and off.

Each page is loaded in Chromium and checked with axe-core (a serious or critical violation fails); with
JavaScript on the pages are also opened the way a user opens them, as tabs of the shell, whose DOM then holds
several pages at once. Every DOM is saved to test-artifacts/html/, and test_html_is_valid runs the Nu HTML
checker once over that folder (every error fails, except those about htmx's hx-* attributes).
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from app import create_app
from app.accounts.roles import Role
from app.web.menu import menu_for
from tests.conftest import make_config
from tests.support import PASSWORD

from .crawl import (ANON, EXCLUDED, HTML_DIR, LOGGED, PAGES, SETTLE, ROLE_LABELS, Snapshot, describe, run_axe,
                    slug_of, write_report)

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parents[2]
VNU_VERSION = "26.9.27"
# make exports VNU_JAR (relative to the repository unless absolute)
VNU_JAR = ROOT / os.environ.get("VNU_JAR", f".venv/vnu-{VNU_VERSION}/node_modules/vnu-jar/build/dist/vnu.jar")
ROLES = {"clerk": Role.CLERK, "ent_admin": Role.ENT_ADMIN, "officer": Role.OFFICER, "sysadmin": Role.SYSADMIN}


# ------------------------------------------------------------------ visiting and checking
class Visit:
    """One browser tab of a role's context: go to pages, act, and take snapshots (axe + saved DOM)."""

    def __init__(self, crawl, page, role, js):
        self.crawl, self.page, self.role, self.js = crawl, page, role, js
        self.snapshots: list[Snapshot] = []

    def url(self, template: str) -> str:
        return template.format(**vars(self.crawl.data))

    def goto(self, template: str, status: int = 200):
        response = self.page.goto(self.crawl.base + self.url(template))
        assert response.status == status, f"{self.url(template)}: HTTP {response.status}, expected {status}"
        if self.role != "anonymous":
            assert "/login" not in self.page.url, f"{self.url(template)} sent {self.role} to the login page"
        return response

    def settle(self):
        if self.js:
            assert self.page.evaluate(SETTLE), "htmx requests still running after 5 s"

    def take(self, slug: str) -> Snapshot:
        self.settle()
        name = f"{self.role}-{'js' if self.js else 'nojs'}-{slug}"
        url = self.page.url.removeprefix(self.crawl.base)
        snap = Snapshot(name, self.role, self.js, url, run_axe(self.page, self.js))
        (HTML_DIR / f"{name}.html").write_text(self.page.content(), encoding="utf-8")
        self.snapshots.append(snap)
        return snap


class Crawl:
    """Runs each scenario once (memoised): the axe tests and the Nu test share what was visited."""

    def __init__(self, contexts, base, data):
        self.contexts, self.base, self.data = contexts, base, data
        self.done: dict = {}
        shutil.rmtree(HTML_DIR, ignore_errors=True)
        HTML_DIR.mkdir(parents=True)

    def run(self, key, role, js, scenario) -> list[Snapshot]:
        if key not in self.done:
            page = self.contexts.get(role, js).new_page()
            visit = Visit(self, page, role, js)
            try:
                scenario(visit)
                self.done[key] = visit.snapshots
            except BaseException as exc:
                self.done[key] = exc
                raise
            finally:
                page.close()
        if isinstance(self.done[key], BaseException):
            raise self.done[key]
        return self.done[key]

    def snapshots(self) -> list[Snapshot]:
        return [s for result in self.done.values() if isinstance(result, list) for s in result]


@pytest.fixture(scope="module")
def crawl(contexts, a11y_server, a11y_data):
    made = Crawl(contexts, a11y_server, a11y_data)
    yield made
    write_report(made.snapshots())  # every violation, any impact, for people to read


def assert_no_serious(snapshots):
    failing = [s for s in snapshots if s.failing()]
    if failing:
        pytest.fail("axe-core: serious or critical violations\n" + describe(failing), pytrace=False)


# ------------------------------------------------------------------ every page
CASES = [(page, role, js) for page in PAGES for role in page.roles for js in (True, False)]


def page_scenario(page, role):
    def scenario(visit):
        visit.goto(page.url_for(role), page.status)
        if page.shows:
            expect(visit.page.locator("body")).to_contain_text(visit.url(page.shows))
        visit.take(page.slug)
    return scenario


@pytest.mark.parametrize("page,role,js", CASES,
                         ids=[f"{role}-{'js' if js else 'nojs'}-{page.slug}" for page, role, js in CASES])
def test_page(page, role, js, crawl):
    assert_no_serious(crawl.run(("page", page.slug, role, js), role, js, page_scenario(page, role)))


def test_every_get_page_is_crawled(db_url):
    """A new GET page fails here until it is crawled (PAGES) or excluded with a reason (EXCLUDED)."""
    app = create_app(make_config(db_url))
    adapter = app.url_map.bind("127.0.0.1")
    crawled = set()
    for page in PAGES:
        for role in page.roles:
            path, _, query = page.url_for(role).partition("?")
            try:
                endpoint, _args = adapter.match(re.sub(r"\{[a-z_]+\}", "1", path), method="GET")
                crawled.add(endpoint)
            except Exception:  # a deliberate 404 (or 403 for the role): an error page, no endpoint of its own
                assert page.status in (403, 404), page
    gets = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert crawled & set(EXCLUDED) == set()
    assert set(EXCLUDED) <= gets
    assert gets - set(EXCLUDED) - crawled == set(), "GET pages neither crawled nor excluded"
    for role, enum in ROLES.items():  # every menu item is crawled for the roles that see it
        menu = {item.endpoint for item in menu_for(enum)}
        mine = set()
        for page in PAGES:
            if role in page.roles and page.status == 200:
                mine.add(adapter.match(re.sub(r"\{[a-z_]+\}", "1", page.url_for(role).partition("?")[0]))[0])
        assert menu <= mine, (role, menu - mine)


# ------------------------------------------------------------------ the shell: pages as tabs
# After every menu item is open, links followed inside a tab's pane: (the tab's menu path, the link).
# (the tab's menu path, the link, what the pane then shows)
IN_PANE = {
    "clerk": [("/certificates", "a.cert-link[href='/certificates/{issued}/detail']", "h1:has-text('{issued_no}')"),
              ("/certificates/new", "a[href='/certificates/new/C']", "form.cert-form")],
    "ent_admin": [("/users", "a[href='/users/{clerk}']", "form"),
                  ("/certificates", "a.cert-link[href='/certificates/{japan}/detail']", "h1:has-text('{japan_no}')")],
    "officer": [("/authority/desk", "a[href='/authority/declarations/{decl_pending}']", "#return-button")],
    "sysadmin": [("/admin/refdata", "a[href='/admin/refdata/country']", "form[action$='/import']"),
                 ("/admin/enterprises", "a[href='/admin/enterprises/{enterprise}']", "form")],
}


def _wait_for_tab(visit):
    expect(visit.page.locator(".pane.active > .page")).to_be_attached()
    expect(visit.page.locator("#tabs .tab.active")).not_to_contain_text("加载中")
    visit.settle()


def shell_scenario(role):
    def scenario(visit):
        page = visit.page
        visit.goto("/")
        visit.take("shell-0-home")
        # every menu item, then 修改密码 in the header: each opens a tab
        links = page.locator("#sidebar a[data-tab-open], #header a[data-tab-open][href='/password']")
        hrefs = links.evaluate_all("els => els.map(a => a.getAttribute('href'))")
        assert len(hrefs) > 1, hrefs
        for n, href in enumerate(hrefs, 1):
            links.and_(page.locator(f"[href='{href}']")).click()
            _wait_for_tab(visit)
            expect(page.locator(".pane")).to_have_count(n + 1)
            visit.take(f"shell-{n}-{slug_of(href)}")
        for n, (tab, link, shown) in enumerate(IN_PANE[role], 1):
            page.click(f"#sidebar a[href='{tab}']")
            pane = page.locator(".pane.active")
            title = pane.locator(".page").get_attribute("data-title")
            pane.locator(visit.url(link)).first.click()
            expect(pane.locator(".page")).not_to_have_attribute("data-title", title)  # the pane moved on
            expect(pane.locator(visit.url(shown)).first).to_be_visible()
            _wait_for_tab(visit)
            visit.take(f"shell-link-{n}-{slug_of(visit.url(link).split('=')[-1])}")
    return scenario


@pytest.mark.parametrize("role", LOGGED)
def test_shell_tabs(role, crawl):
    assert_no_serious(crawl.run(("shell", role), role, True, shell_scenario(role)))


# ------------------------------------------------------------------ states reached by typing and clicking
def lookup_open(visit):
    """The type-ahead list of a long table, and of a short one, open."""
    visit.goto("/certificates/{draft}")
    page = visit.page
    country = page.locator("[data-field=destination_country]")
    country.locator("input[name=destination_country]").fill("")
    country.locator("input[name=destination_country]").press_sequentially("JA")
    listbox = page.locator("[role=listbox]:visible")  # wherever lookup.js places it
    expect(listbox).to_have_count(1)
    expect(listbox.locator("[role=option]").first).to_be_visible()
    visit.take("state-lookup-open")
    page.keyboard.press("Escape")
    page.locator("[data-field=trade_mode] input[role=combobox]").click()
    expect(listbox.locator("[role=option]").first).to_be_visible()
    visit.take("state-lookup-open-short")


def row_editor(visit):
    """编辑 opens a goods row's editor in place."""
    visit.goto("/certificates/{draft}")
    visit.page.locator("a[href$='-goods-section']").first.click()  # the 货物信息 tab
    edit = visit.page.locator(visit.url("[id$='goods-{item}-edit']"))
    edit.click()
    expect(edit).to_have_count(0)
    expect(visit.page.locator("tr input[name=hs_code]").first).to_be_visible()
    visit.take("state-row-editor")


def lookup_dialog(visit):
    """查询 beside a field opens the query dialog over the page."""
    visit.goto("/certificates/{draft}")
    visit.page.locator("[data-field=port_of_discharge] button.lookup-search").click()
    expect(visit.page.locator("[role=dialog] button.pick").first).to_be_visible()
    visit.take("state-lookup-dialog")


def lookup_search_post(visit):
    """Without JavaScript, 查询 posts the half-filled form to the plain search page."""
    visit.goto("/certificates/{draft}")
    visit.page.locator("[data-field=port_of_discharge] button.lookup-search").click()
    expect(visit.page.locator("h1")).to_contain_text("港口")
    visit.take("state-lookup-search-post")


def login_errors(visit):
    visit.goto("/login")
    visit.page.fill("#username", "nobody")
    visit.page.fill("#password", "wrong-password")
    visit.page.fill("#captcha", "0000")
    visit.page.click("#login-button")
    expect(visit.page.locator("#field-captcha .field-error")).to_be_visible()
    visit.take("state-login-errors")


def login_code(visit):
    """The second step of the login (双重认证) after a right password, then a wrong code beside its field."""
    data, app = visit.crawl.data, visit.crawl.contexts.app
    visit.goto("/login")
    cid = visit.page.locator("input[name=captcha_id]").get_attribute("value")
    visit.page.fill("#username", data.two_factor_user)
    visit.page.fill("#password", PASSWORD)
    visit.page.fill("#captcha", app.config["CAPTCHAS"][cid])
    visit.page.click("#login-button")
    expect(visit.page.locator("#login-code-form")).to_be_visible()
    visit.take("state-login-code")
    visit.page.fill("#code", "00000")
    visit.page.click("#login-code-button")
    expect(visit.page.locator("#field-code .field-error")).to_be_visible()
    visit.take("state-login-code-errors")


def qualification_errors(visit):
    visit.goto("/qualification")
    visit.page.fill("#co_reg_no", "123")
    visit.page.click("#qualification-form button[type=submit]")
    expect(visit.page.locator("#field-co_reg_no .field-error")).to_be_visible()
    visit.take("state-qualification-errors")


def certificate_errors(visit):
    visit.goto("/certificates/new/C")
    visit.page.locator("input[name=destination_country]").fill("ZZZZ")
    visit.page.locator("button[name=action][value=save]").first.click()
    expect(visit.page.locator(".field-error").first).to_be_visible()
    visit.take("state-certificate-errors")


def refdata_import_errors(visit, tmp=pathlib.Path("test-artifacts")):
    visit.goto("/admin/refdata/trade_mode")
    bad = tmp / "a11y-bad-import.csv"
    bad.write_text("code,name_zh,name_en,category,active,sort,attrs,source\n,无代码,,,yes,x,{,\n", encoding="utf-8")
    form = visit.page.locator("form[action$='/import']")
    form.locator("input[name=file]").set_input_files(str(bad))
    form.locator("button[type=submit]").click()
    expect(visit.page.locator("h1, .form-errors").first).to_be_visible()
    expect(visit.page.get_by_text("第 2 行").first).to_be_visible()
    visit.take("state-refdata-import-errors")


def settings_errors(visit):
    visit.goto("/admin/settings")
    visit.page.fill("[name='login.lockout_minutes']", "0")
    visit.page.click("#settings-form button[type=submit]")
    expect(visit.page.locator("#field-login-lockout_minutes .field-error")).to_be_visible()
    visit.take("state-settings-errors")


def return_without_reason(visit):
    visit.goto("/authority/declarations/{decl_pending}")
    visit.page.on("dialog", lambda dialog: dialog.accept())
    visit.page.click("#return-button")
    expect(visit.page.locator("#field-reason .field-error")).to_be_visible()
    visit.take("state-return-without-reason")


STATES = [
    ("lookup-open", "clerk", (True,), lookup_open),
    ("lookup-dialog", "clerk", (True,), lookup_dialog),
    ("row-editor", "clerk", (True,), row_editor),
    ("lookup-search-post", "clerk", (False,), lookup_search_post),
    ("login-errors", "anonymous", (True, False), login_errors),
    ("login-code", "anonymous", (True, False), login_code),
    ("qualification-errors", "ent_admin", (True, False), qualification_errors),
    ("certificate-errors", "clerk", (True, False), certificate_errors),
    ("refdata-import-errors", "sysadmin", (True, False), refdata_import_errors),
    ("settings-errors", "sysadmin", (True, False), settings_errors),
    ("return-without-reason", "officer", (True, False), return_without_reason),
]
STATE_CASES = [(name, role, js, fn) for name, role, modes, fn in STATES for js in modes]


@pytest.mark.parametrize("name,role,js,scenario", STATE_CASES,
                         ids=[f"{role}-{'js' if js else 'nojs'}-{name}" for name, role, js, _ in STATE_CASES])
def test_state(name, role, js, scenario, crawl):
    assert_no_serious(crawl.run(("state", name, role, js), role, js, scenario))


# ------------------------------------------------------------------ the Nu HTML checker over every saved DOM
# htmx's attributes are not in the HTML standard; the checker's message for them, exactly.
HTMX_ATTRIBUTE = re.compile(r"Attribute “hx-[a-z]+(?:-[a-z]+)*” not allowed on element “[a-z0-9]+” at this point\.")


def nu_errors(messages: list) -> list:
    return [m for m in messages if m.get("type") != "info" and not HTMX_ATTRIBUTE.fullmatch(m.get("message", ""))]


def test_htmx_filter_is_precise():
    keep = [{"type": "error", "message": "Attribute “placeholder” is only allowed when the input type is …"},
            {"type": "error", "message": "Attribute “hxget” not allowed on element “div” at this point."},
            {"type": "error", "message": "Attribute “data-x” not allowed on element “div” at this point. hx-get"},
            {"type": "error", "message": "Duplicate ID “csrf_token”."}]
    drop = [{"type": "error", "message": "Attribute “hx-get” not allowed on element “div” at this point."},
            {"type": "error", "message": "Attribute “hx-swap-oob” not allowed on element “tr” at this point."},
            {"type": "info", "subType": "warning", "message": "The “type” attribute is unnecessary …"}]
    assert nu_errors(keep + drop) == keep


def run_nu(folder: pathlib.Path) -> list:
    if shutil.which("java") is None:
        pytest.fail("the Nu HTML checker needs Java, which is not installed: run scripts/ensure-system-packages.sh "
                    "(as root it installs it) or `sudo apt install default-jre-headless`", pytrace=False)
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR} is missing: run `make install-dev` (it installs npm vnu-jar@{VNU_VERSION} into "
                    ".venv)", pytrace=False)
    done = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", str(folder)],
                          capture_output=True, text=True, timeout=900)
    try:
        return json.loads(done.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu checker did not answer in JSON (exit {done.returncode}):\n{done.stderr[-3000:]}")


def test_a_missing_checker_fails_and_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="default-jre-headless"):
        run_nu(tmp_path)
    monkeypatch.undo()
    monkeypatch.setattr(sys.modules[__name__], "VNU_JAR", tmp_path / "missing" / "vnu.jar")
    if shutil.which("java"):
        with pytest.raises(pytest.fail.Exception, match="make install-dev"):
            run_nu(tmp_path)


def nu_report(errors: list) -> str:
    by_file: dict = {}
    for m in errors:
        by_file.setdefault(m.get("url", "?").rsplit("/", 1)[-1], []).append(m)
    lines = [f"{len(errors)} errors in {len(by_file)} files"]
    for name, found in sorted(by_file.items()):
        lines.append(name)
        for m in found:
            extract = " ".join((m.get("extract") or "").split())
            lines.append(f"  {m.get('lastLine', '?')}:{m.get('firstColumn', '?')} {m['message']}\n      {extract}")
    return "\n".join(lines)


def all_scenarios():
    for page, role, js in CASES:
        yield ("page", page.slug, role, js), role, js, page_scenario(page, role)
    for role in LOGGED:
        yield ("shell", role), role, True, shell_scenario(role)
    for name, role, js, fn in STATE_CASES:
        yield ("state", name, role, js), role, js, fn


def test_html_is_valid(crawl):
    """Runs last: visits whatever the tests before did not (when run alone), then one JVM over the folder."""
    for key, role, js, scenario in all_scenarios():
        try:
            crawl.run(key, role, js, scenario)
        except Exception:  # that scenario's own test reports it
            pass
    saved = sorted(HTML_DIR.glob("*.html"))
    assert len(saved) >= len(CASES), f"only {len(saved)} pages saved"
    errors = nu_errors(run_nu(HTML_DIR))
    if errors:
        pytest.fail("Nu HTML checker: " + nu_report(errors), pytrace=False)


assert set(ROLE_LABELS) == set(ANON + LOGGED)
