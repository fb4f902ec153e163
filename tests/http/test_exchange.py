"""The round trip with the issuing authority: declare → message → 审核工作台 → receipts → status (issue: exchange).

Real database, real XML, real gateways (embedded in-process, http over loopback to the live server).
"""
import base64
import logging
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.accounts import services as accounts
from app.accounts.models import Enterprise
from app.accounts.roles import Role
from app.authority.inbox import receive
from app.authority.models import AuthorityReceipt, Declaration
from app.certificates import services
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.crypto import encrypt
from app.exchange import messages, outbox, polling
from app.exchange.gateways import EmbeddedGateway, GatewayError, HttpGateway
from app.exchange.models import OutboxMessage, Receipt, ReceiptCursor
from app.extensions import db
from app.settings.models import SystemSetting
from tests.support import PASSWORD, page_form

HTMX = {"HX-Request": "true"}


@pytest.fixture
def officer(app, cast):
    """An officer of 上海海关 (2200), the authority GENERAL_BASIC certificates name."""
    with app.app_context():
        user = accounts.create_user(username="officer_2200", display_name="王审核", role=Role.OFFICER,
                                    password=PASSWORD, authority_code="2200", must_change_password=False)
        db.session.commit()
        return user.id


def manual_review(app):
    with app.app_context():
        db.session.merge(SystemSetting(key="authority.auto_review_types", value='""'))
        db.session.commit()


def confirm_undertaking(cert) -> None:
    """What 申报 records: the applicant confirmed 申请人承诺 (a message built by hand carries it the same way)."""
    cert.undertaking_text, cert.undertaking_at = "本申请人郑重承诺：……", datetime.now(timezone.utc).replace(tzinfo=None)


def declared(app, make_certificate, **changes) -> int:
    """A certificate of enterprise A, declared for real (the message is in the outbox)."""
    cert_id = make_certificate(items=1, **changes)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
    return cert_id


def decl_form(client, decl_id) -> dict:
    """The hidden fields of the review forms on the declaration page (CSRF token and version)."""
    import re

    html = client.get(f"/authority/declarations/{decl_id}").get_data(as_text=True)
    data = page_form(client, f"/authority/declarations/{decl_id}")
    data["version"] = re.search(r'name="version" value="(\d+)"', html).group(1)
    return data


def round_trip(app, gateway=None):
    """What the jobs process does: deliver the outbox, then fetch and apply receipts."""
    with app.app_context():
        outbox.send_due(gateway=gateway)
        polling.poll_all(gateway)


def status_of(app, cert_id) -> Status:
    with app.app_context():
        return db.session.get(Certificate, cert_id).status


def receipts_of(app, cert_id) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Receipt).where(Receipt.certificate_id == cert_id).order_by(Receipt.seq))
        return [(r.seq, r.code, r.status) for r in rows]


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# ---------------------------------------------------------------- automatic review
def test_a_clean_declaration_is_approved_automatically(app, cast, make_certificate):
    cert_id = declared(app, make_certificate)
    round_trip(app)
    assert status_of(app, cert_id) == Status.ISSUED
    assert receipts_of(app, cert_id) == [(1, "RECEIVED", "received"), (2, "ACCEPTED", "accepted"),
                                         (3, "ISSUED", "issued")]
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert cert.issue_date is not None and cert.issued_by == "自动审核" and cert.receipt_seq == 3
        message = db.session.scalar(sa.select(OutboxMessage))
        assert message.status == "sent" and message.attempts == 1


def test_a_declaration_with_findings_goes_to_manual_review(app, cast, make_certificate, officer):
    cert_id = make_certificate(items=1)
    with app.app_context():  # sent by another system that skipped the checks: application date in the future
        cert = db.session.get(Certificate, cert_id)
        snapshot = {**services.snapshot(cert), "application_date": "2099-01-01"}
        xml = messages.build_declaration(snapshot, message_id="from-elsewhere", sent_at=datetime.now(timezone.utc))
        declaration, created = receive(xml, cert.co_reg_no)
        db.session.commit()
        assert created and declaration.status == "received" and declaration.review == "manual"
        assert "申请日期不能晚于今天" in declaration.findings
        assert [r.code for r in declaration.receipts] == ["RECEIVED", "MANUAL_REVIEW"]


