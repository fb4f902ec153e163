"""证书查询, list actions, detail, 更改证 / 重发证 (issue: query and after-issue work)."""
import re

import pytest
import sqlalchemy as sa

from app.certificates import services
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.exchange import outbox, polling
from app.exchange.messages import parse_declaration
from app.exchange.models import OutboxMessage
from app.extensions import db
from tests.support import GOODS_ROW, page_form

HTMX = {"HX-Request": "true", "HX-Target": "query-results"}


def numbers(html: str) -> list[str]:
    return re.findall(r'class="code cert-link"[^>]*>([A-Z0-9]+)<', html)


def cert_no(app, cert_id) -> str:
    with app.app_context():
        return db.session.get(Certificate, cert_id).cert_no


def issued(app, make_certificate, **changes) -> int:
    """A certificate declared and approved through the embedded authority (automatic review)."""
    cert_id = make_certificate(items=1, **changes)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
        outbox.send_due()
        polling.poll_all()
        assert db.session.get(Certificate, cert_id).status == Status.ISSUED
    return cert_id


def batch(client, op, ids, back=""):
    token = page_form(client, "/certificates")["csrf_token"]
    return client.post("/certificates/batch", data={"csrf_token": token, "op": op, "ids": [str(i) for i in ids],
                                                    "back": back})


def flashes(client) -> str:
    return " ".join(re.findall(r'class="flash flash-\w+"[^>]*>([^<]*)<', client.get("/certificates").get_data(as_text=True)))


@pytest.fixture
def three(app, make_certificate):
    """Three certificates of enterprise A that differ in every condition."""
    a = make_certificate(items=1, invoice_no="INV-2026-001", destination_country="DE", application_date="2026-11-02")
    b = make_certificate(items=1, invoice_no="JT/8899", destination_country="JP", application_date="2026-11-10")
    c = make_certificate(items=1, invoice_no="ZZ-1", destination_country="DE", application_date="2026-11-20",
                         cert_type="M")  # 蘑菇罐头: a type without an agreement, to Germany
    with app.app_context():
        cert_b = db.session.get(Certificate, b)
        cert_b.items[0].name_en, cert_b.items[0].name_cn, cert_b.items[0].hs_code = "CERAMIC VASE", "陶瓷花瓶", "691310"
        db.session.get(Certificate, c).status = Status.RETURNED
        db.session.commit()
    return a, b, c


def test_no_condition_shows_all_newest_first(app, client, cast, log_in, three):
    log_in("clerk_a")
    assert numbers(client.get("/certificates").get_data(as_text=True)) == [cert_no(app, i) for i in reversed(three)]


@pytest.mark.parametrize("query, expected", [
    ("cert_type=M", [2]), ("status=returned", [2]), ("date_from=2026-11-05", [2, 1]), ("date_to=2026-11-05", [0]),
    ("date_from=2026-11-05&date_to=2026-11-15", [1]), ("destination=日本", [1]), ("destination=germany", [2, 0]),
    ("destination=DE", [2, 0]), ("invoice=ＩＮＶ－２０２６－００１", [0]), ("invoice=jt%2F8899", [1]),
    ("goods=花瓶", [1]), ("goods=vase", [1]), ("goods=6913", [1]), ("goods=9603.21", [2, 0]),
    ("creator=clerk_a", [2, 1, 0]), ("creator=nobody", []), ("destination=DE&cert_type=C", [0]),
    ("destination=DE&status=returned&goods=toothbrush", [2]), ("sort=old", [0, 1, 2]),
])
def test_each_condition_alone_and_combined(query, expected, app, client, cast, log_in, three):
    log_in("clerk_a")
    html = client.get(f"/certificates?{query}").get_data(as_text=True)
    assert numbers(html) == [cert_no(app, three[i]) for i in expected]


def test_the_cert_number_condition_matches_part_of_it(app, client, cast, log_in, three):
    log_in("clerk_a")
    number = cert_no(app, three[2])  # the only 普惠制 certificate: G26…
    assert numbers(client.get(f"/certificates?cert_no={number[:5].lower()}").get_data(as_text=True)) == [number]


def test_bad_conditions_get_a_message_and_keep_what_was_typed(client, cast, log_in, three):
    log_in("clerk_a")
    html = client.get("/certificates?destination=atlantis&date_from=2026-11-30&date_to=2026-11-01").get_data(
        as_text=True)
    assert "没有这个国家/地区" in html and "结束日期不能早于开始日期" in html and 'value="atlantis"' in html


def test_htmx_swaps_only_the_results(client, cast, log_in, three):
    log_in("clerk_a")
    html = client.get("/certificates?cert_type=M", headers=HTMX).get_data(as_text=True)
    assert html.lstrip().startswith('<div class="query-results" id="query-results">') and "<html" not in html


