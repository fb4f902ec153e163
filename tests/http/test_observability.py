"""Observability (issue 17, part 4): the access log, request ids on error pages, /metrics and /healthz."""
import json
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from app.certificates import services
from app.certificates.models import Certificate
from app.exchange import outbox, polling
from app.exchange.models import OutboxMessage
from app.extensions import db
from app.jobs.lease import LEASE_NAME
from app.jobs.models import JobLease
from app.timeutil import utcnow
from app.web import busy, errors
from app.web.observability import JsonFormatter
from tests.conftest import dispose, make_config
from tests.http.test_printing import fetch, make_printable
from tests.support import HTMX, PASSWORD, csrf_token, login

ROOT = Path(__file__).resolve().parents[2]
REMOTE = {"REMOTE_ADDR": "203.0.113.7"}  # a documentation address: not this machine
GENERATED_ID = re.compile(r"[0-9a-f]{12}")


def samples(client, **kwargs) -> dict:
    """(name, labels) → value of every sample /metrics shows."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.status_code
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def beat(app, seconds_ago: float) -> None:
    """The jobs process's last heartbeat, `seconds_ago`."""
    with app.app_context():
        now = utcnow()
        db.session.merge(JobLease(name=LEASE_NAME, holder="host:1", expires_at=now + timedelta(seconds=30),
                                  heartbeat_at=now - timedelta(seconds=seconds_ago), last_summary=""))
        db.session.commit()


# ------------------------------------------------------------------ the access log
def test_it_writes_one_json_access_line_with_every_field_and_no_query_or_secret(db_url, app, cast, caplog):
    json_app = create_app(make_config(db_url, LOG_FORMAT="json"))
    caplog.set_level(logging.INFO, logger="co.access")
    try:
        client = json_app.test_client()
        login(client, json_app.config["CAPTCHAS"], "clerk_a")
        cookie = client.get_cookie("co_session").value
        response = client.get("/?q=SECRET-QUERY-42", headers={"Authorization": "Bearer SECRET-TOKEN-42"})
        page = client.get("/password").get_data(as_text=True)
        posted = client.post("/ui/menu", data={"csrf_token": csrf_token(page), "collapsed": "1",
                                               "next": "/?SECRET-NEXT-42"})  # commits: the user's attributes expire
        logging.getLogger("app.test").warning("a record that is not an access line")
        lines = [json.loads(line) for line in caplog.text.splitlines()]
    finally:
        dispose(json_app)
    assert isinstance(caplog.handler.formatter, JsonFormatter)
    access = [line for line in lines if line["logger"] == "co.access"]
    home = next(line for line in access if line["path"] == "/" and line["method"] == "GET")
    assert home["status"] == 200 and home["endpoint"] == "web.home" and home["level"] == "INFO"
    assert isinstance(home["duration_ms"], float) and home["duration_ms"] > 0
    assert home["user_id"] == cast.clerk_a and home["enterprise_id"] == cast.ent_a
    assert home["request_id"] == response.headers["X-Request-ID"] and home["time"].endswith("+00:00")
    menu = next(line for line in access if line["path"] == "/ui/menu")
    assert (menu["method"], menu["status"]) == ("POST", posted.status_code)
    assert menu["user_id"] == cast.clerk_a and menu["enterprise_id"] == cast.ent_a
    assert menu["request_id"] == posted.headers["X-Request-ID"]
    assert any(line["level"] == "WARNING" and line["logger"] == "app.test" for line in lines)
    for secret in ("SECRET-QUERY-42", "SECRET-TOKEN-42", "SECRET-NEXT-42", cookie, PASSWORD):
        assert secret not in caplog.text


def test_an_api_call_that_commits_is_logged_with_its_user_and_enterprise(app, client, cast, caplog):
    """The token's user is set after the login hooks and expired by the view's commit: still both ids."""
    from app.accounts.models import Enterprise, User
    from app.api import tokens
    from tests.http.test_api import BODY, call

    with app.app_context():
        _row, token = tokens.create(db.session.get(Enterprise, cast.ent_a), name="ERP", user_id=cast.clerk_a,
                                    actor=db.session.get(User, cast.admin_a))
        db.session.commit()
    caplog.set_level(logging.INFO, logger="co.access")
    response = call(client, "POST", "/certificates", token, BODY)
    assert response.status_code == 201
    line = next(r.access for r in caplog.records if r.name == "co.access")
    assert (line["method"], line["path"], line["status"]) == ("POST", "/api/v1/certificates", 201)
    assert (line["user_id"], line["enterprise_id"]) == (cast.clerk_a, cast.ent_a)
    assert token not in caplog.text


