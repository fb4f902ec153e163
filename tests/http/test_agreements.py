"""Issue 15: agreements as dated data on 新建证书 and at 申报, RCEP (back-to-back, retroactive, ACU/DMI, RVC with FOB),
GSP only to the donors that still give it, and the applicant undertaking (GACC Decree 270)."""
import re

import pytest
import sqlalchemy as sa

from app.certificates.models import Certificate
from app.exchange.messages import parse_declaration
from app.exchange.models import OutboxMessage
from app.extensions import db
from app.refdata.models import CodeEntry
from tests.support import GOODS_ROW, HTMX, basic_for, login, page_form, problems as problems_of


def offers_page(client, **args):
    return client.get("/certificates/new", query_string=args).get_data(as_text=True)


def offered(html, code):
    return f'id="new-type-{code}"' in html


def refused_reason(html, code):
    match = re.search(rf'id="refused-type-{code}">.*?<span class="reason">(.*?)</span>', html, re.S)
    return match.group(1) if match else None


def test_rcep_to_indonesia_is_refused_on_30_december_2022_and_offered_from_2_january_2023(client, cast, log_in):
    log_in("clerk_a")
    before = offers_page(client, destination="ID", on="2022-12-30")
    assert not offered(before, "RC") and "2023-01-02" in refused_reason(before, "RC")
    assert offered(before, "E") and offered(before, "C")  # Form E and the general certificate still go
    after = offers_page(client, destination="ID", on="2023-01-02")
    assert offered(after, "RC") and 'href="/certificates/new/RC?destination=ID"' in after


def test_form_a_to_germany_is_refused_with_the_reason_and_offered_to_norway(client, cast, log_in):
    log_in("clerk_a")
    germany = offers_page(client, destination="DE", on="2026-12-01")
    assert not offered(germany, "G") and "2021-12-01" in refused_reason(germany, "G")
    assert "挪威" in refused_reason(germany, "G")  # says where Form A still goes
    assert offered(offers_page(client, destination="NO", on="2026-12-01"), "G")


