"""Nobody gets a certificate issued without review (issue 13, high 1 and mediums 1–2).

The review found that an enterprise admin could set his own 质检通讯平台帐号/密码 on 我的资质, post any
declaration to /exchange/inbox with them, and have the enterprise side apply whatever receipt matched one of its
certificate numbers: a manually reviewed certificate renumbered as a C-type one became 审核通过 by 自动审核.
Here each link of that chain is tried as the attacker would, over HTTP, against the real database.
"""
import base64
import logging
import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.authority import senders
from app.authority.inbox import InboxRefused, receive
from app.authority.models import AuthorityReceipt, Declaration
from app.certificates import services
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.exchange import messages, polling
from app.exchange.models import Receipt
from app.extensions import db
from app.settings.models import SystemSetting
from tests.support import GENERAL_BASIC, csrf_token, page_form


def _basic(account, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{account}:{password}".encode()).decode()}


def _xml(app, cert_id, message_id="forged-1", **changes) -> bytes:
    """A declaration of this certificate as anyone could write it, with `changes` to its snapshot."""
    with app.app_context():
        data = {**services.snapshot(db.session.get(Certificate, cert_id)), **changes}
        return messages.build_declaration(data, message_id=message_id, sent_at=datetime.now(timezone.utc))


def _own_platform_account(client, log_in, app, cast):
    """The enterprise admin chooses a 质检通讯平台帐号 and password on 我的资质, as the attacker did."""
    log_in("admin_a")
    page = client.get("/qualification").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post("/qualification", data={
        "csrf_token": csrf_token(page), "version": version, "co_reg_no": "310000001",
        "org_code": "91350100M000100Y43", "name_cn": "甲进出口有限公司", "platform_account": "jia-own",
        "platform_password": "Chosen-by-me-2026"})
    assert response.status_code == 302


def _declared_for_review(cert_id) -> Certificate:
    """申报 with review by hand, and delivered to the desk as 获取回执 does (inside an app context)."""
    db.session.merge(SystemSetting(key="authority.auto_review_types", value='""'))
    cert = db.session.get(Certificate, cert_id)
    assert services.declare(cert, None, cert.application_date, undertaking=True) == []
    db.session.commit()
    polling.fetch_now(cert.enterprise, [cert_id])
    return cert


@pytest.fixture
def automatic(app):
    with app.app_context():
        db.session.merge(SystemSetting(key="authority.auto_review_types", value='"C"'))
        db.session.commit()


def test_a_forged_declaration_posted_to_the_embedded_desk_issues_nothing(app, client, cast, log_in,
                                                                          make_certificate, automatic):
    cert_id = make_certificate(items=1, cert_type="K")  # 中韩: reviewed by hand
    with app.app_context():
        number = db.session.get(Certificate, cert_id).cert_no
    _own_platform_account(client, log_in, app, cast)
    forged = _xml(app, cert_id, cert_no="C" + number[1:], cert_type="C", destination_country="DE")
    answer = client.post("/exchange/inbox", data=forged, headers=_basic("jia-own", "Chosen-by-me-2026"))
    assert answer.status_code == 404  # the embedded desk has no door from outside
    with app.app_context():
        polling.poll_all()
        assert db.session.get(Certificate, cert_id).status == Status.DRAFT
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Declaration)) == 0
    verify = client.get(f"/verify?no={'C' + number[1:]}")
    assert "审核通过" not in verify.get_data(as_text=True)


@pytest.fixture
def authority_instance(app):
    """This instance serves the authority's HTTP endpoint (as APP_MODE=authority does)."""
    app.config["EXCHANGE_GATEWAY"] = "http"
    yield
    app.config["EXCHANGE_GATEWAY"] = "embedded"


def test_only_accounts_the_authority_issued_can_sign_in(app, client, cast, log_in, make_certificate,
                                                        authority_instance):
    cert_id = make_certificate(items=1)
    _own_platform_account(client, log_in, app, cast)
    xml = _xml(app, cert_id, message_id="own-choice-1")
    assert client.post("/exchange/inbox", data=xml, headers=_basic("jia-own", "Chosen-by-me-2026")).status_code == 401
    with app.app_context():
        _sender, password = senders.register("310000001", "甲进出口有限公司")
        account = _sender.account
        db.session.commit()
    assert client.post("/exchange/inbox", data=xml, headers=_basic(account, password)).status_code == 202