def test_it_writes_a_readable_text_line_that_a_path_cannot_break(client, caplog):
    caplog.set_level(logging.INFO, logger="co.access")
    response = client.get("/no-such-page%0AINFO%20forged?q=secret-text")
    line = next(r.getMessage() for r in caplog.records if r.name == "co.access")
    rid = response.headers["X-Request-ID"]
    assert line.startswith("GET /no-such-page\\x0aINFO forged 404 ") and line.endswith(f"user=- enterprise=- id={rid}")
    assert "\n" not in line and "secret-text" not in caplog.text


# ------------------------------------------------------------------ request ids
def test_it_keeps_a_proxy_s_safe_request_id(client):
    response = client.get("/login", headers={"X-Request-ID": "lb-0123.abcd_EF"})
    assert response.headers["X-Request-ID"] == "lb-0123.abcd_EF"


@pytest.mark.parametrize("given", ["short", "x" * 65, "bad id <script>", "ab/cd/ef/gh", ""])
def test_it_replaces_an_unsafe_request_id(client, given):
    rid = client.get("/login", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert rid != given and GENERATED_ID.fullmatch(rid)


def test_every_request_gets_its_own_id(client):
    assert client.get("/login").headers["X-Request-ID"] != client.get("/login").headers["X-Request-ID"]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "fragment"])
def test_the_404_page_shows_the_request_id(client, cast, log_in, headers):
    log_in("clerk_a")
    response = client.get("/no-such-page", headers=headers)
    assert response.status_code == 404
    assert f"错误编号：{response.headers['X-Request-ID']}" in response.get_data(as_text=True)


def _boom_app(db_url):
    app = create_app(make_config(db_url))

    @app.get("/boom")
    def boom():
        raise RuntimeError("the test says boom")
    return app


def test_a_500_shows_the_request_id_and_logs_the_traceback_with_it(db_url, caplog):
    app = _boom_app(db_url)
    response = app.test_client().get("/boom")
    dispose(app)
    rid = response.headers["X-Request-ID"]
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and f"错误编号：{rid}" in html and "Traceback" not in html
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(rid in message and "Traceback" in message and "the test says boom" in message for message in logged)


def test_the_last_resort_500_page_shows_the_request_id(db_url, monkeypatch):
    app = _boom_app(db_url)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the error page is broken too")
    monkeypatch.setattr(errors, "_render", broken)
    response = app.test_client().get("/boom", headers={"X-Request-ID": "proxy-given-1"})
    dispose(app)
    assert response.status_code == 500 and "错误编号：proxy-given-1" in response.get_data(as_text=True)


def test_the_standalone_busy_page_shows_the_request_id(app):
    with app.test_request_context("/", headers={"X-Request-ID": "proxy-given-2"}):
        assert "错误编号：proxy-given-2" in busy.standalone_page("数据库正忙")


# ------------------------------------------------------------------ /metrics: who may read it
def test_metrics_are_not_found_from_another_machine_without_the_token(client):
    response = client.get("/metrics", environ_base=REMOTE)
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
    assert b"co_http_requests_total" not in response.data


def test_metrics_answer_the_token_from_anywhere(app, client):
    app.config["METRICS_TOKEN"] = "scrape-token-1234"
    response = client.get("/metrics", environ_base=REMOTE, headers={"Authorization": "Bearer scrape-token-1234"})
    assert response.status_code == 200 and b"co_http_requests_total" in response.data
    assert response.content_type.startswith("text/plain")
    for wrong in ("Bearer scrape-token-123", "Bearer scrape-token-12345", "Basic scrape-token-1234", ""):
        assert client.get("/metrics", environ_base=REMOTE, headers={"Authorization": wrong}).status_code == 404


def test_metrics_from_this_machine_can_be_switched_off(app, client):
    assert client.get("/metrics").status_code == 200
    app.config["METRICS_ALLOW_LOCAL"] = False
    assert client.get("/metrics").status_code == 404


def test_a_request_forwarded_by_a_local_proxy_is_not_local(db_url, client):
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 404
    proxied = create_app(make_config(db_url, PROXY_FIX_X_FOR=1))  # ProxyFix names the real client
    try:
        behind = proxied.test_client()
        assert behind.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 404
        assert behind.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200
    finally:
        dispose(proxied)


# ------------------------------------------------------------------ /metrics: what it shows
def test_metrics_count_requests_by_endpoint_not_by_path(client):
    before = samples(client)
    client.get("/login")
    client.get("/login?next=/x")
    client.get("/no-such-page-7")
    after = samples(client)

    def grown(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)
    assert grown("co_http_requests_total", endpoint="accounts.login", method="GET", status="200") == 2
    assert grown("co_http_requests_total", endpoint="none", method="GET", status="404") == 1  # no route matched
    assert grown("co_http_request_duration_seconds_count", endpoint="accounts.login", method="GET") == 2
    assert "no-such-page-7" not in client.get("/metrics").get_data(as_text=True)