def test_another_enterprises_certificates_never_appear(app, client, cast, log_in, three):
    log_in("clerk_b")
    for query in ("", "destination=DE", "invoice=INV-2026-001", f"cert_no={cert_no(app, three[0])}", "goods=牙刷"):
        assert numbers(client.get(f"/certificates?{query}").get_data(as_text=True)) == []
    assert client.get(f"/certificates/{three[0]}/detail").status_code == 404
    assert batch(client, "fetch", [three[0]]).status_code == 404
    assert batch(client, "copy", [three[0]]).status_code == 404


def test_results_are_paged(app, client, cast, log_in, make_certificate):
    from app.queries import service

    for _ in range(3):
        make_certificate(items=0)
    log_in("clerk_a")
    original, service.PAGE = service.PAGE, 2
    try:
        first = client.get("/certificates").get_data(as_text=True)
        second = client.get("/certificates?page=2").get_data(as_text=True)
        assert len(numbers(first)) == 2 and len(numbers(second)) == 1 and "第 2 / 2 页" in second
        assert "下一页" in first and not set(numbers(first)) & set(numbers(second))
    finally:
        service.PAGE = original


# ---------------------------------------------------------------- list actions
@pytest.mark.parametrize("op", ["delete", "print", "change", "copy", "reissue", "change_reissue"])
def test_single_row_actions_refuse_none_and_many(op, client, cast, log_in, three):
    log_in("clerk_a")
    batch(client, op, [])
    assert "请先勾选" in flashes(client)
    batch(client, op, three[:2])
    assert "一次只能选择一票证书，当前选择了 2 票" in flashes(client)


def test_fetching_receipts_for_several_at_once(app, client, cast, log_in, make_certificate):
    ids = [make_certificate(items=1) for _ in range(3)]
    with app.app_context():
        for cert_id in ids:
            cert = db.session.get(Certificate, cert_id)
            assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
    log_in("clerk_a")
    response = batch(client, "fetch", ids, back="status=declared")
    assert response.status_code == 302 and response.headers["Location"].endswith("/certificates?status=declared")
    assert "已为 3 票证书获取回执：新回执 9 条" in flashes(client)
    with app.app_context():
        assert {db.session.get(Certificate, i).status for i in ids} == {Status.ISSUED}


def test_delete_only_for_drafts_and_returned(app, client, cast, log_in, make_certificate, three):
    declared = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, declared)
        services.declare(cert, None, cert.application_date, undertaking=True)
        db.session.commit()
    log_in("clerk_a")
    batch(client, "delete", [declared])
    assert "只有暂存或退证的证书可以删除" in flashes(client)
    response = batch(client, "delete", [three[2]])  # 退证
    location = response.headers["Location"]
    assert location.split("?")[0].endswith(f"/certificates/{three[2]}/delete") and "next=" in location
    # the confirmation page offers the way back to the list, and the deletion returns there
    confirm = client.get(location).get_data(as_text=True)
    assert 'name="next" value="/certificates' in confirm
    done = client.post(f"/certificates/{three[2]}/delete",
                       data={**page_form(client, location), "next": "/certificates?status=returned"})
    assert done.headers["Location"].endswith("/certificates?status=returned")


def test_copy_from_the_list(app, client, cast, log_in, three):
    log_in("clerk_a")
    response = batch(client, "copy", [three[0]])
    with app.app_context():
        newest = db.session.scalar(sa.select(Certificate).order_by(Certificate.id.desc()))
        assert newest.invoice_no is None and newest.status == Status.DRAFT
    assert response.headers["Location"].endswith(f"/certificates/{newest.id}")


def test_print_from_the_list_opens_the_print_choice(client, cast, log_in, three):
    log_in("clerk_a")
    response = batch(client, "print", [three[0]])
    assert response.headers["Location"].endswith(f"/certificates/{three[0]}/print")


# ---------------------------------------------------------------- 更改证 / 重发证
@pytest.mark.parametrize("op", ["change", "reissue", "change_reissue"])
def test_change_and_reissue_only_from_issued(op, client, cast, log_in, three):
    log_in("clerk_a")
    batch(client, op, [three[0]])
    assert "只有审核通过的证书才能办理" in flashes(client)