def test_a_receipt_answering_a_message_the_enterprise_never_sent_moves_nothing(app, client, cast, log_in,
                                                                                make_certificate, caplog):
    """A certificate waits for review; an 审核通过 arrives for its number, but for a message it never sent."""
    cert_id = make_certificate(items=1)
    with app.app_context():
        cert = _declared_for_review(cert_id)
        assert cert.status == Status.DECLARED  # waiting for the officer
        other = Declaration(message_id="never-sent-1", authority_code="2200", co_reg_no="310000001",
                            applicant_name="甲", cert_no=cert.cert_no, cert_type="C", xml="<x/>", data="{}",
                            status="issued")
        db.session.add(other)
        db.session.flush()
        last = db.session.scalar(sa.select(sa.func.max(AuthorityReceipt.seq)))
        db.session.add(AuthorityReceipt(declaration_id=other.id, co_reg_no="310000001", cert_no=cert.cert_no,
                                        seq=last + 1, code="ISSUED", text="审核通过", status="issued",
                                        message_id="never-sent-1", issue_date=cert.application_date))
        db.session.commit()
    with caplog.at_level(logging.WARNING, logger="app.exchange.polling"), app.app_context():
        polling.poll(db.session.get(Certificate, cert_id).enterprise)  # what 获取回执 does
        assert db.session.get(Certificate, cert_id).status == Status.DECLARED
        assert db.session.scalar(sa.select(Receipt.applied).where(Receipt.message_id == "never-sent-1")) is False
    assert "never sent" in caplog.text
    log_in("clerk_a")
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "审核通过" not in page  # the clerk sees no such receipt on it


def test_a_number_waiting_for_review_or_issued_is_not_declared_twice(app, cast, make_certificate):
    cert_id = make_certificate(items=1)
    with app.app_context():
        _declared_for_review(cert_id)  # delivered: 待审核 at the desk (manual review)
        with pytest.raises(InboxRefused, match="正在审核，不能重复申报"):
            receive(_xml(app, cert_id, message_id="second-1"), "310000001")
        db.session.rollback()
        declaration = db.session.scalar(sa.select(Declaration))
        declaration.status = "issued"
        db.session.commit()
        with pytest.raises(InboxRefused, match="已签发，不能重复申报"):
            receive(_xml(app, cert_id, message_id="second-2"), "310000001")
        db.session.rollback()
        declaration.status = "returned"
        db.session.commit()
        assert receive(_xml(app, cert_id, message_id="after-return"), "310000001")[1] is True


def test_a_change_of_another_enterprises_certificate_is_refused(app, cast, make_certificate):
    cert_id = make_certificate(items=1)
    with app.app_context():
        theirs = Declaration(message_id="b-1", authority_code="2200", co_reg_no="310000002", applicant_name="乙",
                             cert_no="C26310000002" + "0001", cert_type="C", xml="<x/>", data="{}", status="issued")
        db.session.add(theirs)
        db.session.commit()
    change = _xml(app, cert_id, message_id="change-1", kind="change", original_cert_no="C263100000020001",
                  change={"reason": "更正", "content": "收货人"})
    with app.app_context():
        with pytest.raises(InboxRefused, match="不是签发给本企业的证书"):
            receive(change, "310000001")


def test_a_declaration_in_another_enterprises_name_or_number_is_refused(app, cast, make_certificate):
    cert_id = make_certificate(items=1)
    with app.app_context():
        with pytest.raises(InboxRefused, match="备案号与发送企业的备案号不一致"):
            receive(_xml(app, cert_id, message_id="m-1"), "310000002")
        db.session.rollback()
        with pytest.raises(InboxRefused, match="编号规则"):
            receive(_xml(app, cert_id, message_id="m-2", cert_no="C263100000020001"), "310000001")
        db.session.rollback()
        with pytest.raises(InboxRefused, match="编号规则"):
            receive(_xml(app, cert_id, message_id="m-3", cert_type="E", destination_country="VN"), "310000001")


