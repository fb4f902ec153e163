"""All 20 certificate types (manual 1.1–1.20) from the one registry, and each special rule of the manual."""

import re

import pytest
import sqlalchemy as sa

from app.certificates.models import Certificate
from app.certificates.types import TYPES
from app.exchange.models import OutboxMessage
from app.exchange.messages import parse_declaration
from app.extensions import db
from app.refdata import search
from tests.support import GENERAL_BASIC, GOODS_ROW, basic_for, MATERIAL_ROW, page_form, problems as problems_of


def valid_basic(code, destination=None):
    t = TYPES[code]
    # GSP goes only to the donors that still give China GSP (Norway, New Zealand, Australia); APTA to its members.
    data = basic_for(destination or (t.destinations[0] if t.destinations else {"G": "NO", "B": "IN"}.get(code, "DE")))
    if code == "H":
        data.update(exporter_phone="021-12345678", exporter_fax="021-12345679", exporter_email="ex@jia.example",
                    importer_phone="02-2345-6789", export_declaration_date="2026-11-19",
                    exporter_name="甲进出口有限公司", importer_name="台湾乙公司")
    if code in ("Z", "J"):
        data["origin_country"] = "VN"
    return data


def valid_row(app, code):
    t = TYPES[code]
    row = dict(GOODS_ROW)
    if t.agreement:
        with app.app_context():
            first, _ = search.options("origin_criterion", t.agreement)[0]
            info = search.get("origin_criterion", first, t.agreement).attrs
        row["origin_criterion"] = first
        if info.get("needs_value"):
            row["criterion_aux"] = "45%"
    if code == "H":
        row["importing_hs"] = "96032100"
    if "origin_country" in t.goods_fields:
        row["origin_country"] = "CN"
    if t.end_marker:
        row["description"] += " " + t.end_marker
    return row