def test_a_change_certificate_goes_through_to_approval_with_links_both_ways(app, client, cast, log_in,
                                                                          make_certificate):
    original = issued(app, make_certificate)
    original_no = cert_no(app, original)
    log_in("clerk_a")
    response = batch(client, "change", [original])
    change_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        change = db.session.get(Certificate, change_id)
        assert (change.kind, change.original_cert_no, change.status) == ("change", original_no, Status.DRAFT)
        assert change.cert_no != change.original_cert_no and change.invoice_no == "INV-2026-001"
        assert len(change.items) == 1
    page = client.get(f"/certificates/{change_id}").get_data(as_text=True)
    assert f'id="c{change_id}-reason"' in page and f'id="c{change_id}-change_content"' in page and "原证书号" in page
    form = {**page_form(client, f"/certificates/{change_id}")}
    from tests.support import GENERAL_BASIC

    declare = client.post(f"/certificates/{change_id}", data={**form, **GENERAL_BASIC, "action": "declare", "undertaking": "y"})
    body = declare.get_data(as_text=True)
    assert declare.status_code == 422 and "请填写更改原因" in body and "请填写更改内容" in body
    form = page_form(client, f"/certificates/{change_id}")
    ok = client.post(f"/certificates/{change_id}", data={**form, **GENERAL_BASIC, "importer_name": "HANS GMBH & CO. KG",
                                                         "reason": "收货人名称有误", "change_content": "收货人名称更正",
                                                         "action": "declare", "undertaking": "y"})
    assert ok.status_code == 302
    with app.app_context():
        payload = db.session.scalar(sa.select(OutboxMessage.payload).where(OutboxMessage.certificate_id == change_id))
        sent = parse_declaration(payload.encode())["certificate"]
        assert sent["kind"] == "change" and sent["original_cert_no"] == original_no
        assert sent["change"] == {"reason": "收货人名称有误", "content": "收货人名称更正"}
        outbox.send_due()
        polling.poll_all()
        assert db.session.get(Certificate, change_id).status == Status.ISSUED
    child = client.get(f"/certificates/{original}/detail").get_data(as_text=True)
    assert f'href="/certificates/{change_id}/detail"' in child and "更改证" in child
    parent = client.get(f"/certificates/{change_id}/detail").get_data(as_text=True)
    assert f'href="/certificates/{original}/detail"' in parent and 'id="original-link"' in parent


def test_a_reissue_is_confirmed_read_only_and_needs_a_reason(app, client, cast, log_in, make_certificate):
    original = issued(app, make_certificate)
    log_in("clerk_a")
    response = batch(client, "reissue", [original])
    assert response.headers["Location"].endswith(f"/certificates/{original}/reissue")
    confirm = client.get(f"/certificates/{original}/reissue").get_data(as_text=True)
    assert "确定办理吗" in confirm
    token = page_form(client, f"/certificates/{original}/reissue")["csrf_token"]
    started = client.post(f"/certificates/{original}/reissue/start", data={"csrf_token": token})
    reissue_id = int(started.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/certificates/{reissue_id}").get_data(as_text=True)
    assert f'id="c{reissue_id}-reissue-form"' in page and "-basic-form" not in page and "goods-editor" not in page
    assert f'value="{cert_no(app, original)}" readonly' in page
    token = page_form(client, f"/certificates/{reissue_id}")["csrf_token"]
    refused = client.post(f"/certificates/{reissue_id}/goods", data={"csrf_token": token, **GOODS_ROW})
    assert refused.status_code == 409 and "不能修改" in refused.get_data(as_text=True)
    no_reason = client.post(f"/certificates/{reissue_id}/reissue", data={"csrf_token": token, "action": "declare", "undertaking": "y"})
    assert no_reason.status_code == 422 and "请填写重发原因" in no_reason.get_data(as_text=True)
    ok = client.post(f"/certificates/{reissue_id}/reissue",
                     data={"csrf_token": token, "reason": "原证书遗失", "action": "declare", "undertaking": "y"})
    assert ok.status_code == 302
    with app.app_context():
        outbox.send_due()
        polling.poll_all()
        reissue = db.session.get(Certificate, reissue_id)
        assert (reissue.kind, reissue.status, reissue.reason) == ("reissue", Status.ISSUED, "原证书遗失")
    assert f'href="/certificates/{reissue_id}/detail"' in client.get(f"/certificates/{original}/detail").get_data(
        as_text=True)


def test_a_change_of_a_certificate_the_authority_never_issued_goes_to_manual_review(app, cast, make_certificate):
    from datetime import datetime, timezone

    from app.authority.inbox import receive
    from app.exchange import messages

    cert_id = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        cert.kind, cert.original_cert_no, cert.reason, cert.change_content = "change", "C269999999990001", "x", "y"
        xml = messages.build_declaration(services.snapshot(cert), message_id="change-unknown",
                                         sent_at=datetime.now(timezone.utc))
        declaration, _ = receive(xml, cert.co_reg_no)
        assert declaration.review == "manual" and "C269999999990001 不是本系统签发的有效证书" in declaration.findings


def test_the_detail_lists_receipts_newest_first(app, client, cast, log_in, make_certificate):
    cert_id = issued(app, make_certificate)
    log_in("clerk_a")
    html = client.get(f"/certificates/{cert_id}/detail").get_data(as_text=True)
    table = html.split(f'id="receipts-table-{cert_id}"')[1].split("</table>")[0]
    assert table.index("ISSUED") < table.index("ACCEPTED") < table.index("RECEIVED")
    assert "TOOTHBRUSH" in html
