"""首页 as the user's to-do list, the 通知 section with 全部标为已读, and the header's 通知 mark."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.accounts import services as accounts
from app.accounts.models import User
from app.accounts.roles import Role
from app.authority.models import Declaration
from app.certificates.models import Certificate
from app.exchange.models import OutboxMessage
from app.exchange.polling import apply_receipt
from app.extensions import db
from app.timeutil import utcnow
from tests.support import HTMX, PASSWORD, csrf_token, sent_message_key

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


def _receipt(app, cert_id, seq, status, text, minutes=0):
    """The authority's answer arrives (as the poll job stores it): it moves the certificate."""
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        apply_receipt(cert.enterprise_id, {
            "cert_no": cert.cert_no, "seq": seq, "time": NOW + timedelta(minutes=minutes), "code": status.upper(),
            "message_id": sent_message_key(cert),
            "text": text, "status": status, "issue_date": "2026-11-27" if status == "issued" else None})
        db.session.commit()


def _owner(app, cert_id, username):
    """Give the certificate to another creator (and that creator's enterprise)."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        cert = db.session.get(Certificate, cert_id)
        cert.created_by_id, cert.enterprise_id = user.id, user.enterprise_id
        db.session.commit()


def _outbox(app, cert_id, status):
    with app.app_context():
        db.session.add(OutboxMessage(certificate_id=cert_id, kind="declare", idempotency_key=f"home-{cert_id}",
                                     payload="<x/>", status=status))
        db.session.commit()


@pytest.fixture
def desk(app, cast, make_certificate):
    """clerk_a's certificates in every state, plus certificates that must not count for clerk_a:
    admin_a's (same enterprise), clerk_a2's (a username containing "clerk_a") and clerk_b's (enterprise B)."""
    with app.app_context():
        accounts.create_user(username="clerk_a2", display_name="甲二", role=Role.CLERK, password=PASSWORD,
                             enterprise=db.session.get(User, cast.clerk_a).enterprise, must_change_password=False)
        db.session.commit()
    ids = {}
    for name in ("draft1", "draft2"):
        ids[name] = make_certificate()
    ids["sending"] = make_certificate(status="declared")
    _outbox(app, ids["sending"], "pending")
    ids["sent"] = make_certificate(status="declared")
    _outbox(app, ids["sent"], "sent")
    ids["accepted"] = make_certificate(status="accepted")
    for n, name in enumerate(("returned1", "returned2", "issued")):
        ids[name] = make_certificate(status="declared")
        _receipt(app, ids[name], 1, "accepted", "已受理", minutes=n)
    _receipt(app, ids["returned1"], 2, "returned", "退证：发票日期与发票不符", minutes=5)
    _receipt(app, ids["returned2"], 2, "returned", "退证：唛头不清", minutes=6)
    _receipt(app, ids["issued"], 2, "issued", "审核通过，签发日期 2026-11-27", minutes=7)
    for owner in ("admin_a", "clerk_a2", "clerk_b"):
        for status in ("draft", "declared"):
            _owner(app, make_certificate(status=status), owner)
        other = make_certificate(status="declared")
        _owner(app, other, owner)
        _receipt(app, other, 1, "returned", f"退证：{owner} 的证书", minutes=8)
    return ids


