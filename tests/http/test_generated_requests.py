"""Generated requests against EVERY route of the app (issue 13: "input that must never reach a 500").

The routes come from the app's url_map; the parameters of each route from the forms its pages carry (crawled as
each role) and from every parameter name the code reads (`request.args.get("page")`, `form.getlist("ids")` …,
found in app/ by a regular expression), so a new route, form or parameter is fuzzed without touching this file.
Each role (anonymous, 企业操作员, 企业管理员, 签证机构审核员, 系统管理员) sends generated values — text, NUL, huge and
negative integers, 1e309, Infinity, NaN, CRLF, 50 KB strings, deeply nested JSON, non-ASCII — into the path, the
query string and the form body, as a plain request and as htmx, on top of the values the page itself would send
(so that one odd value reaches the code behind the validators). Every answer must be below 500 and show no stack
trace. Failures are collected, not shrunk: the assertion lists every route that answered 5xx with one example.

FUZZ_EXAMPLES (default 300 per role) and FUZZ_RANDOM=1 (a new seed each run) tune it; the default runs in about
a minute per database and is deterministic, so CI sees the same requests every time.
"""
import base64
import io
import json
import os
import re
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st
from werkzeug.datastructures import MultiDict

from app import create_app
from app.accounts import services as accounts
from app.accounts.roles import Role
from app.extensions import db
from tests.conftest import Cast, _empty_tables, dispose, make_config
from tests.support import GENERAL_BASIC, GOODS_ROW, MATERIAL_ROW, PASSWORD, csrf_token, login

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"),
                    database=None, suppress_health_check=list(HealthCheck))

ROLES = ("anonymous", "clerk_a", "admin_a", "officer_2200", "root_admin")
SKIPPED = {"static", "versioned_static"}  # files on disk, no input reaches the database
APP_DIR = Path(__file__).resolve().parents[2] / "app"