# ---------------------------------------------------------------- 审核工作台
def test_the_officer_accepts_and_approves_and_the_clerk_sees_it_after_fetching(app, client, cast, log_in,
                                                                            make_certificate, officer):
    manual_review(app)
    cert_id = declared(app, make_certificate)
    round_trip(app)
    assert status_of(app, cert_id) == Status.DECLARED
    log_in("officer_2200")
    desk = client.get("/authority/desk").get_data(as_text=True)
    with app.app_context():
        declaration = db.session.scalar(sa.select(Declaration))
        decl_id, cert_no = declaration.id, declaration.cert_no
    assert cert_no in desk and "待审核" in desk
    page = client.get(f"/authority/declarations/{decl_id}").get_data(as_text=True)
    assert "自动检查全部通过" in page and "TOOTHBRUSH" in page
    form = decl_form(client, decl_id)
    response = client.post(f"/authority/declarations/{decl_id}/accept", data={**form})
    assert response.status_code == 302
    form = decl_form(client, decl_id)
    assert client.post(f"/authority/declarations/{decl_id}/approve", data=form).status_code == 302
    client.post("/logout", data=page_form(client, "/"))
    log_in("clerk_a")
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    response = client.post(f"/certificates/{cert_id}/receipts/fetch", data={"csrf_token": token}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert "新回执 2 条" in html and "审核通过" in html and "hx-trigger" not in html  # no more polling
    assert status_of(app, cert_id) == Status.ISSUED
    with app.app_context():
        assert db.session.get(Certificate, cert_id).issued_by == "王审核"


def test_a_return_needs_a_reason_and_the_clerk_can_correct_and_declare_again(app, client, cast, log_in,
                                                                             make_certificate, officer):
    manual_review(app)
    cert_id = declared(app, make_certificate)
    round_trip(app)
    log_in("officer_2200")
    with app.app_context():
        decl_id = db.session.scalar(sa.select(Declaration.id))
    form = decl_form(client, decl_id)
    refused = client.post(f"/authority/declarations/{decl_id}/return", data={**form, "reason": "  "})
    assert refused.status_code == 422 and "请填写退证原因" in refused.get_data(as_text=True)
    client.post(f"/authority/declarations/{decl_id}/return", data={**form, "reason": "发票日期与发票不符"})
    round_trip(app)
    assert status_of(app, cert_id) == Status.RETURNED
    assert receipts_of(app, cert_id)[-1] == (2, "RETURNED", "returned")
    client.post("/logout", data=page_form(client, "/"))
    log_in("clerk_a")
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "退证：发票日期与发票不符" in page and f'id="c{cert_id}-basic-form"' in page  # editable again
    with app.app_context():  # corrected and declared again
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
    with app.app_context():
        db.session.execute(sa.delete(SystemSetting))  # automatic review back on
        db.session.commit()
    round_trip(app)
    assert status_of(app, cert_id) == Status.ISSUED
    assert [seq for seq, _code, _status in receipts_of(app, cert_id)] == [1, 2, 3, 4, 5]


def test_a_stale_officer_page_is_refused(app, client, cast, log_in, make_certificate, officer):
    manual_review(app)
    declared(app, make_certificate)
    round_trip(app)
    log_in("officer_2200")
    with app.app_context():
        decl_id = db.session.scalar(sa.select(Declaration.id))
    form = decl_form(client, decl_id)
    client.post(f"/authority/declarations/{decl_id}/accept", data=form)
    again = client.post(f"/authority/declarations/{decl_id}/return", data={**form, "reason": "重复"})
    assert again.status_code == 409 and "已被他人处理" in again.get_data(as_text=True)
    assert count(app, AuthorityReceipt, AuthorityReceipt.code == "RETURNED") == 0


def test_an_officer_sees_only_declarations_to_his_authority(app, client, cast, log_in, make_certificate, officer):
    manual_review(app)
    declared(app, make_certificate)
    round_trip(app)
    log_in("officer_sh")  # 3100
    with app.app_context():
        decl_id = db.session.scalar(sa.select(Declaration.id))
    assert "没有符合条件的申报" in client.get("/authority/desk").get_data(as_text=True)
    assert client.get(f"/authority/declarations/{decl_id}").status_code == 404


def test_the_desk_pages_with_a_keyset_and_filters(app, client, cast, log_in, make_certificate, officer):
    from app.authority import views

    manual_review(app)
    for _ in range(3):
        declared(app, make_certificate)
    round_trip(app)
    log_in("officer_2200")
    original, views.PAGE = views.PAGE, 2
    try:
        first = client.get("/authority/desk").get_data(as_text=True)
        assert first.count('class="code">C') == 2 and "更多" in first
        with app.app_context():
            ids = list(db.session.scalars(sa.select(Declaration.id).order_by(Declaration.id.desc())))
        more = client.get(f"/authority/desk?before={ids[1]}", headers=HTMX).get_data(as_text=True)
        assert more.count('class="code">C') == 1 and "更多" not in more
        assert "没有符合条件的申报" in client.get("/authority/desk?status=issued").get_data(as_text=True)
    finally:
        views.PAGE = original


# ---------------------------------------------------------------- faults
def test_an_unreachable_authority_is_retried_and_the_message_delivered_once(app, client, cast, log_in,
                                                                           make_certificate):
    cert_id = declared(app, make_certificate)
    with app.app_context():
        q = db.session.get(Enterprise, cast.ent_a).qualification
        q.platform_account, q.platform_password_enc = "jia", encrypt("platform-pass")
        db.session.commit()
    down = HttpGateway("http://127.0.0.1:9", timeout=2)  # nothing listens on the discard port
    for attempt in (1, 2):
        with app.app_context():
            assert outbox.send_due(gateway=down) == (0, 1)
            message = db.session.scalar(sa.select(OutboxMessage))
            assert message.status == "failed" and message.attempts == attempt and "无法连接签证机构" in message.last_error
            wait = message.next_attempt_at - datetime.now(timezone.utc).replace(tzinfo=None)
            assert timedelta(seconds=5 * 2 ** (attempt - 1) - 2) < wait <= timedelta(seconds=5 * 2 ** (attempt - 1))
            assert outbox.send_due(gateway=down) == (0, 0)  # not due yet: no hammering
            message.next_attempt_at = datetime(2000, 1, 1)
            db.session.commit()
    log_in("clerk_a")
    assert "发送失败（将自动重试）" in client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    round_trip(app)  # the authority is back
    assert count(app, Declaration) == 1 and status_of(app, cert_id) == Status.ISSUED
    round_trip(app)
    assert count(app, Declaration) == 1 and len(receipts_of(app, cert_id)) == 3


class CrashAfterDelivery(EmbeddedGateway):
    """The authority took the message, then the jobs process died before recording it as sent."""

    def send(self, qualification, message_id, xml):
        super().send(qualification, message_id, xml)
        db.session.commit()  # a remote authority has committed on its side
        raise SystemExit("killed")


def test_a_process_killed_mid_send_loses_nothing_and_applies_nothing_twice(app, cast, make_certificate):
    cert_id = declared(app, make_certificate)
    with app.app_context():
        with pytest.raises(SystemExit):
            outbox.send_due(gateway=CrashAfterDelivery())
        db.session.rollback()
        message = db.session.scalar(sa.select(OutboxMessage))
        assert message.status == "pending" and message.attempts == 1  # claimed, not marked sent
        assert outbox.send_due() == (0, 0)  # the claim holds it back for a while
        message.next_attempt_at = datetime(2000, 1, 1)  # … until the claim expires (after a restart)
        db.session.commit()
    round_trip(app)
    assert count(app, Declaration) == 1
    assert count(app, AuthorityReceipt, AuthorityReceipt.code == "RECEIVED") == 1
    assert status_of(app, cert_id) == Status.ISSUED


def test_the_same_declaration_twice_is_applied_once(app, cast, make_certificate):
    cert_id = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        confirm_undertaking(cert)
        xml = messages.build_declaration(services.snapshot(cert), message_id="k-1", sent_at=datetime.now(timezone.utc))
        first, created = receive(xml, cert.co_reg_no)
        second, created_again = receive(xml, cert.co_reg_no)
        db.session.commit()
        assert created and not created_again and first.id == second.id
    assert count(app, Declaration) == 1 and count(app, AuthorityReceipt) == 3


def test_the_same_receipts_twice_change_nothing(app, cast, make_certificate):
    cert_id = declared(app, make_certificate)
    round_trip(app)
    before = receipts_of(app, cert_id)
    with app.app_context():
        db.session.get(ReceiptCursor, cast.ent_a).last_receipt_id = 0  # fetch everything again
        db.session.commit()
        assert polling.poll(db.session.get(Enterprise, cast.ent_a)) == 0
    assert receipts_of(app, cert_id) == before and status_of(app, cert_id) == Status.ISSUED


def test_shuffled_and_duplicated_receipts_end_in_the_newest_state(app, cast, make_certificate):
    cert_id = declared(app, make_certificate)
    with app.app_context():
        cert_no = db.session.get(Certificate, cert_id).cert_no
        sent = db.session.scalar(sa.select(OutboxMessage.idempotency_key).where(OutboxMessage.certificate_id == cert_id))
        now = datetime.now(timezone.utc)
        stream = [(3, "issued"), (1, "received"), (3, "issued"), (2, "accepted"), (1, "received")]
        for receipt_id, (seq, status) in enumerate(stream, start=1):
            polling.apply_receipt(cast.ent_a, {"receipt_id": receipt_id, "cert_no": cert_no, "seq": seq, "time": now,
                                               "message_id": sent,
                                               "code": status.upper(), "text": status, "status": status,
                                               "issue_date": "2026-11-27" if status == "issued" else None})
        db.session.commit()
    assert status_of(app, cert_id) == Status.ISSUED
    assert [seq for seq, _c, _s in receipts_of(app, cert_id)] == [1, 2, 3]


class GarbageGateway(EmbeddedGateway):
    def fetch(self, qualification, after):
        return b"<Receipts><Receipt>not what the schema says</Receipt></Receipts>"


def test_an_invalid_receipt_document_is_rejected_logged_and_changes_nothing(app, cast, make_certificate, caplog):
    cert_id = declared(app, make_certificate)
    with app.app_context():
        outbox.send_due()
    with caplog.at_level(logging.ERROR), app.app_context():
        with pytest.raises(messages.MessageError):
            polling.poll(db.session.get(Enterprise, cast.ent_a), GarbageGateway())
    assert "rejected an invalid receipts document" in caplog.text
    assert status_of(app, cert_id) == Status.DECLARED and receipts_of(app, cert_id) == []
    assert count(app, ReceiptCursor) == 0


def test_two_senders_at_once_deliver_each_message_once(app, cast, make_certificate):
    for _ in range(6):
        declared(app, make_certificate)
    results = []

    def sender():
        with app.app_context():
            results.append(outbox.send_due())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(delivered for delivered, _failed in results) == 6
    assert count(app, Declaration) == 6 and count(app, OutboxMessage, OutboxMessage.status == "sent") == 6


# ---------------------------------------------------------------- the http endpoint
def _basic(account, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{account}:{password}".encode()).decode()}


@pytest.fixture
def platform(app, cast):
    """This instance also serves the authority's HTTP endpoint; both enterprises are registered senders there
    (the accounts the authority issued), and keep those accounts in their 资质备案."""
    from app.authority import senders

    app.config["EXCHANGE_GATEWAY"] = "http"
    with app.app_context():
        for ent_id, account in ((cast.ent_a, "jia"), (cast.ent_b, "yi")):
            q = db.session.get(Enterprise, ent_id).qualification
            q.platform_account, q.platform_password_enc = account, encrypt("platform-pass")
            senders.register(q.co_reg_no, q.name_cn, account=account, password="platform-pass")
        db.session.commit()
    yield
    app.config["EXCHANGE_GATEWAY"] = "embedded"


def test_the_http_endpoint_takes_a_message_once_and_checks_the_sender(app, client, cast, make_certificate, platform):
    cert_id = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        confirm_undertaking(cert)
        xml = messages.build_declaration(services.snapshot(cert), message_id="http-1", sent_at=datetime.now(timezone.utc))
    post = lambda headers: client.post("/exchange/inbox", data=xml, headers=headers)  # noqa: E731
    assert post(_basic("jia", "wrong")).status_code == 401
    assert post(_basic("yi", "platform-pass")).status_code == 403  # B cannot declare A's certificate
    assert post(_basic("jia", "platform-pass")).status_code == 202
    assert post(_basic("jia", "platform-pass")).status_code == 200  # already applied
    bad = client.post("/exchange/inbox", data=b"<Declaration/>", headers=_basic("jia", "platform-pass"))
    assert bad.status_code == 400 and "报文无效" in bad.get_data(as_text=True)
    assert count(app, Declaration) == 1
    mine = client.get("/exchange/receipts?after=0", headers=_basic("jia", "platform-pass"))
    assert [r["cert_no"] for r in messages.parse_receipts(mine.data)] == [cert.cert_no] * 3
    theirs = client.get("/exchange/receipts?after=0", headers=_basic("yi", "platform-pass"))
    assert messages.parse_receipts(theirs.data) == []


def test_the_http_gateway_completes_a_round_trip_over_loopback(app, cast, make_certificate, platform, live_server):
    cert_id = declared(app, make_certificate)
    gateway = HttpGateway(live_server, timeout=10)
    round_trip(app, gateway)
    assert status_of(app, cert_id) == Status.ISSUED
    assert [code for _s, code, _st in receipts_of(app, cert_id)] == ["RECEIVED", "ACCEPTED", "ISSUED"]


def test_the_http_gateway_needs_the_platform_account(app, cast, make_certificate):
    declared(app, make_certificate)
    with app.app_context():
        assert outbox.send_due(gateway=HttpGateway("http://127.0.0.1:9", 1)) == (0, 1)
        assert "未设置质检通讯平台帐号或密码" in db.session.scalar(sa.select(OutboxMessage.last_error))
    with pytest.raises(GatewayError):
        HttpGateway._auth(type("Q", (), {"platform_account": None, "platform_password_enc": None})())


# ---------------------------------------------------------------- the clerk's view
def test_the_status_block_polls_while_waiting_and_stops_when_decided(app, client, cast, log_in, make_certificate):
    manual_review(app)
    cert_id = declared(app, make_certificate)
    log_in("clerk_a")
    waiting = client.get(f"/certificates/{cert_id}/status", headers=HTMX).get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in waiting and "待发送" in waiting
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "刷新" in page and "获取回执" in page
    with app.app_context():
        db.session.execute(sa.delete(SystemSetting))
        db.session.commit()
    round_trip(app)
    decided = client.get(f"/certificates/{cert_id}/status", headers=HTMX).get_data(as_text=True)
    assert "已发送" in decided and "审核通过" in decided and "hx-trigger" not in decided


def test_another_enterprise_cannot_fetch_or_watch_receipts(app, client, cast, log_in, make_certificate):
    cert_id = declared(app, make_certificate)
    log_in("clerk_b")
    assert client.get(f"/certificates/{cert_id}/status", headers=HTMX).status_code == 404
    token = page_form(client, "/certificates/new")["csrf_token"]
    assert client.post(f"/certificates/{cert_id}/receipts/fetch", data={"csrf_token": token}).status_code == 404