def _save_number(client, cert_id, number):
    url = f"/certificates/{cert_id}"
    return client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "cert_no": number, "action": "save"})


def test_an_edited_number_keeps_type_year_and_own_registration_number(app, client, cast, log_in,
                                                                       make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    with app.app_context():
        number = db.session.get(Certificate, cert_id).cert_no  # C26 310000001 0001
    for squatted in ("C26310000002" + "0009", "E26310000001" + "0009", "C25310000001" + "0009", number + "1"):
        page = _save_number(client, cert_id, squatted)
        assert page.status_code == 422, squatted
        assert "证书号只能修改最后 4 位流水号" in page.get_data(as_text=True)
        assert squatted in page.get_data(as_text=True)  # what was typed stays in the field
    assert _save_number(client, cert_id, number[:-4] + "A123").status_code == 302
    with app.app_context():
        assert db.session.get(Certificate, cert_id).cert_no == number[:-4] + "A123"


def test_guessing_the_platform_password_is_throttled_and_logged(app, client, cast, make_certificate,
                                                                 authority_instance, caplog):
    cert_id = make_certificate(items=1)
    with app.app_context():
        sender, password = senders.register("310000001", "甲进出口有限公司")
        account = sender.account
        db.session.commit()
    xml = _xml(app, cert_id, message_id="guess-1")
    with caplog.at_level(logging.WARNING):
        codes = [client.post("/exchange/inbox", data=xml, headers=_basic(account, f"guess-{n}")).status_code
                 for n in range(12)]
    assert codes[0] == 401 and codes[-1] == 429  # locked well before the twelfth guess
    locked = client.post("/exchange/inbox", data=xml, headers=_basic(account, password))
    assert locked.status_code == 429 and "尝试次数过多" in locked.get_data(as_text=True)
    assert "exchange sign-in failed" in caplog.text and "guess-" not in caplog.text  # never the password


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_a_declaration_not_in_utf8_is_refused_clearly(app, client, cast, make_certificate, authority_instance,
                                                      encoding):
    cert_id = make_certificate(items=1)
    with app.app_context():
        _sender, password = senders.register("310000001", "甲进出口有限公司", account="jia")
        db.session.commit()
    text = _xml(app, cert_id, message_id="enc-1", importer_name="MÜLLER GMBH").decode("utf-8")
    text = re.sub(r"^<\?xml[^>]*\?>", f'<?xml version="1.0" encoding="{encoding}"?>', text)
    if not text.startswith("<?xml"):
        text = f'<?xml version="1.0" encoding="{encoding}"?>\n' + text
    answer = client.post("/exchange/inbox", data=text.encode(encoding, "replace"), headers=_basic("jia", password))
    assert answer.status_code == 400 and "UTF-8" in answer.get_data(as_text=True)


def test_a_declaration_with_too_many_goods_rows_is_refused(app, client, cast, make_certificate, authority_instance):
    cert_id = make_certificate(items=3)
    app.config["INBOX_MAX_ITEMS"] = 2
    try:
        with app.app_context():
            _sender, password = senders.register("310000001", "甲进出口有限公司", account="jia")
            db.session.commit()
        answer = client.post("/exchange/inbox", data=_xml(app, cert_id), headers=_basic("jia", password))
    finally:
        app.config["INBOX_MAX_ITEMS"] = 999
    assert answer.status_code == 403 and "最多 2 项货物" in answer.get_data(as_text=True)


def test_a_receipts_cursor_beyond_any_id_answers_an_empty_list(app, client, cast, authority_instance):
    with app.app_context():
        _sender, password = senders.register("310000001", "甲进出口有限公司", account="jia")
        db.session.commit()
    answer = client.get("/exchange/receipts?after=" + "9" * 30, headers=_basic("jia", password))
    assert answer.status_code == 200 and messages.parse_receipts(answer.data) == []