# ------------------------------------------------------------------ values
HUGE = ["9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "1" + "0" * 40, "2147483648", "-1", "-2147483649", "0", "00000000000000000000001"]
NUMBERS = ["1e309", "1E+1000", "-1e309", "1e-400", "Infinity", "-Infinity", "inf", "NaN", "nan", "sNaN", "-0",
           "99999999999999999999.999", "0.00000000000000000000001", "1e18", "12345678901234.5678", "1,000",
           "１２３", "0x10", "1_000", " 5 ", "+7", "5.", ".5"]
TEXTS = ["\x00", "a\x00b", "\x00" * 5, "\r\nSet-Cookie: evil=1", "/\r\nLocation: https://evil.example",
         "/x%0d%0aSet-Cookie:evil=1", "//evil.example", "https://evil.example/", "/\\evil.example", "\\\\evil",
         "javascript:alert(1)", "😀", "日本", "ＩＮＶ－２０２６", "\u202e\u200b", "<script>alert(1)</script>",
         "' OR 1=1 --", "%", "_", "\\", '"', "2026-13-45", "2026-02-30", "99999-01-01", "0000-00-00",
         "[" * 3000 + "]" * 3000, '{"a":' * 3000 + "1" + "}" * 3000, '{"verified": false}', "{}", "[]", "null",
         "ü".encode().decode("latin-1"), " ", "true", "on", "1", "save", "declare", "up", "down", "delete"]
BIG = ["x" * 50_000, "中" * 20_000, "9" * 5_000, "a " * 25_000]

odd = st.one_of(
    st.text(max_size=30),
    st.sampled_from(HUGE + NUMBERS + TEXTS),
    st.integers(min_value=-(2 ** 70), max_value=2 ** 70).map(str),
    st.sampled_from(BIG),
)


def _csv_files():
    nested = json.dumps(json.loads("[" * 200 + "]" * 200))
    return st.sampled_from([
        b"code,name_zh,name_en,category,active,sort,attrs,source\nZZ,\xe6\xb5\x8b,TEST,,1,1,{},t\n",
        b"code,name_zh,name_en,category,active,sort,attrs,source\nZZ,x,y,,1,99999999999999999999,{},t\n",
        ("code,name_zh,name_en,category,active,sort,attrs,source\nZZ,x,y,,1,1," + '"' + "[" * 5000 + "]" * 5000
         + '"' + ",t\n").encode(),
        ("code,name_zh,name_en,category,active,sort,attrs,source\nZZ,x,y,,1,1,\"" + nested.replace('"', '""')
         + "\",t\n").encode(),
        b"code,name_zh\n\x00\x00,\xff\xfe\n", b"\xff\xfe\x00c\x00o\x00d\x00e", b"", b"\n" * 1000,
        b"code,name_zh,name_en,category,active,sort,attrs,source\n" + b"Q,x,y,,1,1,{},t\n" * 3000,
    ])


# ------------------------------------------------------------------ discovering parameters
def names_read_by_the_code() -> set[str]:
    """Every parameter name the code reads from a request (args/form/values .get / .getlist / [], int_arg)."""
    pattern = re.compile(r"(?:request\.(?:args|form|values)|\bargs|\bform)"
                         r"""(?:\.get(?:list)?\(|\[)\s*["']([A-Za-z_]\w*)["']""")
    helper = re.compile(r"""\b(?:int|page)_arg\(\s*[\w.]+\s*,\s*["']([A-Za-z_]\w*)["']""")  # web/params.py
    names = {"page"}  # page_arg's default name
    for path in APP_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names.update(pattern.findall(text) + helper.findall(text))
    return names


class FormParser(HTMLParser):
    """The forms of a page: action, method, fields with the values the page would send, submit buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea, self.names = [], None, None, None, set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if name:
            self.names.add(name)
        if tag == "form":
            self._form = {"action": a.get("action") or a.get("hx-post") or a.get("hx-get") or "",
                          "method": (a.get("method") or ("post" if a.get("hx-post") else "get")).upper(),
                          "fields": MultiDict(), "buttons": [], "files": []}
            self.forms.append(self._form)
        elif self._form is None or not name:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].append(name)
            elif kind in ("submit", "button", "image"):
                self._form["buttons"].append((name, a.get("value", "")))
            elif kind not in ("checkbox", "radio") or "checked" in a:
                self._form["fields"].add(name, a.get("value", "") if kind != "checkbox" else a.get("value", "on"))
        elif tag == "button":
            self._form["buttons"].append((name, a.get("value", "")))
        elif tag == "select":
            self._select = name
            self._form["fields"].setdefault(name, "")
        elif tag == "option" and self._select and ("selected" in a):
            self._form["fields"][self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self._form["fields"][name] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _alert_text(html: str) -> str:
    """The messages a person would read on a refused form (for a harness failure's explanation)."""
    found = re.findall(r'(?:role="alert"|class="[^"]*(?:error|flash)[^"]*")[^>]*>(.*?)</', html, re.S)
    return " | ".join(re.sub(r"<[^>]+>|\s+", " ", f).strip() for f in found)[:500] or html[:300]


# ------------------------------------------------------------------ the world
class World:
    """One app, a cast with certificates in every state and a declaration, one logged-in client per role."""

    def __init__(self, db_url):
        self.app = create_app(make_config(db_url, CAPTCHA_ENABLED=True))
        self.captchas = self.app.config["CAPTCHAS"]
        with self.app.app_context():
            cast = Cast()
            officer = accounts.create_user(username="officer_2200", display_name="王审核", role=Role.OFFICER,
                                           password=PASSWORD, authority_code="2200", must_change_password=False)
            db.session.commit()
            people = {name: getattr(cast, name).id for name in ("ent_a", "ent_b", "clerk_a", "clerk_b", "admin_a")}
            people["officer"] = officer.id
            from app.accounts.models import User
            self.saved_users = {u.id: (u.password_hash, u.is_active) for u in db.session.scalars(sa.select(User))}
            from app.refdata.models import CodeEntry
            entries = list(db.session.scalars(sa.select(CodeEntry.id).where(CodeEntry.table == "country").limit(3)))
            db.session.remove()
        self.ids = self._certificates(people)
        self.ids["user_id"] = [people["clerk_a"], people["admin_a"], people["clerk_b"], people["officer"]]
        self.ids["enterprise_id"] = [people["ent_a"], people["ent_b"]]
        self.ids["entry_id"] = entries
        self.clients = {role: self.app.test_client() for role in ROLES}
        # Generated login attempts come from another address, so they never lock the cast out.
        self.clients["anonymous"].environ_base["REMOTE_ADDR"] = "10.9.9.9"
        self.tokens = {}
        for role in ROLES:
            self.log_in(role)
        self.forms, self.names = self._crawl()
        self.code_names = names_read_by_the_code()
        self.rule_cache = {}

    def _certificates(self, people) -> dict:
        """Certificates of A (draft with goods, Japan materials, declared, issued) and one of B."""
        from datetime import date

        from app.certificates import japan_materials, services
        from app.certificates.entry_forms import MaterialForm, basic_form_class, goods_form_class
        from app.certificates.states import Status
        from app.certificates.types import TYPES
        from app.accounts.models import Enterprise, User

        certs = []
        with self.app.test_request_context("/", method="POST"):
            for ent, clerk, code, country, status in (
                    ("ent_a", "clerk_a", "C", "DE", None), ("ent_a", "clerk_a", "G", "JP", None),
                    ("ent_a", "clerk_a", "C", "DE", "declare"), ("ent_a", "clerk_a", "C", "DE", "issued"),
                    ("ent_b", "clerk_b", "C", "DE", None)):
                enterprise, user = db.session.get(Enterprise, people[ent]), db.session.get(User, people[clerk])
                ctype = TYPES[code]
                old = {"application_date": "2019-03-01"} if code == "G" else {}  # GSP to Japan ended 2019-04
                form = basic_form_class(ctype)(formdata=MultiDict({**GENERAL_BASIC, "destination_country": country,
                                                                   **old}), meta={"csrf": False})
                assert form.validate(), form.errors
                cert = services.create(enterprise, ctype, form.data, user, date(2026, 11, 20))
                row = goods_form_class(ctype)(formdata=MultiDict(GOODS_ROW), meta={"csrf": False})
                assert row.validate(), row.errors
                services.add_item(cert, row.data)
                if code == "G":
                    material = MaterialForm(formdata=MultiDict(MATERIAL_ROW), meta={"csrf": False})
                    assert material.validate(), material.errors
                    japan_materials.add_material(cert, material.data)
                db.session.flush()
                if status == "declare":
                    services.declare(cert, None, cert.application_date, undertaking=True)
                elif status:
                    cert.status = Status(status)
                certs.append(cert)
            db.session.commit()
            ids = {"cert_id": [c.id for c in certs],
                   "row_id": [i.id for c in certs for i in c.items] + [m.id for c in certs for m in c.materials],
                   "cert_no": [c.cert_no for c in certs]}
        with self.app.app_context():
            try:  # the declared certificate reaches the 审核工作台, so the officer's pages have a declaration
                from app.exchange import outbox
                outbox.send_due()
            except Exception:  # noqa: BLE001 - the exchange is not what this test is about
                db.session.rollback()
            from app.authority.models import Declaration
            ids["declaration_id"] = list(db.session.scalars(sa.select(Declaration.id))) or [1]
            db.session.remove()
        return ids

    def log_in(self, role, attempts=3):
        """Log the role's client in through the real forms (captcha, 双重认证); a few tries, as the generated
        requests of other roles may have just locked or reset the account."""
        client, why = self.clients[role], ""
        for _ in range(attempts if role != "anonymous" else 0):
            self._unlock(role)
            client.delete_cookie("co_session")
            try:
                response = login(client, self.captchas, role)
            except AssertionError as exc:  # e.g. the enrolment page after an administrator reset the 双重认证
                why = str(exc)[:300]
                continue
            if response.status_code == 302:
                break
            why = _alert_text(response.get_data(as_text=True))
        else:
            if role != "anonymous":
                raise AssertionError(f"{role} cannot log in: {why}")
        self.tokens[role] = csrf_token(client.get("/login" if role == "anonymous" else "/",
                                                  follow_redirects=True).get_data(as_text=True))

    def _unlock(self, role):
        """What generated requests did to this account: throttled logins, a used TOTP step (a code works once)."""
        with self.app.app_context():
            from app.accounts.models import LoginAttempt, User
            db.session.execute(sa.delete(LoginAttempt))
            if hasattr(User, "totp_last_step"):
                db.session.execute(sa.update(User).where(User.username == role).values(totp_last_step=None))
            db.session.commit()
            db.session.remove()

    def refresh(self, role):
        """The role's CSRF token again; a new login only when the session is gone."""
        page = self.clients[role].get("/login" if role == "anonymous" else "/")
        if role != "anonymous" and page.status_code != 200:
            return self.log_in(role)
        self.tokens[role] = csrf_token(page.get_data(as_text=True))

    def repair(self, role):
        """Undo what generated requests did to the cast (a reset password, a disabled user), then log in again."""
        with self.app.app_context():
            from app.accounts.models import Enterprise, LoginAttempt, User
            for user_id, (password_hash, active) in self.saved_users.items():
                db.session.execute(sa.update(User).where(User.id == user_id).values(
                    password_hash=password_hash, is_active=active, must_change_password=False))
            db.session.execute(sa.update(Enterprise).values(is_active=True))
            db.session.execute(sa.delete(LoginAttempt))
            db.session.commit()
            db.session.remove()
        self.log_in(role)

    def _crawl(self):
        """GET every page as every role; keep each form (by endpoint) and every field name seen."""
        forms, names, self.reachable = defaultdict(list), set(), set()
        adapter = self.app.url_map.bind("localhost")
        for role in ROLES:
            for rule in self.app.url_map.iter_rules():
                if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint.endswith((".pdf", "pdf")):
                    continue
                for url in self.real_urls(rule):
                    response = self.clients[role].get(url)
                    if response.status_code != 200:
                        continue
                    self.reachable.add((role, rule.endpoint))
                    if "html" not in response.content_type:
                        continue
                    parser = FormParser()
                    parser.feed(response.get_data(as_text=True))
                    names |= parser.names
                    for form in parser.forms:
                        action = urlsplit(form["action"] or url)
                        try:
                            endpoint, _ = adapter.match(action.path, method=form["method"])
                        except Exception:  # noqa: BLE001 - a form to elsewhere (none expected)
                            continue
                        forms[(role, endpoint)].append({**form, "url": action.path})
                        self.reachable.add((role, endpoint))
            self.refresh(role)  # a page may have ended the session or rotated the token
        return forms, names

    def real_urls(self, rule, limit=2):
        """URLs of `rule` with real path values (ids of the cast's data)."""
        values = {}
        for arg, converter in rule._converters.items():
            choices = self.path_choices(arg, converter)
            if not choices:
                return []
            values[arg] = choices[:limit]
        urls = [{}]
        for arg, choices in values.items():
            urls = [{**u, arg: c} for u in urls for c in choices]
        return [self._build(rule, u) for u in urls][:6]

    def path_choices(self, arg, converter) -> list:
        from app.certificates.types import TYPES
        from app.refdata.tables import TABLES

        if hasattr(converter, "items"):
            return sorted(converter.items)
        if arg in self.ids:
            return list(self.ids[arg])
        return {"table": sorted(TABLES), "code": sorted(TYPES), "action": ["accept", "approve", "return"],
                "captcha_id": ["x"]}.get(arg, [])

    @staticmethod
    def _build(rule, values) -> str:
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(r"<(?:[^:>]+:)?" + arg + r">", quote(str(values[arg]), safe=""), url)
        return url


@pytest.fixture(scope="module")
def world(db_url):
    world = World(db_url)
    yield world
    dispose(world.app)
    _empty_tables(world.app)


# ------------------------------------------------------------------ the test
BASES = {"certificates.create": GENERAL_BASIC, "certificates.save": GENERAL_BASIC, "certificates.row_add": GOODS_ROW,
         "certificates.row_update": GOODS_ROW}
HEADERS = st.sampled_from([{}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Target": "pane-3"},
                           {"HX-Request": "true", "HX-Boosted": "true"},
                           {"HX-Request": "true", "HX-Target": "x" * 300 + "ü\x00"},
                           {"HX-Request": "true", "HX-History-Restore-Request": "true"},
                           {"User-Agent": "Mozilla\x00/5.0 ü", "X-Forwarded-For": "1.2.3.4\x00"},
                           {"Authorization": "Basic " + base64.b64encode(b"a\x00:b\x00").decode()},
                           {"Authorization": "Basic " + base64.b64encode("发送方:密码".encode()).decode()},
                           {"Authorization": "Basic !!!"}])


def _rules(world, role, reachable_only):
    key = (role, reachable_only)
    if key in world.rule_cache:
        return world.rule_cache[key]
    rules = []
    for rule in world.app.url_map.iter_rules():
        if rule.endpoint in SKIPPED or (reachable_only and (role, rule.endpoint) not in world.reachable):
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            rules.append((rule, method))
    world.rule_cache[key] = sorted(rules, key=lambda r: (r[0].rule, r[1]))
    return world.rule_cache[key]


def _path_value(world, arg, converter):
    real = world.path_choices(arg, converter)
    if hasattr(converter, "items"):
        return st.sampled_from(real)
    generated = st.one_of(st.sampled_from(HUGE).map(lambda s: s.lstrip("-")), st.integers(0, 2 ** 80).map(str)) \
        if type(converter).__name__ == "IntegerConverter" or "Int" in type(converter).__name__ else odd
    return st.one_of(st.sampled_from(real), generated) if real else generated


def _request(world, role, draw):
    # Mostly what this role can open (its pages and their forms), sometimes any route at all.
    reachable = _rules(world, role, True)
    rule, method = draw(st.sampled_from(_rules(world, role, bool(reachable) and draw(st.integers(0, 4)) > 0)))
    path = {arg: draw(_path_value(world, arg, conv)) for arg, conv in rule._converters.items()}
    url = World._build(rule, path)
    forms = world.forms.get((role, rule.endpoint), [])
    base, files, buttons = MultiDict(), [], []
    if forms and draw(st.booleans()):
        form = draw(st.sampled_from(forms))
        base, files, buttons = MultiDict(form["fields"]), form["files"], form["buttons"]
        if draw(st.booleans()):
            url = form["url"]  # the page's own URL: real ids, so the odd value reaches the code behind them
    elif rule.endpoint in BASES:
        base = MultiDict(BASES[rule.endpoint] if "materials" not in url else MATERIAL_ROW)
    names = sorted({n for f in forms for n in f["fields"]} | set(base) | world.code_names | {"csrf_token"})
    values = draw(st.dictionaries(st.sampled_from(names), odd, max_size=4))
    for name, value in values.items():
        base.setlist(name, [value] if name != "ids" else [value, draw(odd)])
    if buttons and draw(st.booleans()):
        name, value = draw(st.sampled_from(buttons))
        base.setlist(name, [value])
    headers = draw(HEADERS)
    if method == "GET":
        query = urlencode(list(base.items(multi=True)))
        return method, url + ("?" + query if query else ""), None, headers
    if "csrf_token" not in values:
        base.setlist("csrf_token", [world.tokens[role]])
        headers = {**headers, "X-CSRFToken": world.tokens[role]} if headers else headers
    data = {k: base.getlist(k) for k in base}
    for name in files:
        data[name] = (io.BytesIO(draw(_csv_files())), draw(st.sampled_from(["a.csv", "x.txt", "\x00.csv", ""])))
    return method, url, data, headers


@pytest.mark.parametrize("role", ROLES)
def test_no_request_to_any_route_answers_a_server_error(world, role):
    """Every route, every parameter, every role: 2xx, 3xx or 4xx, never 5xx, never a stack trace."""
    failures, sent, slowest = defaultdict(list), [], []

    @SETTINGS
    @given(data=st.data())
    def run(data):
        method, url, body, headers = _request(world, role, data.draw)
        client = world.clients[role]
        started = time.perf_counter()
        try:
            response = client.open(url, method=method, data=body, headers=headers)
            status, text = response.status_code, response.get_data().decode("utf-8", "replace")
            location = response.headers.get("Location", "")
        except Exception as exc:  # noqa: BLE001 - an exception out of the app is a failure like a 500
            status, text, location = 599, repr(exc), ""
        sent.append(status)
        slowest.append((time.perf_counter() - started, method, url[:120]))
        slowest.sort(reverse=True)
        del slowest[5:]
        if status >= 500 or "Traceback" in text:
            endpoint = world.app.url_map.bind("localhost").match(urlsplit(url).path, method=method)[0] \
                if status != 599 else url.split("?")[0]
            failures[(method, endpoint)].append((status, url[:300], str(body)[:300], text[:300] if status == 599
                                                 else ""))
        for name, value in response.headers.items() if status != 599 else ():
            assert "\r" not in value and "\n" not in value, (name, value)
        if role != "anonymous" and (urlsplit(location).path in ("/login", "/password") or status == 401):
            world.repair(role)

    run()
    summary = "\n".join(f"{m} {e}: {len(v)}× e.g. {v[0]}" for (m, e), v in sorted(failures.items()))
    kinds = ", ".join(f"{k}xx {v}" for k, v in sorted(Counter(s // 100 for s in sent).items()))
    print(f"\n{role}: {len(sent)} requests to {len({r for r in world.reachable if r[0] == role})} reachable endpoints "
          f"({kinds}), {sum(s >= 500 for s in sent)} answered 5xx; slowest: "
          + "; ".join(f"{m} {u} {t:.2f} s" for t, m, u in slowest))
    assert not failures, f"{sum(len(v) for v in failures.values())} of {len(sent)} requests failed:\n{summary}"