def test_metrics_show_the_outbox_and_the_receipts_applied(app, client, make_certificate):
    cert_id = make_printable(app, make_certificate, "C", 1)
    assert value(samples(client), "co_outbox_messages", status="pending") == 0
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
        db.session.execute(sa.update(OutboxMessage).values(created_at=utcnow() - timedelta(minutes=10)))
        db.session.commit()
    queued = samples(client)
    assert value(queued, "co_outbox_messages", status="pending") == 1
    assert 600 <= value(queued, "co_outbox_oldest_unsent_age_seconds") < 700
    applied_before = value(queued, "co_receipts_applied_total")
    with app.app_context():
        outbox.send_due()
        polling.poll_all()
    delivered = samples(client)
    assert value(delivered, "co_outbox_messages", status="pending") == 0
    assert value(delivered, "co_outbox_oldest_unsent_age_seconds") == 0
    assert value(delivered, "co_receipts_applied_total") > applied_before
    assert value(delivered, "co_metrics_source_up", source="exchange") == 1


def test_metrics_show_the_jobs_heartbeat_age(app, client):
    assert ("co_jobs_heartbeat_age_seconds", ()) not in samples(client)  # no jobs process ever ran
    beat(app, 7)
    age = value(samples(client), "co_jobs_heartbeat_age_seconds")
    assert 7 <= age < 30


def test_metrics_show_the_pdf_render_time(app, client, log_in, make_certificate):
    cert_id = make_printable(app, make_certificate, "C", 1)
    log_in("clerk_a")
    before = samples(client)
    fetch(client, cert_id)
    after = samples(client)
    count = "co_pdf_render_seconds_count"
    assert value(after, count, outcome="ok") - value(before, count, outcome="ok") == 1
    assert value(after, "co_pdf_render_seconds_sum", outcome="ok") > value(before, "co_pdf_render_seconds_sum",
                                                                            outcome="ok")


SCRIPT = """
import sys
from app import create_app
from tests.conftest import make_config
app = create_app(make_config(sys.argv[1]))
client = app.test_client()
for _ in range(int(sys.argv[2])):
    assert client.get("/healthz").status_code == 200
if sys.argv[3] == "scrape":
    print(client.get("/metrics").get_data(as_text=True))
"""


def test_with_a_shared_multiprocess_directory_a_scrape_sums_every_process(db_url, tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}

    def run(count, then):
        result = subprocess.run([sys.executable, "-c", SCRIPT, db_url, str(count), then], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    run(3, "stop")
    found = {(s.name, tuple(sorted(s.labels.items()))): s.value
             for family in text_string_to_metric_families(run(2, "scrape")) for s in family.samples}
    assert value(found, "co_http_requests_total", endpoint="web.health", method="GET", status="200") == 5


# ------------------------------------------------------------------ /healthz
@pytest.mark.parametrize("seconds_ago, status", [(2, 200), (29, 200), (31, 503), (600, 503)])
def test_health_follows_the_jobs_heartbeat(app, client, seconds_ago, status):
    app.config["HEALTH_REQUIRE_JOBS"] = True
    beat(app, seconds_ago)
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == status and body["database"] == "ok"
    assert body["status"] == ("ok" if status == 200 else "error")
    assert body["jobs"]["status"] == ("ok" if status == 200 else "stale")
    assert seconds_ago <= body["jobs"]["heartbeat_age_seconds"] < seconds_ago + 10
    assert body["jobs"]["stale_after_seconds"] == 3 * app.config["JOBS_TICK_SECONDS"] == 30


def test_health_without_any_jobs_process_depends_on_health_require_jobs(app, client):
    app.config["HEALTH_REQUIRE_JOBS"] = True
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["jobs"]["status"] == "missing"
    app.config["HEALTH_REQUIRE_JOBS"] = False
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["jobs"] == {
        "status": "missing", "heartbeat_age_seconds": None, "stale_after_seconds": 30, "required": False}


def test_health_answers_503_when_the_database_is_unreachable(db_url, tmp_path, caplog):
    url = sa.make_url(db_url)
    unreachable = (url.set(host="127.0.0.1", port=1) if url.get_backend_name() == "postgresql"
                   else f"sqlite:///{tmp_path / 'no-such-dir' / 'db.sqlite3'}")
    broken = create_app(make_config(str(unreachable) if isinstance(unreachable, str) else
                                    unreachable.render_as_string(hide_password=False)))
    try:
        response = broken.test_client().get("/healthz")
    finally:
        dispose(broken)
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}
    assert any("the database does not answer" in r.getMessage() for r in caplog.records)