def create(client, code, **changes):
    url = f"/certificates/new/{code}"
    data = {**page_form(client, url), **valid_basic(code, changes.get("destination_country")), "action": "save",
            **changes}
    response = client.post(url, data={k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def add_row(client, cert_id, row):
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    return client.post(f"/certificates/{cert_id}/goods", data={"csrf_token": token, **row})


def declare(client, cert_id, code, **changes):
    url = f"/certificates/{cert_id}"
    return client.post(url, data={**page_form(client, url), **valid_basic(code, changes.get("destination_country")),
                                  "action": "declare", "undertaking": "y", **changes})


def problems(response):
    return problems_of(response.get_data(as_text=True))


def test_the_registry_holds_every_type_of_the_manual():
    manual = [t for t in TYPES.values() if t.section.startswith("1.")]
    names = {t.name for t in manual}
    assert len(manual) == 20
    assert {"一般原产地证", "普惠制原产地证", "中国-韩国自贸区原产地证", "中国-东盟自贸区原产地证", "中国-亚太自贸区原产地证",
            "中国-智利贸易区原产地证", "中国-巴基斯坦贸易区原产地证", "中国-秘鲁贸易区原产地证", "海峡两岸原产地证",
            "中国-澳大利亚自贸区原产地证", "中国-哥斯达黎加自贸区原产地证", "中国-新加坡贸易区原产地证",
            "中国-新西兰贸易区原产地证", "中国-冰岛自贸区原产地证", "中国-瑞士自贸区原产地证", "中国-欧盟蘑菇罐头原产地证",
            "各国烟草真实性证书", "转口证明书", "加工装配证书", "价格承诺原产地证书"} == names


# Every type is created, filled, declared and issued by automatic review in tests/http/test_agreements.py.


@pytest.mark.parametrize("code", [c for c, t in TYPES.items() if t.has_criteria])
def test_fta_goods_need_an_origin_criterion_of_their_agreement(code, app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, code)
    add_row(client, cert_id, {**valid_row(app, code), "origin_criterion": ""})
    assert "请填写原产地标准" in problems(declare(client, cert_id, code))
    refused = add_row(client, cert_id, {**valid_row(app, code), "origin_criterion": "NOT-A-CRITERION"})
    assert refused.status_code == 422 and "请从原产地标准中选择" in refused.get_data(as_text=True)


def test_a_non_goods_row_needs_no_criterion(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "K")
    add_row(client, cert_id, valid_row(app, "K"))
    add_row(client, cert_id, {"non_goods": "y", "description": "*** LAST LINE ***"})
    assert declare(client, cert_id, "K").status_code == 302


def test_korea_locks_the_destination(app, client, cast, log_in):
    log_in("clerk_a")
    html = client.get("/certificates/new/K").get_data(as_text=True)
    assert 'value="KR 韩国" readonly' in html
    cert_id = create(client, "K", destination_country="JP")  # whatever is posted
    with app.app_context():
        assert db.session.get(Certificate, cert_id).destination_country == "KR"


def test_the_producer_description_is_english_only(client, cast, log_in):
    log_in("clerk_a")
    url = "/certificates/new/K"
    response = client.post(url, data={**page_form(client, url), **valid_basic("K"), "action": "save",
                                      "producer_description": "杭州某工厂生产"})
    assert response.status_code == 422 and "生产商描述须用英文填写" in response.get_data(as_text=True)


def test_a_confidential_producer_still_needs_its_description(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "K", producer_confidential="y")
    add_row(client, cert_id, valid_row(app, "K"))
    assert "勾选生产商保密时仍须填写生产商描述" in problems(declare(client, cert_id, "K", producer_confidential="y"))
    response = declare(client, cert_id, "K", producer_confidential="y", producer_description="HANGZHOU BRUSH FACTORY")
    assert response.status_code == 302
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert cert.producer_confidential and cert.producer_description == "HANGZHOU BRUSH FACTORY"


def test_korea_and_peru_ask_for_six_digit_hs_codes(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "K")
    add_row(client, cert_id, {**valid_row(app, "K"), "hs_code": "9603"})
    assert "须填写至少 6 位 HS 编码" in problems(declare(client, cert_id, "K"))
    cert_id = create(client, "C")
    add_row(client, cert_id, {**GOODS_ROW, "hs_code": "9603"})
    assert declare(client, cert_id, "C").status_code == 302  # the general certificate takes a heading


def test_asean_destinations_are_the_ten_members(app, client, cast, log_in):
    log_in("clerk_a")
    page = client.get("/certificates/new/E").get_data(as_text=True)
    select = page.split('id="new-E-destination_country"')[1].split("</select>")[0]
    offered = set(re.findall(r'<option value="([A-Z]{2})"', select))
    assert offered == set(TYPES["E"].destinations) and "JP" not in offered  # only the members are offered
    url = "/certificates/new/E"
    refused = client.post(url, data={**page_form(client, url), **valid_basic("E"), "destination_country": "JP",
                                     "action": "save"})
    field = refused.get_data(as_text=True).split('id="field-new-E-destination_country"')[1].split("</div>")[0]
    assert refused.status_code == 422 and "目的地只能是：文莱、柬埔寨" in field and "不能是日本" in field
    cert_id = create(client, "E", destination_country="VN")
    add_row(client, cert_id, valid_row(app, "E"))
    assert declare(client, cert_id, "E", destination_country="VN").status_code == 302


def test_an_asean_exhibition_certificate_needs_the_exhibition(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "E")
    add_row(client, cert_id, valid_row(app, "E"))
    assert "展览证书须填写展览名称及地址" in problems(declare(client, cert_id, "E", exhibition="y"))
    ok = declare(client, cert_id, "E", exhibition="y", exhibition_info="THAIFEX 2026, IMPACT, BANGKOK, THAILAND")
    assert ok.status_code == 302
    with app.app_context():
        payload = parse_declaration(db.session.scalar(sa.select(OutboxMessage.payload)).encode())["certificate"]
        assert payload["exhibition"] is True and payload["exhibition_info"].startswith("THAIFEX")


def test_third_party_invoicing_guides_and_checks_each_place(app, client, cast, log_in):
    log_in("clerk_a")
    page = client.get("/certificates/new/E").get_data(as_text=True)
    guide = page.split('id="guide-new-E-third_party_invoice"')[1].split("</div>")[0]
    assert " hidden" in guide.split(">")[0]  # shown once 是 is chosen
    for step in ("原发票号和发票日期填写到申请书“申请书备注”中", "第三方发票号填写到证书的“发票号”中",
                 "第三方发票日期填写到“发票日期”中", "第三方发票公司名称和所在国家或地区填写到证书的“特殊条款”中"):
        assert step in guide
    assert '<option selected value="0">否</option><option value="1">是</option>' in page.replace("\n", "")
    cert_id = create(client, "E")
    add_row(client, cert_id, valid_row(app, "E"))
    found = problems(declare(client, cert_id, "E", third_party_invoice="y"))
    assert "请在申请书备注中填写原发票号和发票日期" in found
    assert "请在特殊条款中填写第三方发票公司名称及所在国家或地区" in found
    assert declare(client, cert_id, "E", third_party_invoice="1", application_remarks="ORIGINAL INVOICE JT-001 2026-11-10",
                   special_terms="THIRD PARTY INVOICE ISSUED BY ABC PTE LTD, SINGAPORE").status_code == 302
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "THIRD PARTY INVOICE ISSUED BY ABC PTE LTD" in page and '<th scope="row">是否第三方发票</th><td class="">是</td>' in page


def test_asean_and_singapore_goods_need_the_fob_value(app, client, cast, log_in):
    log_in("clerk_a")
    for code in ("E", "X"):
        cert_id = create(client, code)
        add_row(client, cert_id, {**valid_row(app, code), "amount": "", "currency": ""})
        found = problems(declare(client, cert_id, code))
        assert "请填写金额（FOB）" in found and "请填写币制" in found


def test_ecfa_requires_contacts_dates_and_the_importing_side_code(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "H", exporter_phone="", importer_phone="", export_declaration_date="")
    add_row(client, cert_id, {**valid_row(app, "H"), "importing_hs": "960321"})
    found = problems(declare(client, cert_id, "H", exporter_phone="", importer_phone="", export_declaration_date=""))
    for message in ("请填写出口商电话", "请填写进口商电话", "请填写出口报关日期", "进口方HS编码应为 8 位数字"):
        assert message in found
    # the ECFA certificate is filled in Chinese: Chinese names are fine
    assert "须用英文填写" not in found


def test_mushroom_and_tobacco_goods_need_weights(app, client, cast, log_in):
    log_in("clerk_a")
    for code in ("M", "T"):
        cert_id = create(client, code)
        add_row(client, cert_id, {**valid_row(app, code), "gross_weight": "", "net_weight": "", "weight_unit": ""})
        found = problems(declare(client, cert_id, code))
        for label in ("毛重", "净重", "重量单位"):
            assert f"请填写{label}" in found


@pytest.mark.parametrize("code", ["Z", "J"])
def test_re_export_and_processing_need_the_country_of_origin(code, app, client, cast, log_in):
    log_in("clerk_a")
    page = client.get(f"/certificates/new/{code}").get_data(as_text=True)
    assert f'id="new-{code}-origin_country"' in page and f'data-lookup-dialog-for="new-{code}-origin_country"' in page
    cert_id = create(client, code, origin_country="")
    add_row(client, cert_id, valid_row(app, code))
    assert "请填写原产国" in problems(declare(client, cert_id, code, origin_country=""))
    assert declare(client, cert_id, code, origin_country="越南").status_code == 302


def test_chile_and_switzerland_descriptions_end_with_the_marker(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "F")
    add_row(client, cert_id, {**valid_row(app, "F"), "description": GOODS_ROW["description"]})
    assert "最后一项货物描述须以 *** 结尾" in problems(declare(client, cert_id, "F"))


def test_korea_has_no_item_cap_and_asean_has_twenty(app, client, cast, log_in):
    from werkzeug.datastructures import MultiDict

    from app.certificates import services
    from app.certificates.entry_forms import goods_form_class

    log_in("clerk_a")
    for code, expect_cap in (("K", False), ("E", True)):
        cert_id = create(client, code)
        row = valid_row(app, code)
        # one request context (one session, one transaction): 21 rows straight through the service
        with app.test_request_context("/", method="POST", data=MultiDict(row)):
            form = goods_form_class(TYPES[code])(meta={"csrf": False})
            assert form.validate(), form.errors
            cert = db.session.get(Certificate, cert_id)
            for _ in range(21):
                services.add_item(cert, form.data)
            db.session.commit()
        found = problems(declare(client, cert_id, code))
        assert ("最多 20 项货物" in found) is expect_cap


# ---------------------------------------------------------------- 普惠制 to Japan: 日本进料信息 and `W`
MATERIAL = MATERIAL_ROW


def add_material(client, cert_id, row, headers=None):
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    return client.post(f"/certificates/{cert_id}/materials", data={"csrf_token": token, **row}, headers=headers or {})


def materials_of(app, cert_id):
    with app.app_context():
        return [(m.position, m.description) for m in db.session.get(Certificate, cert_id).materials]


def test_gsp_to_japan_offers_the_japan_materials_tab(japan_gsp, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "G", destination_country="JP")
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    tab = page.split(f'id="c{cert_id}-materials-tab"')[1].split(">")[0]
    assert "hidden" not in tab and f'id="c{cert_id}-mnew-editor"' in page
    other = create(client, "G", destination_country="AU")
    tab = client.get(f"/certificates/{other}").get_data(as_text=True).split(f'id="c{other}-materials-tab"')[1].split(">")[0]
    assert "hidden" in tab
    general = create(client, 'C')
    assert "materials-tab" not in client.get(f"/certificates/{general}").get_data(as_text=True)


def test_japan_materials_are_added_edited_moved_and_deleted(japan_gsp, app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "G", destination_country="JP")
    assert add_material(client, cert_id, MATERIAL).status_code == 302
    response = add_material(client, cert_id, {**MATERIAL, "description": "STEEL WIRE", "hs_code": "7217"},
                            headers={"HX-Request": "true", "HX-Target": f"c{cert_id}-materials-rows"})
    assert response.status_code == 200 and "STEEL WIRE" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)  # only the section is swapped
    assert materials_of(app, cert_id) == [(1, "POLYPROPYLENE RESIN"), (2, "STEEL WIRE")]
    with app.app_context():
        first, second = db.session.get(Certificate, cert_id).materials
        first_id, second_id, version = first.id, second.id, first.version
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    client.post(f"/certificates/{cert_id}/materials/{second_id}/action", data={"csrf_token": token, "op": "up"})
    assert materials_of(app, cert_id) == [(1, "STEEL WIRE"), (2, "POLYPROPYLENE RESIN")]
    with app.app_context():
        version = db.session.get(Certificate, cert_id).materials[1].version
    edit = client.get(f"/certificates/{cert_id}/materials/{first_id}/edit").get_data(as_text=True)
    assert "编辑第 2 项日本进料" in edit and "POLYPROPYLENE RESIN" in edit
    client.post(f"/certificates/{cert_id}/materials/{first_id}",
                data={"csrf_token": token, **MATERIAL, "description": "PP RESIN", "version": version})
    assert materials_of(app, cert_id) == [(1, "STEEL WIRE"), (2, "PP RESIN")]
    asked = client.post(f"/certificates/{cert_id}/materials/{second_id}/action", data={"csrf_token": token, "op": "delete"})
    assert asked.status_code == 200 and "确认删除" in asked.get_data(as_text=True)  # without JS: asked on a page first
    assert len(materials_of(app, cert_id)) == 2
    client.post(f"/certificates/{cert_id}/materials/{second_id}/action",
                data={"csrf_token": token, "op": "delete", "confirmed": "1"})
    assert materials_of(app, cert_id) == [(1, "PP RESIN")]


def test_a_bad_material_is_refused_beside_the_field_and_kept(japan_gsp, app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "G", destination_country="JP")
    response = add_material(client, cert_id, {**MATERIAL, "quantity": "abc"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="c{cert_id}-mnew-quantity-msg">请填写数字' in html
    assert "POLYPROPYLENE RESIN" in html
    assert materials_of(app, cert_id) == []


def test_an_incomplete_material_is_kept_as_a_draft_and_stops_the_declaration(japan_gsp, app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "G", destination_country="JP")
    add_row(client, cert_id, valid_row(app, "G"))
    assert add_material(client, cert_id, {**MATERIAL, "value": ""}).status_code == 302
    assert "日本进料第 1 项：请填写价值" in problems(declare(client, cert_id, "G", destination_country="JP"))


def test_a_stale_material_edit_is_refused_and_kept(japan_gsp, app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "G", destination_country="JP")
    add_material(client, cert_id, MATERIAL)
    with app.app_context():
        row = db.session.get(Certificate, cert_id).materials[0]
        row_id, version = row.id, row.version
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    url = f"/certificates/{cert_id}/materials/{row_id}"
    client.post(url, data={"csrf_token": token, **MATERIAL, "description": "FIRST EDIT", "version": version})
    response = client.post(url, data={"csrf_token": token, **MATERIAL, "description": "SECOND EDIT", "version": version})
    assert response.status_code == 409 and "SECOND EDIT" in response.get_data(as_text=True)
    assert materials_of(app, cert_id) == [(1, "FIRST EDIT")]


def test_leaving_japan_hides_the_materials_keeps_them_and_warns(japan_gsp, app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "G", destination_country="JP")
    add_material(client, cert_id, MATERIAL)
    url = f"/certificates/{cert_id}"
    client.post(url, data={**page_form(client, url), **valid_basic("G"), "destination_country": "AU",
                           "action": "save"})
    page = client.get(url).get_data(as_text=True)
    warning = page.split(f'id="c{cert_id}-materials-hidden-warning"')[1].split("</p>")[0]
    assert "hidden" not in warning.split(">")[0] and '<span class="materials-count">1</span> 项日本进料信息已隐藏' in warning
    assert materials_of(app, cert_id) == [(1, "POLYPROPYLENE RESIN")]
    # declared to Germany, the materials are not part of the message
    add_row(client, cert_id, valid_row(app, "G"))
    assert declare(client, cert_id, "G", destination_country="AU").status_code == 302
    with app.app_context():
        assert "japan_materials" not in parse_declaration(db.session.scalar(sa.select(OutboxMessage.payload)).encode())["certificate"]


def test_japan_materials_travel_with_the_declaration_and_are_checked(japan_gsp, app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "G", destination_country="JP")
    add_row(client, cert_id, valid_row(app, "G"))
    add_material(client, cert_id, {**MATERIAL, "hs_code": "0000"})
    assert "日本进料第 1 项" in problems(declare(client, cert_id, "G", destination_country="JP"))
    with app.app_context():
        row = db.session.get(Certificate, cert_id).materials[0]
        row_id, version = row.id, row.version
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    client.post(f"/certificates/{cert_id}/materials/{row_id}", data={"csrf_token": token, **MATERIAL, "version": version})
    assert declare(client, cert_id, "G", destination_country="JP").status_code == 302
    with app.app_context():
        payload = parse_declaration(db.session.scalar(sa.select(OutboxMessage.payload)).encode())["certificate"]
    assert [m["description"] for m in payload["japan_materials"]] == ["POLYPROPYLENE RESIN"]
    view = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert f'id="c{cert_id}-materials-table"' in view and "POLYPROPYLENE RESIN" in view


def test_materials_belong_to_gsp_certificates_only(client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "C")
    assert add_material(client, cert_id, MATERIAL).status_code == 404


def test_criterion_w_fills_the_auxiliary_item_from_the_hs_heading(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "G", destination_country="AU")
    add_row(client, cert_id, {**valid_row(app, "G"), "origin_criterion": "W", "hs_code": "9603210000",
                              "criterion_aux": "typed by hand"})
    with app.app_context():
        item = db.session.get(Certificate, cert_id).items[0]
        assert item.criterion_aux == "96.03"
        item_id, version = item.id, item.version
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    client.post(f"/certificates/{cert_id}/goods/{item_id}",
                data={"csrf_token": token, **valid_row(app, "G"), "origin_criterion": "W", "hs_code": "3924100000",
                      "version": version, "action": "save"})
    with app.app_context():
        assert db.session.get(Certificate, cert_id).items[0].criterion_aux == "39.24"
    page = client.get(f"/certificates/{cert_id}/goods/{item_id}/edit").get_data(as_text=True)
    aux_id = f'id="c{cert_id}-r{item_id}-criterion_aux"'
    aux = page.split(aux_id)[0].rsplit("<input", 1)[1] + page.split(aux_id)[1].split(">")[0]
    assert "readonly" in aux and 'value="39.24"' in aux


def test_the_criterion_detail_explains_the_chosen_code(client, cast, log_in):
    log_in("clerk_a")
    html = client.get("/lookup/origin_criterion/detail?code=W&category=G").get_data(as_text=True)
    assert "HS 四位品目号" in html
    page = client.get(f"/certificates/{create(client, 'K')}").get_data(as_text=True)
    assert "标准详情" in page and 'data-category="K"' in page


def test_a_confidential_producer_prints_available_upon_request(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "K", producer_confidential="y", producer_description="HANGZHOU BRUSH FACTORY")
    add_row(client, cert_id, valid_row(app, "K"))
    assert declare(client, cert_id, "K", producer_confidential="y",
                   producer_description="HANGZHOU BRUSH FACTORY").status_code == 302
    boxes = client.get(f"/certificates/{cert_id}").get_data(as_text=True).split(f'id="c{cert_id}-boxes-view"')[1].split("</table>")[0]
    assert "AVAILABLE UPON REQUEST" in boxes and "HANGZHOU BRUSH FACTORY" not in boxes


def test_ecfa_describes_goods_in_chinese(app, client, cast, log_in):
    log_in("clerk_a")
    cert_id = create(client, "H")
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "以中文填制、以中文打印" in page
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    html = client.post(f"/certificates/{cert_id}/goods",
                       data={"csrf_token": token, **valid_row(app, "H"), "action": "describe"}).get_data(as_text=True)
    assert f"{GOODS_ROW['name_cn']} {GOODS_ROW['package_count']} " in html