def test_choosing_germany_on_a_gsp_certificate_is_refused_beside_the_field_and_kept(client, cast, log_in):
    log_in("clerk_a")
    url = "/certificates/new/G"
    response = client.post(url, data={**page_form(client, url), **basic_for("DE"), "action": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    field = html.split('data-field="destination_country"')[1].split("</div>")[0]
    assert 'aria-invalid="true"' in field and "2021-12-01" in field and "DE" in field


def test_the_offer_list_is_a_fragment_with_js_and_a_page_without(client, cast, log_in):
    log_in("clerk_a")
    fragment = client.get("/certificates/new", query_string={"destination": "JP"}, headers=HTMX)
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="type-offers"') and "<html" not in text
    assert offered(text, "RC") and not offered(text, "G")
    page = offers_page(client, destination="JP")
    assert "<html" in page and 'id="choose-type-form"' in page


def test_a_bad_date_or_destination_is_said_beside_the_field_not_a_500(client, cast, log_in):
    log_in("clerk_a")
    response = client.get("/certificates/new", query_string={"destination": "XX", "on": "2026-13-45"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="field-error"') == 2 and offered(html, "C")


def test_other_destinations_offer_only_the_types_without_an_agreement(client, cast, log_in):
    log_in("clerk_a")
    html = offers_page(client, destination="other")
    assert offered(html, "C") and not offered(html, "RC") and not offered(html, "K")


def test_an_admin_adds_a_member_through_the_code_table_without_a_code_change(app, client, cast, log_in, captchas):
    """Say RCEP reaches a new party: a sysadmin adds it in 参数表 and 新建证书 offers RCEP there from that date."""
    log_in("clerk_a")
    assert not offered(offers_page(client, destination="LK", on="2026-12-01"), "RC")
    admin = app.test_client()
    login(admin, captchas, "root_admin")
    url = "/admin/refdata/agreement_member/new"
    response = admin.post(url, data={**page_form(admin, url), "code": "LK", "name_zh": "斯里兰卡", "category": "RCEP",
                                     "attrs": '{"valid_from": "2026-06-01"}', "source": "test", "active": "y",
                                     "sort": "1000"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert offered(offers_page(client, destination="LK", on="2026-12-01"), "RC")
    assert not offered(offers_page(client, destination="LK", on="2026-05-31"), "RC")


# ---------------------------------------------------------------- RCEP at 申报
def rcep(client, **changes):
    url = "/certificates/new/RC"
    data = {**page_form(client, url), **basic_for("JP", port_of_discharge="JPTYO"), "action": "save", **changes}
    response = client.post(url, data=data)
    assert response.status_code == 302, problems_of(response.get_data(as_text=True))
    return int(response.headers["Location"].rsplit("/", 1)[1])


RCEP_ROW = {**GOODS_ROW, "hs_code": "9603.21", "origin_criterion": "CTC", "origin_country": "CN"}


def add_row(client, cert_id, **row):
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    return client.post(f"/certificates/{cert_id}/goods", data={"csrf_token": token, **RCEP_ROW, **row})


def declare(client, cert_id, undertaking=True, **changes):
    url = f"/certificates/{cert_id}"
    data = {**page_form(client, url), **basic_for("JP", port_of_discharge="JPTYO"), "action": "declare", **changes}
    if undertaking:
        data["undertaking"] = "y"
    return client.post(url, data=data)


def test_an_rcep_certificate_to_japan_with_a_ctc_and_an_rvc_row_is_declared(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = rcep(client)
    assert add_row(client, cert_id).status_code == 302
    assert add_row(client, cert_id, origin_criterion="RVC", criterion_aux="45%", amount="5000", currency="USD",
                   origin_country="JP").status_code == 302
    response = declare(client, cert_id)
    assert response.status_code == 302, problems_of(response.get_data(as_text=True))
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert cert.cert_no.startswith("RC26")
        payload = parse_declaration(db.session.scalar(sa.select(OutboxMessage.payload)).encode())["certificate"]
    assert [(i["origin_criterion"], i["origin_country"]) for i in payload["items"]] == [("CTC", "CN"), ("RVC", "JP")]


def test_rcep_refuses_acu_alone_rvc_without_fob_and_a_missing_country_of_origin(client, cast, log_in):
    log_in("clerk_a")
    cert_id = rcep(client)
    add_row(client, cert_id, origin_criterion="ACU")
    add_row(client, cert_id, origin_criterion="RVC", criterion_aux="45%", amount="")
    add_row(client, cert_id, criterion_extra="CTC")
    listed = problems_of(declare(client, cert_id).get_data(as_text=True))
    assert "第 1 项：ACU 只能与其他原产地标准同时使用" in listed
    assert "第 2 项：金额（FOB）：原产地标准为 RVC 时须填写该项货物的 FOB 金额" in listed
    assert "第 3 项：附加标准只能是 ACU（累积）或 DMI（微小含量）" in listed


def test_rcep_takes_ctc_with_acu(client, cast, log_in):
    log_in("clerk_a")
    cert_id = rcep(client)
    assert add_row(client, cert_id, criterion_extra="ACU").status_code == 302
    assert declare(client, cert_id).status_code == 302


def test_a_back_to_back_rcep_certificate_names_its_original(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = rcep(client, back_to_back="1")
    add_row(client, cert_id)
    listed = problems_of(declare(client, cert_id, back_to_back="1").get_data(as_text=True))
    for label in ("原始证书编号", "原始证书签发日期", "原始证书签发方"):
        assert f"背对背证书须填写{label}" in listed
    china = problems_of(declare(client, cert_id, back_to_back="1", btb_cert_no="E2026VN0001", btb_cert_date="2026-11-10",
                                btb_party="CN").get_data(as_text=True))
    assert "不能是中国" in china
    india = problems_of(declare(client, cert_id, back_to_back="1", btb_cert_no="E2026VN0001",
                                btb_cert_date="2026-11-10", btb_party="IN").get_data(as_text=True))
    assert "不是" in india
    ok = declare(client, cert_id, back_to_back="1", btb_cert_no="E2026VN0001", btb_cert_date="2026-11-10",
                 btb_party="VN", btb_origin="VN")
    assert ok.status_code == 302, problems_of(ok.get_data(as_text=True))
    with app.app_context():
        payload = parse_declaration(db.session.scalar(sa.select(OutboxMessage.payload)).encode())["certificate"]
    assert payload["back_to_back"] and payload["btb_cert_no"] == "E2026VN0001" and payload["btb_party"] == "VN"


def test_an_rcep_certificate_is_issued_retroactively_within_the_window_and_refused_beyond(app, client, cast, log_in):
    from app.certificates.agreements import issued_retroactively

    log_in("clerk_a")
    cert_id = rcep(client)
    add_row(client, cert_id)
    late = declare(client, cert_id, departure_date="2025-10-01")
    assert "已超过RCEP原产地证书可补发的期限" in problems_of(late.get_data(as_text=True))
    ok = declare(client, cert_id, departure_date="2026-11-02")
    assert ok.status_code == 302
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert issued_retroactively(cert.departure_date, cert.application_date)


# ---------------------------------------------------------------- 申请人承诺
def test_declare_without_the_undertaking_is_refused_beside_it_and_the_draft_kept(app, client, cast, log_in,
                                                                                 make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    url = f"/certificates/{cert_id}"
    response = client.post(url, data={**page_form(client, url), **basic_for("DE"), "action": "declare",
                                      "remarks": "KEPT AS TYPED"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    box = html.split(f'id="field-c{cert_id}-undertaking"')[1].split("</div>")[0]
    assert 'aria-invalid="true"' in box and "海关总署令第270号" in box and "autofocus" in box
    assert "申请人承诺" in problems_of(html)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert cert.status.value == "draft" and cert.remarks == "KEPT AS TYPED" and cert.undertaking_at is None


def test_the_undertaking_is_recorded_and_carried_in_the_message(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    url = f"/certificates/{cert_id}"
    assert client.post(url, data={**page_form(client, url), **basic_for("DE"), "action": "declare",
                                  "undertaking": "y"}).status_code == 302
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        payload = parse_declaration(db.session.scalar(sa.select(OutboxMessage.payload)).encode())["certificate"]
        assert cert.undertaking_text.startswith("本申请人郑重承诺") and cert.undertaking_at
    assert payload["undertaking_text"] == cert.undertaking_text and payload["undertaking_at"].endswith("Z")


# ---------------------------------------------------------------- GSP to Japan, kept for old certificates
def test_an_old_gsp_certificate_to_japan_still_opens_with_its_materials_and_prints(app, client, cast, log_in,
                                                                                    make_certificate):
    cert_id = make_certificate(items=1, cert_type="G", materials=1, destination_country="JP",
                               application_date="2019-03-01")
    log_in("clerk_a")
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    tab = page.split(f'id="c{cert_id}-materials-tab"')[1].split(">")[0]
    assert "hidden" not in tab and "POLYPROPYLENE RESIN" in page
    response = client.get(f"/certificates/{cert_id}/print.pdf?kind=certificate&format=standard")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


# ---------------------------------------------------------------- 原产地声明 by an approved exporter
def approve(app, cast, approval_no="CH3100AE01", agreements=("S", "RCEP"), valid_from="2026-01-01",
            valid_until="2027-12-31"):
    from datetime import date

    from app.accounts.approved_exporters import add
    from app.accounts.models import Enterprise, User

    with app.app_context():
        add(db.session.get(Enterprise, cast.ent_a), approval_no=approval_no, agreements=list(agreements),
            valid_from=date.fromisoformat(valid_from), valid_until=date.fromisoformat(valid_until),
            actor=db.session.get(User, cast.admin_a))
        db.session.commit()


def declaration(client, code="VS", destination="CH", **changes):
    url = f"/certificates/new/{code}"
    data = {**page_form(client, url), **basic_for(destination), "action": "save", **changes}
    response = client.post(url, data=data)
    assert response.status_code == 302, problems_of(response.get_data(as_text=True))
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_declaration_needs_an_approval_of_the_enterprise_for_the_agreement(app, client, cast, log_in):
    log_in("clerk_a")
    html = offers_page(client, destination="CH", on="2026-12-01")
    assert offered(html, "S") and not offered(html, "VS")
    assert "尚未登记经核准出口商资质" in refused_reason(html, "VS")
    approve(app, cast, agreements=("RCEP",))
    html = offers_page(client, destination="CH", on="2026-12-01")
    assert "不适用于中国-瑞士自由贸易协定" in refused_reason(html, "VS")


def test_a_swiss_declaration_gets_its_23_character_serial_at_declare_and_is_listed(app, client, cast, log_in):
    approve(app, cast)
    log_in("clerk_a")
    assert offered(offers_page(client, destination="CH", on="2026-12-01"), "VS")
    cert_id = declaration(client)
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    assert client.post(f"/certificates/{cert_id}/goods", data={"csrf_token": token, **GOODS_ROW,
                                                               "origin_criterion": "WO"}).status_code == 302
    url = f"/certificates/{cert_id}"
    response = client.post(url, data={**page_form(client, url), **basic_for("CH"), "action": "declare",
                                      "undertaking": "y"})
    assert response.status_code == 302, problems_of(response.get_data(as_text=True))
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        payload = parse_declaration(db.session.scalar(sa.select(OutboxMessage.payload)).encode())["certificate"]
    assert cert.declaration_no == "CH3100AE01" + "20261118" + "00001" and len(cert.declaration_no) == 23
    assert payload["declaration_no"] == cert.declaration_no and payload["cert_type"] == "VS"
    listed = client.get("/certificates", query_string={"cert_type": "VS"}).get_data(as_text=True)
    assert "中国-瑞士自贸区原产地声明" in listed and cert.declaration_no in listed


def test_a_declaration_outside_the_approval_validity_is_refused_at_declare(app, client, cast, log_in):
    approve(app, cast, valid_until="2026-11-19")
    log_in("clerk_a")
    cert_id = declaration(client, application_date="2026-11-19")
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    client.post(f"/certificates/{cert_id}/goods", data={"csrf_token": token, **GOODS_ROW, "origin_criterion": "WO"})
    url = f"/certificates/{cert_id}"
    response = client.post(url, data={**page_form(client, url), **basic_for("CH"), "action": "declare",
                                      "undertaking": "y"})
    assert response.status_code == 422 and "不在本企业" in problems_of(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Certificate, cert_id).declaration_no is None


def test_the_criteria_of_a_newer_fta_say_plainly_that_they_are_unverified_and_whom_to_ask(client, cast, log_in):
    log_in("clerk_a")
    html = client.get("/lookup/origin_criterion/search", query_string={"category": "GE"}).get_data(as_text=True)
    assert 'id="criteria-unverified"' in html and "签证机构" in html and "参数表" in html
    assert html.count("待核实：请向签证机构确认") == 3  # WO, WP, PSR
    verified = client.get("/lookup/origin_criterion/search", query_string={"category": "RCEP"}).get_data(as_text=True)
    assert 'id="criteria-unverified"' not in verified and "CTC" in verified


# ---------------------------------------------------------------- every type, old and new, through automatic review
@pytest.mark.parametrize("code", sorted(__import__("app.certificates.types", fromlist=["TYPES"]).TYPES))
def test_every_type_is_declared_and_issued_by_automatic_review(code, app, client, cast, log_in):
    from app.certificates.states import Status
    from app.certificates.types import TYPES
    from app.exchange import outbox, polling
    from tests.http.test_certificate_types import add_row as add_goods, create, declare as declare_type, valid_row

    ctype = TYPES[code]
    if ctype.is_declaration:
        approve(app, cast, agreements=(ctype.agreement,))
    log_in("clerk_a")
    cert_id = create(client, code)
    assert add_goods(client, cert_id, valid_row(app, code)).status_code == 302
    response = declare_type(client, cert_id, code)
    assert response.status_code == 302, problems_of(response.get_data(as_text=True))
    with app.app_context():
        outbox.send_due()
        polling.poll_all()
        cert = db.session.get(Certificate, cert_id)
        assert cert.status == Status.ISSUED, (code, cert.status)
        assert cert.cert_no.startswith(code) and bool(cert.declaration_no) is ctype.is_declaration
        assert cert.undertaking_text and cert.undertaking_at  # 申请人承诺 recorded with the declaration


def test_the_option_list_says_what_unverified_means_and_whom_to_ask(client, cast, log_in):
    # issue 18: a clerk picking from the ▼ list saw "（待核实）" and nothing more
    log_in("clerk_a")
    html = client.get("/lookup/origin_criterion", query_string={"category": "GE", "q": ""}).get_data(as_text=True)
    plain = "待核实＝此项尚未与协定文本核对，申报前请向签证机构（海关或贸促会）确认"
    assert html.count(plain) == 3  # WO, WP, PSR of the Georgia FTA, each with the sentence
    verified = client.get("/lookup/origin_criterion", query_string={"category": "RCEP", "q": ""}).get_data(as_text=True)
    assert "CTC" in verified and plain not in verified


def test_an_unverified_criterion_chosen_stays_chosen_when_the_page_comes_back(app, client, cast, log_in):
    # found by the no-JS Swiss declaration test: 生成 brought the page back with the unverified WO no longer selected
    from app.refdata import search

    with app.app_context():
        html = search.options_html("origin_criterion", "GE", "WO")
    assert re.search(r'<option value="WO"[^>]*data-unverified=', html)
    chosen = re.findall(r'<option value="([^"]+)"[^>]*\bselected\b', html)
    assert chosen == ["WO"], chosen