def _count(html, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>(\d+) 票', html)
    assert match, f"no count #{element_id}"
    return int(match.group(1))


def _link(html, element_id):
    return re.search(rf'href="([^"]+)" id="{element_id}"', html).group(1).replace("&amp;", "&").replace("&#34;", '"')


def test_it_counts_the_clerks_own_certificates_by_status(client, desk, log_in):
    log_in("clerk_a")
    html = client.get("/").get_data(as_text=True)
    assert "我的证书" in html
    counts = {name: _count(html, f"todo-{name}") for name in ("draft", "declared", "accepted", "returned", "issued")}
    assert counts == {"draft": 2, "declared": 2, "accepted": 1, "returned": 2, "issued": 1}
    assert re.search(r'id="todo-sending">1 票待发送', html)
    assert "clerk_b 的证书" not in html and "admin_a 的证书" not in html and "clerk_a2 的证书" not in html


@pytest.mark.parametrize("name", ["draft", "declared", "accepted", "returned"])
def test_it_links_each_count_to_a_query_with_as_many_rows(name, client, desk, log_in):
    log_in("clerk_a")
    html = client.get("/").get_data(as_text=True)
    url = _link(html, f"todo-{name}")
    assert "creator=" in url and f"status={name}" in url
    results = client.get(url).get_data(as_text=True)
    assert f"共 {_count(html, f'todo-{name}')} 票" in results
    assert results.count('class="code cert-link"') == _count(html, f"todo-{name}")


def test_the_admin_sees_the_certificates_the_admin_created(client, desk, log_in):
    log_in("admin_a")
    html = client.get("/").get_data(as_text=True)
    assert (_count(html, "todo-draft"), _count(html, "todo-declared"), _count(html, "todo-returned")) == (1, 1, 1)
    results = client.get(_link(html, "todo-returned")).get_data(as_text=True)
    assert "共 1 票" in results


def test_another_enterprise_counts_only_its_own(client, desk, log_in):
    log_in("clerk_b")
    html = client.get("/").get_data(as_text=True)
    assert (_count(html, "todo-draft"), _count(html, "todo-declared"), _count(html, "todo-returned")) == (1, 1, 1)
    assert "发票日期与发票不符" not in html and "clerk_b 的证书" in html


def test_it_lists_the_returned_certificates_with_the_reason_newest_first(client, app, desk, log_in):
    log_in("clerk_a")
    table = client.get("/").get_data(as_text=True).split('id="todo-returned-table"')[1].split("</table>")[0]
    assert table.index("唛头不清") < table.index("发票日期与发票不符")  # returned2 was updated last
    assert f'href="/certificates/{desk["returned1"]}"' in table


def test_the_notices_show_new_answers_and_the_header_mark_counts_them(client, desk, log_in):
    log_in("clerk_a")
    html = client.get("/").get_data(as_text=True)
    notices = html.split('id="home-notices"')[1].split("</section>")[0]
    assert "3 条新回执" in notices and "审核通过 1 票，退证 2 票" in notices
    assert "发票日期与发票不符" in notices and "审核通过，签发日期" in notices
    header = html.split('id="sidebar"')[0]
    assert re.search(r'id="notice-mark"[^>]*>通知 <strong class="notice-count">3</strong>', header)
    assert 'hx-trigger="every 30s"' in header and 'hx-swap="outerHTML"' in header


def test_viewing_the_home_page_does_not_mark_them_read(client, desk, log_in):
    log_in("clerk_a")
    client.get("/")
    assert "3 条新回执" in client.get("/").get_data(as_text=True)


def test_mark_all_read_as_a_plain_post_redirects_to_home(client, desk, log_in):
    log_in("clerk_a")
    html = client.get("/").get_data(as_text=True)
    upto = re.search(r'name="upto" value="([^"]+)"', html).group(1)
    response = client.post("/notices/read", data={"csrf_token": csrf_token(html), "upto": upto})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "通知已全部标为已读" in html and 'id="notices-none"' in html
    assert 'class="notice-count"' not in html.split('id="sidebar"')[0]
    assert _count(html, "todo-issued") == 0 and _count(html, "todo-returned") == 2  # the to-do stays


def test_mark_all_read_with_htmx_swaps_only_the_section(client, desk, log_in):
    log_in("clerk_a")
    html = client.get("/").get_data(as_text=True)
    upto = re.search(r'name="upto" value="([^"]+)"', html).group(1)
    response = client.post("/notices/read", data={"upto": upto},
                           headers={**HTMX, "HX-Target": "home-notices", "X-CSRFToken": csrf_token(html)})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section class="home-notices" id="home-notices"') and "没有新通知" in body
    assert re.search(r'<span id="notice-mark"[^>]*hx-swap-oob="true"', body)  # the header mark, out of band
    assert {"HX-Request", "HX-Target"} <= set(response.headers["Vary"].replace(" ", "").split(","))


def test_an_answer_that_arrives_after_the_page_was_shown_stays_new(client, app, desk, log_in, make_certificate):
    log_in("clerk_a")
    html = client.get("/").get_data(as_text=True)
    upto = re.search(r'name="upto" value="([^"]+)"', html).group(1)
    late = make_certificate(status="declared")
    _receipt(app, late, 1, "returned", "退证：迟到的回执")
    client.post("/notices/read", data={"csrf_token": csrf_token(html), "upto": upto})
    html = client.get("/").get_data(as_text=True)
    assert "1 条新回执" in html and "迟到的回执" in html


def test_mark_all_read_needs_the_csrf_token(client, desk, log_in):
    log_in("clerk_a")
    assert client.post("/notices/read", data={}).status_code == 400
    assert "3 条新回执" in client.get("/").get_data(as_text=True)


def test_the_mark_fragment_polls_and_reports_a_change(client, app, desk, log_in, make_certificate):
    log_in("clerk_a")
    response = client.get("/ui/notices?shown=3", headers={**HTMX, "HX-Target": "notice-mark"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and body.startswith('<a id="notice-mark"')
    assert "HX-Trigger" not in response.headers
    assert {"HX-Request", "HX-Target"} <= set(response.headers["Vary"].replace(" ", "").split(","))
    _receipt(app, make_certificate(status="declared"), 1, "issued", "审核通过")
    response = client.get("/ui/notices?shown=3", headers={**HTMX, "HX-Target": "notice-mark"})
    assert '<strong class="notice-count">4</strong>' in response.get_data(as_text=True)
    assert response.headers["HX-Trigger"] == "noticesArrived"


def test_the_mark_without_htmx_goes_to_the_notices(client, desk, log_in):
    log_in("clerk_a")
    response = client.get("/ui/notices")
    assert response.status_code == 302 and response.headers["Location"] == "/#home-notices"


def test_the_home_todo_refreshes_as_a_fragment(client, desk, log_in):
    log_in("clerk_a")
    response = client.get("/", headers={**HTMX, "HX-Target": "home-todo"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.startswith('<div class="home-todo" id="home-todo"')


def test_nothing_new_shows_an_empty_placeholder(client, cast, log_in):
    log_in("clerk_a")
    header = client.get("/").get_data(as_text=True).split('id="sidebar"')[0]
    assert re.search(r'<span id="notice-mark" class="notice-mark" hx-get="[^"]+" hx-trigger="every 30s"[^>]*></span>',
                     header)


@pytest.mark.parametrize("username", ["officer_sh", "root_admin"])
def test_officers_and_the_sysadmin_get_no_mark(username, client, cast, log_in):
    log_in(username)
    html = client.get("/").get_data(as_text=True)
    assert 'id="notice-mark"' not in html and "<h2>常用功能</h2>" in html


def _declaration(authority, status, decided_at=None, n=[0]):
    n[0] += 1
    db.session.add(Declaration(message_id=f"home-{n[0]}", authority_code=authority, co_reg_no="310000001",
                               applicant_name="甲", cert_no=f"C26310000001{n[0]:04d}", cert_type="C", xml="<x/>",
                               data="{}", status=status, decided_at=decided_at))


def test_the_officer_sees_the_queue_of_the_own_authority(client, app, cast, log_in):
    with app.app_context():
        for authority in ("3100", "2200"):
            for status in ("received", "received", "accepted"):
                _declaration(authority, status)
            _declaration(authority, "issued", utcnow())
            _declaration(authority, "returned", utcnow())
            _declaration(authority, "returned", utcnow() - timedelta(days=3))  # not today
        _declaration("3100", "received")
        db.session.commit()
    log_in("officer_sh")
    html = client.get("/").get_data(as_text=True)
    counts = {name: _count(html, f"desk-{name}") for name in ("received", "accepted", "issued", "returned")}
    assert counts == {"received": 3, "accepted": 1, "issued": 1, "returned": 1}
    assert _link(html, "desk-received") == "/authority/desk?status=received"
    desk = client.get(_link(html, "desk-received")).get_data(as_text=True)
    assert desk.count("C26310000001") == 3


def test_the_sysadmin_keeps_the_welcome_and_links(client, cast, log_in):
    log_in("root_admin")
    html = client.get("/").get_data(as_text=True)
    assert "欢迎" in html and 'id="home-todo"' not in html and 'id="home-desk"' not in html


def test_the_clerk_without_qualification_is_told_where_to_go(client, app, cast, log_in):
    with app.app_context():
        db.session.get(User, cast.clerk_a).enterprise.qualification.co_reg_no = None
        db.session.commit()
    log_in("clerk_a")
    html = client.get("/").get_data(as_text=True)
    assert 'id="qualification-missing"' in html and 'id="home-todo"' not in html


class _Statements:
    def __init__(self, app):
        self.app, self.statements = app, []

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def _seen(self, _conn, _cursor, statement, *args):
        setup = statement.startswith(("BEGIN", "PRAGMA", "SELECT set_config("))  # the transaction's, not the page's
        if not setup and statement.strip().upper() != "BEGIN":
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def _statements(app, captchas, username, url, headers=None) -> int:
    """SQL statements of one request of `username` (logged in with a client of its own, page seen once)."""
    from tests.support import login

    client = app.test_client()
    login(client, captchas, username)
    client.get(url, headers=headers or {})
    with _Statements(app) as seen:
        assert client.get(url, headers=headers or {}).status_code == 200
    return _Count(seen.statements)


class _Count(int):
    """A number of statements that shows them when an assertion on it fails."""

    def __new__(cls, statements):
        count = super().__new__(cls, len(statements))
        count.statements = statements
        return count

    def __repr__(self):
        return f"{int(self)} statements: " + " | ".join(" ".join(s.split())[:160] for s in self.statements)


def test_the_mark_costs_one_query_per_page(app, captchas, desk):
    officer_page = _statements(app, captchas, "officer_sh", "/password")
    assert _statements(app, captchas, "clerk_a", "/password") == officer_page + 1
    # the session (with its user, enterprise and qualification), then the mark's count
    mark = _statements(app, captchas, "clerk_a", "/ui/notices?shown=3", {**HTMX, "HX-Target": "notice-mark"})
    assert len([s for s in mark.statements if "receipts" in s]) == 1, mark  # the mark's count, once
    assert mark == 2, mark  # and the session
    # 首页: the session, the notices (counts, rows: also the mark's number), the certificates by status, and the
    # 待发送 and 退证 lists because there are some
    assert _statements(app, captchas, "clerk_a", "/") == 6


def test_the_exact_creator_differs_from_the_substring_match(client, desk, log_in):
    log_in("clerk_a")
    assert "共 3 票" in client.get("/certificates?status=draft&creator=clerk_a").get_data(as_text=True)  # + clerk_a2
    assert "共 2 票" in client.get('/certificates?status=draft&creator="clerk_a"').get_data(as_text=True)
