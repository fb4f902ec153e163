"""发送方登记: the authority issues the accounts its inbox accepts (issue 13, high 1)."""
import base64
import re
from datetime import datetime, timezone

import pytest

from app.certificates import services
from app.certificates.models import Certificate
from app.exchange import messages
from app.extensions import db
from tests.support import page_form


def _basic(account, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{account}:{password}".encode()).decode()}


@pytest.fixture
def authority_instance(app):
    app.config["EXCHANGE_GATEWAY"] = "http"
    yield
    app.config["EXCHANGE_GATEWAY"] = "embedded"


def _issued(html):
    account = re.search(r'id="issued-account">([^<]+)<', html).group(1)
    password = re.search(r'id="issued-password">([^<]+)<', html).group(1)
    return account, password


def test_the_sysadmin_registers_a_sender_and_the_password_works_once_shown(app, client, cast, log_in,
                                                                          make_certificate, authority_instance):
    log_in("root_admin")
    form = page_form(client, "/authority/senders")
    page = client.post("/authority/senders", data={**form, "co_reg_no": "310000001", "name": "甲进出口有限公司"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    account, password = _issued(page.get_data(as_text=True))
    assert account == "co310000001"
    listing = client.get("/authority/senders").get_data(as_text=True)
    assert "310000001" in listing and password not in listing  # shown once, never again
    cert_id = make_certificate(items=1)
    with app.app_context():
        xml = messages.build_declaration(services.snapshot(db.session.get(Certificate, cert_id)), message_id="s-1",
                                         sent_at=datetime.now(timezone.utc))
    assert client.post("/exchange/inbox", data=xml, headers=_basic(account, password)).status_code == 202
    reset = client.post("/authority/senders/1/password", data={"csrf_token": form["csrf_token"]})
    _account, new_password = _issued(reset.get_data(as_text=True))
    assert client.post("/exchange/inbox", data=xml, headers=_basic(account, password)).status_code == 401
    assert client.post("/exchange/inbox", data=xml, headers=_basic(account, new_password)).status_code == 200
    client.post("/authority/senders/1/active", data={"csrf_token": form["csrf_token"]})  # 停用
    assert client.post("/exchange/inbox", data=xml, headers=_basic(account, new_password)).status_code == 401


def test_a_bad_or_taken_registration_number_is_marked_on_its_field(client, cast, log_in):
    log_in("root_admin")
    form = page_form(client, "/authority/senders")
    bad = client.post("/authority/senders", data={**form, "co_reg_no": "12", "name": "甲"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "产地证备案号为 9 位数字" in html and 'value="12"' in html
    client.post("/authority/senders", data={**form, "co_reg_no": "310000001", "name": "甲"})
    again = client.post("/authority/senders", data={**form, "co_reg_no": "310000001", "name": "甲"})
    assert again.status_code == 422 and "已登记" in again.get_data(as_text=True)


def test_an_enterprise_admin_cannot_register_senders(client, cast, log_in):
    log_in("admin_a")
    assert client.get("/authority/senders").status_code == 403


def test_an_upgraded_authority_imports_its_old_register_and_the_cli_issues_passwords(app, cast):
    from app.accounts.models import Enterprise
    from app.authority.senders import authenticate
    from app.crypto import encrypt

    with app.app_context():
        q = db.session.get(Enterprise, cast.ent_a).qualification
        q.platform_account, q.platform_password_enc = "jia-old", encrypt("Old-platform-pass-1")
        db.session.commit()
    runner = app.test_cli_runner()
    assert "已登记 1 个发送方" in runner.invoke(args=["authority", "import-senders"]).output
    with app.app_context():
        assert authenticate("jia-old", "Old-platform-pass-1", "127.0.0.1")[0].co_reg_no == "310000001"
    issued = runner.invoke(args=["authority", "register-sender", "310000002", "乙贸易有限公司"]).output
    password = re.search(r"密码（只显示这一次.*?）：(\S+)", issued).group(1)
    with app.app_context():
        assert authenticate("co310000002", password, "127.0.0.1")[0].name == "乙贸易有限公司"
