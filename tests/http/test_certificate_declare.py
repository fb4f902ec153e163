"""申报, 复制, 删除: the whole-certificate actions."""

import sqlalchemy as sa

from app.certificates.models import Certificate
from app.exchange.models import OutboxMessage
from app.exchange.messages import parse_declaration
from app.extensions import db
from tests.support import problems as problems_of, GENERAL_BASIC, HTMX, page_form


def _declare(client, cert_id, **changes):
    url = f"/certificates/{cert_id}"
    return client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "action": "declare", "undertaking": "y", **changes})


def test_a_complete_certificate_is_declared_and_its_message_queued(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=2)
    log_in("clerk_a")
    response = _declare(client, cert_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "申报成功" in page and ">已申报<" in page and "待发送" in page
    assert 'id="basic-form"' not in page and "只能查看，不能修改" in page
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert cert.status.value == "declared" and cert.declared_at is not None
        message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.certificate_id == cert_id))
        payload = parse_declaration(message.payload.encode())["certificate"]
        assert message.status == "pending" and len(message.idempotency_key) == 32
        assert payload["cert_no"] == cert.cert_no and [i["item_no"] for i in payload["items"]] == [1, 2]


def test_every_problem_is_listed_at_once_with_links_and_the_draft_is_kept(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=0)
    log_in("clerk_a")
    response = _declare(client, cert_id, importer_name="", invoice_date="2026-11-25")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    problems = problems_of(html)
    assert f'href="#field-c{cert_id}-importer_name"' in problems and "请填写收货人（进口商）名称" in problems
    assert "发票日期不能晚于申请日期" in problems
    assert "至少需要一项货物信息" in problems
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert cert.status.value == "draft" and cert.invoice_date.isoformat() == "2026-11-25"  # saved as typed
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_marks_as_per_invoice_are_refused_even_at_save(client, cast, log_in, make_certificate):
    cert_id = make_certificate()
    log_in("clerk_a")
    response = _declare(client, cert_id, marks="as per invoice")
    assert response.status_code == 422 and "唛头不能填写 AS PER INVOICE" in response.get_data(as_text=True)


def test_a_goods_problem_links_to_that_row(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=2)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        cert.items[1].net_weight = 5000
        second = cert.items[1].id
        db.session.commit()
    log_in("clerk_a")
    html = _declare(client, cert_id).get_data(as_text=True)
    # the summary links to the field in row 2's editor, opened in its place with the field marked
    assert f'href="#field-c{cert_id}-r{second}-net_weight"' in problems_of(html)
    assert "第 2 项：净重不能大于毛重" in problems_of(html)
    field = html.split(f'id="field-c{cert_id}-r{second}-net_weight"')[1].split("</div>")[0]
    assert 'aria-invalid="true"' in field and "净重不能大于毛重" in field


def test_a_declared_certificate_cannot_be_saved_or_deleted(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(status="declared")
    log_in("clerk_a")
    token = page_form(client, "/certificates/new")["csrf_token"]
    saved = client.post(f"/certificates/{cert_id}", data={"csrf_token": token, **GENERAL_BASIC, "action": "save"})
    assert saved.status_code == 409 and "不能修改" in saved.get_data(as_text=True)
    assert client.get(f"/certificates/{cert_id}/delete").status_code == 409
    deleted = client.post(f"/certificates/{cert_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 409
    with app.app_context():
        assert db.session.get(Certificate, cert_id) is not None


def test_a_draft_is_deleted_after_confirmation(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=2)
    log_in("clerk_a")
    confirm = client.get(f"/certificates/{cert_id}/delete").get_data(as_text=True)
    assert "删除的数据将不可恢复" in confirm and "确认删除" in confirm
    response = client.post(f"/certificates/{cert_id}/delete", data=page_form(client, f"/certificates/{cert_id}"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Certificate, cert_id) is None


def test_a_returned_certificate_can_be_deleted(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(status="returned")
    log_in("clerk_a")
    response = client.post(f"/certificates/{cert_id}/delete", data=page_form(client, f"/certificates/{cert_id}"))
    assert response.status_code == 302


def test_copy_makes_a_new_draft_with_a_new_number_and_no_invoice_number(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=3, status="declared")
    log_in("clerk_a")
    response = client.post(f"/certificates/{cert_id}/copy", data=page_form(client, f"/certificates/{cert_id}"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "复制成功" in page
    with app.app_context():
        original, copy = db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()
        assert copy.cert_no != original.cert_no and copy.status.value == "draft"
        assert copy.invoice_no is None and original.invoice_no == "INV-2026-001"
        assert copy.importer_name == original.importer_name and len(copy.items) == 3
        assert [i.description for i in copy.items] == [i.description for i in original.items]


def test_the_certificate_page_answers_404_to_another_enterprise(client, cast, log_in, make_certificate):
    cert_id = make_certificate()
    log_in("clerk_b")
    assert client.get(f"/certificates/{cert_id}").status_code == 404
    assert client.get(f"/certificates/{cert_id}", headers={**HTMX, "HX-Target": "pane-2"}).status_code == 404


def test_editing_a_returned_certificate_makes_it_a_draft_again(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(status="returned")
    log_in("clerk_a")
    url = f"/certificates/{cert_id}"
    assert ">退证<" in client.get(url).get_data(as_text=True)
    client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "remarks": "FIXED", "action": "save"})
    with app.app_context():
        assert db.session.get(Certificate, cert_id).status.value == "draft"
