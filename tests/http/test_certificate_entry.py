"""新建证书 and 基本信息: numbering, 暂存, validation beside the field, editing, optimistic locking, 生成."""
import re
from datetime import date

import sqlalchemy as sa

from app.certificates.initial_values import get_or_new
from app.certificates.models import Certificate
from app.extensions import db
from app.timeutil import local_today
from tests.support import problems, GENERAL_BASIC, HTMX, page_form

NEW = "/certificates/new/C"


def _year():
    return f"{local_today('Asia/Shanghai').year % 100:02d}"


def _save_new(client, **changes):
    data = {**page_form(client, NEW), **GENERAL_BASIC, "action": "save", **changes}
    return client.post(NEW, data={k: v for k, v in data.items() if v is not None})


def _numbers(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Certificate.cert_no).order_by(Certificate.id)))


def test_the_type_page_offers_the_registry(client, cast, log_in):
    log_in("clerk_a")
    html = client.get("/certificates/new").get_data(as_text=True)
    assert 'href="/certificates/new/C"' in html and "一般原产地证" in html
    for name in ("普惠制原产地证", "中国-韩国自贸区原产地证", "转口证明书", "价格承诺原产地证书"):
        assert name in html


def test_a_new_form_shows_the_grey_header_and_starts_from_the_initial_values(app, client, cast, log_in):
    with app.app_context():
        row = get_or_new(cast.ent_a)
        row.exporter_name, row.issuing_authority, row.port_of_loading = "JIA TRADING CO., LTD.", "2200", "CNSHA"
        db.session.add(row)
        db.session.commit()
    log_in("clerk_a")
    html = client.get(NEW).get_data(as_text=True)
    assert 'value="310000001" readonly' in html and 'value="91350100M000100Y43" readonly' in html
    assert 'value="甲进出口有限公司" readonly' in html
    assert 'value="JIA TRADING CO., LTD."' in html and 'value="CNSHA 上海"' in html
    assert f'value="{local_today("Asia/Shanghai"):%Y-%m-%d}"' in html  # 申请日期 today
    assert "请先填写基本信息并点击“暂存”" in html  # goods wait for the first save


def test_the_first_save_allocates_the_number(app, client, cast, log_in):
    log_in("clerk_a")
    first = _save_new(client)
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert f"已暂存，证书号 C{_year()}3100000010001" in page
    second = _save_new(client)
    assert first.status_code == second.status_code == 302
    assert _numbers(app) == [f"C{_year()}3100000010001", f"C{_year()}3100000010002"]


def test_the_serial_starts_with_the_custom_prefix(app, client, cast, log_in):
    with app.app_context():
        row = get_or_new(cast.ent_a)
        row.serial_prefix = "ab"
        db.session.add(row)
        db.session.commit()
    log_in("clerk_a")
    _save_new(client)
    _save_new(client)
    assert _numbers(app) == [f"C{_year()}310000001AB01", f"C{_year()}310000001AB02"]


def test_a_draft_may_be_saved_incomplete(app, client, cast, log_in):
    log_in("clerk_a")
    response = _save_new(client, importer_name="", invoice_no="", marks="")
    assert response.status_code == 302 and len(_numbers(app)) == 1


def test_bad_values_are_refused_beside_each_field_and_kept(app, client, cast, log_in):
    log_in("clerk_a")
    response = _save_new(client, invoice_date="2026-13-45", exporter_email="not-an-email",
                         exporter_name="甲贸易公司", destination_country="ATLANTIS", collecting_authority="5300")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field, message in [("invoice_date", "日期格式应为 YYYY-MM-DD"), ("exporter_email", "邮箱格式不正确"),
                           ("exporter_name", "须用英文填写"), ("destination_country", "请从国家/地区中选择"),
                           ("collecting_authority", "签证机构和领证机构必须一致")]:
        marked = html.split(f'id="field-new-C-{field}"')[1].split('<div class="field')[0]
        assert message in marked and 'aria-invalid="true"' in marked, field
        assert f'aria-describedby="new-C-{field}-msg"' in marked and f'id="new-C-{field}-msg"' in marked, field
    # the summary at the top lists every one of them, linked to its field
    summary = problems(html)
    assert all(f'href="#field-new-C-{field}"' in summary for field in ("invoice_date", "exporter_email"))
    assert html.count(" autofocus") == 1  # the keyboard lands on the first bad field
    assert 'value="2026-13-45"' in html and 'value="甲贸易公司"' in html and 'value="ATLANTIS"' in html
    assert _numbers(app) == []


def test_the_number_can_be_edited_but_stays_unique(app, client, cast, log_in, make_certificate):
    other = make_certificate()
    log_in("clerk_a")
    response = _save_new(client)
    url = response.headers["Location"]
    taken = _numbers(app)[0]
    clash = client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "cert_no": taken, "action": "save"})
    assert clash.status_code == 422 and f"证书号 {taken} 已被使用" in clash.get_data(as_text=True)
    ok = client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "cert_no": "c2631000000199 99",
                                "action": "save"})
    assert ok.status_code == 302 and "C26310000001999" + "9" in _numbers(app)
    assert other


def test_a_save_from_a_stale_page_is_refused_and_keeps_the_input(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate()
    url = f"/certificates/{cert_id}"
    log_in("clerk_a")
    stale = page_form(client, url)
    client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "importer_name": "FIRST TAB", "action": "save"})
    response = client.post(url, data={**stale, **GENERAL_BASIC, "importer_name": "SECOND TAB", "action": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已被他人修改" in html and 'value="SECOND TAB"' in html
    with app.app_context():
        assert db.session.get(Certificate, cert_id).importer_name == "FIRST TAB"


def test_transport_details_are_generated_without_js(client, cast, log_in):
    log_in("clerk_a")
    response = _save_new(client, action="transport", transport_details="", vessel_voyage="cosco aries v.035e")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA, VESSEL/VOYAGE: COSCO ARIES V.035E" in html


def test_transport_details_are_generated_as_a_fragment_with_htmx(client, cast, log_in):
    log_in("clerk_a")
    data = {**page_form(client, NEW), **GENERAL_BASIC, "cert_type": "C", "port_of_discharge": "NLRTM",
            "transport_mode": "5"}
    response = client.post("/certificates/transport-details", data=data, headers={**HTMX, "HX-Target": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.strip().startswith('<div class="field generated')
    assert "FROM SHANGHAI, CHINA TO ROTTERDAM, NETHERLANDS BY AIR" in html


def test_a_number_counter_never_hands_out_a_number_typed_by_hand(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate()
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        cert.cert_no = f"C{_year()}3100000010002"  # someone typed the next serial by hand
        db.session.commit()
    log_in("clerk_a")
    _save_new(client)
    numbers = _numbers(app)
    assert len(numbers) == len(set(numbers)) == 2 and numbers[1] == f"C{_year()}3100000010003"


def test_the_year_and_registration_number_make_the_number(app, cast):
    from app.accounts.models import Enterprise, User
    from app.certificates import services
    from app.certificates.types import TYPES

    with app.test_request_context("/", method="POST"):
        cert = services.create(db.session.get(Enterprise, cast.ent_b), TYPES["C"], {}, db.session.get(User, cast.clerk_b),
                               date(2031, 1, 2))
        assert re.fullmatch(r"C31310000002000\d", cert.cert_no) and len(cert.cert_no) == 16
        db.session.rollback()
