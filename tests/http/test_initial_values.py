"""初始值设置 (第三章): validation, saving, and what a new certificate starts with."""
import sqlalchemy as sa

from app.certificates.initial_values import initial_values_for
from app.certificates.models import InitialValues
from app.extensions import db
from tests.support import HTMX, csrf_token

GOOD = {"issuing_authority": "2200", "collecting_authority": "2200", "trade_mode": "0110", "serial_prefix": "ab1",
        "exporter_name": "JIA TRADING CO., LTD.", "exporter_address": "NO. 1 ZHONGSHAN ROAD, SHANGHAI, CHINA",
        "exporter_phone": "+86-21-12345678", "exporter_email": "export@jia.example", "transport_mode": "2",
        "port_of_loading": "CNSHA", "marks": "N/M", "currency": "USD", "package_unit": "CTNS", "weight_unit": "KGS",
        "quantity_unit": "PCS"}


def _form(client, **changes):
    page = client.get("/initial-values").get_data(as_text=True)
    version = page.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_token(page), "version": version, **GOOD, **changes}
    return {k: v for k, v in data.items() if v is not None}


def test_it_saves_and_shows_the_values_again(app, client, cast, log_in):
    log_in("clerk_a")
    response = client.post("/initial-values", data=_form(client))
    assert response.status_code == 302
    html = client.get("/initial-values").get_data(as_text=True)
    assert '<option value="2200" selected>2200 上海海关</option>' in html
    assert 'value="CNSHA 上海"' in html and 'value="USD 美元"' in html
    assert 'value="ab1"' in html  # a lower-case prefix is allowed and kept


def test_names_typed_instead_of_codes_are_understood(app, client, cast, log_in):
    log_in("clerk_a")
    client.post("/initial-values", data=_form(client, port_of_loading="宁波", currency="us dollar"))
    with app.app_context():
        row = db.session.get(InitialValues, cast.ent_a)
        assert (row.port_of_loading, row.currency) == ("CNNGB", "USD")


def test_the_authorities_must_be_equal(client, cast, log_in):
    log_in("clerk_a")
    response = client.post("/initial-values", data=_form(client, collecting_authority="5300"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    field = html.split('id="field-collecting_authority"')[1].split('<div class="field')[0]
    assert "签证机构和领证机构必须一致" in field
    assert 'value="JIA TRADING CO., LTD."' in html  # nothing typed is lost


def test_a_prefix_of_four_characters_is_refused(client, cast, log_in):
    log_in("clerk_a")
    response = client.post("/initial-values", data=_form(client, serial_prefix="ABCD"))
    assert response.status_code == 422
    assert "最多 3 位字母或数字" in response.get_data(as_text=True)


def test_a_value_not_in_the_table_is_refused_beside_the_field(client, cast, log_in):
    log_in("clerk_a")
    response = client.post("/initial-values", data=_form(client, port_of_loading="ATLANTIS", trade_mode="9999x"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请从港口中选择" in html and "请从质检原产地证贸易方式代码表中选择" in html
    assert 'value="ATLANTIS"' in html


def test_marks_as_per_invoice_are_refused(client, cast, log_in):
    log_in("clerk_a")
    response = client.post("/initial-values", data=_form(client, marks="as per invoice"))
    assert response.status_code == 422 and "AS PER INVOICE" in response.get_data(as_text=True)


def test_htmx_save_returns_the_form_fragment(client, cast, log_in):
    log_in("admin_a")
    response = client.post("/initial-values", data=_form(client),
                           headers={**HTMX, "HX-Target": "initial-values-form"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith("<form") and "初始值已保存" in html


def test_a_stale_page_does_not_overwrite_a_newer_save(app, client, cast, log_in):
    log_in("clerk_a")
    stale = _form(client, exporter_name="OLD TAB")
    client.post("/initial-values", data=_form(client, exporter_name="NEW TAB"))
    response = client.post("/initial-values", data=stale)
    assert response.status_code == 409 and "已被他人修改" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(InitialValues, cast.ent_a).exporter_name == "NEW TAB"


def test_a_new_certificate_starts_from_the_saved_values(app, client, cast, log_in):
    log_in("clerk_a")
    client.post("/initial-values", data=_form(client))
    with app.app_context():
        values = initial_values_for(cast.ent_a)
        assert values["issuing_authority"] == values["collecting_authority"] == "2200"
        assert values["serial_prefix"] == "ab1" and values["port_of_loading"] == "CNSHA"
        assert "producer_name" not in values  # unset fields are not prefilled
        assert initial_values_for(cast.ent_b) == {}


def test_each_enterprise_has_its_own_values(app, client, cast, log_in, captchas):
    log_in("clerk_a")
    client.post("/initial-values", data=_form(client))
    from tests.support import login

    other = app.test_client()
    login(other, captchas, "clerk_b")
    html = other.get("/initial-values").get_data(as_text=True)
    assert "JIA TRADING" not in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(InitialValues)) == 1
