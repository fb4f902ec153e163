"""货物信息: row editor, 上移/下移, 复制, 删除, 生成, 非货物项 — as plain posts and as htmx fragments."""
import re

from app.certificates.models import Certificate, CertificateItem
from app.extensions import db
from tests.support import GOODS_ROW, HTMX, page_form

FRAGMENT = {**HTMX, "HX-Target": "goods"}


def _rows(app, cert_id):
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        return [(i.position, i.name_en) for i in cert.items]


def _post(client, url, cert_id, data=None, headers=None):
    token = page_form(client, f"/certificates/{cert_id}")["csrf_token"]
    return client.post(url, data={"csrf_token": token, **(data or {})}, headers=headers or {})


def _name(app, cert_id, names):
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        for item, name in zip(cert.items, names):
            item.name_en = name
        db.session.commit()


def test_a_row_is_added_with_a_plain_post(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=0)
    log_in("clerk_a")
    response = _post(client, f"/certificates/{cert_id}/goods", cert_id, GOODS_ROW)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/certificates/{cert_id}#goods-section")
    assert _rows(app, cert_id) == [(1, "TOOTHBRUSH")]
    with app.app_context():
        assert db.session.get(Certificate, cert_id).items[0].hs_code == "960321"  # dots removed


def test_a_row_is_added_with_htmx_and_only_the_goods_section_returns(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    response = _post(client, f"/certificates/{cert_id}/goods", cert_id, GOODS_ROW, FRAGMENT)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    # the new row is appended out of band, the browser empties the editor; other rows are not resent
    assert response.headers["HX-Reswap"] == "none" and response.headers["HX-Trigger"] == "goods-added"
    assert "<form" not in html.split("<template>")[0]
    assert f'hx-swap-oob="beforeend:#goods-rows-{cert_id}"' in html and "新增货物（第 3 项）" in html and f'id="goods-{cert_id}-row-2"' in html
    assert f'id="goods-{cert_id}-row-1"' not in html
    assert "第 2 项货物已保存" in html
    assert "HX-Request" in response.headers["Vary"]


def test_a_move_with_htmx_sends_back_only_the_two_rows_that_changed(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=4)
    log_in("clerk_a")
    with app.app_context():
        third = db.session.get(Certificate, cert_id).items[2].id
    response = _post(client, f"/certificates/{cert_id}/goods/{third}/action", cert_id, {"op": "up"}, FRAGMENT)
    html = response.get_data(as_text=True)
    assert response.headers["HX-Reswap"] == "none"
    assert re.findall(r'<tr id="goods-\d+-row-(\d+)"', html) == ["2", "3"]
    assert html.count('hx-swap-oob="true"') == 3  # two rows and the message


def test_bad_goods_input_is_refused_beside_the_field_and_kept(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=0)
    log_in("clerk_a")
    response = _post(client, f"/certificates/{cert_id}/goods", cert_id,
                     {**GOODS_ROW, "quantity": "lots", "package_count": "2.5", "package_unit": "PACKAGE"}, FRAGMENT)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写数字" in html and "请填写整数" in html and "请从包装单位中选择" in html
    assert response.headers["HX-Retarget"] == f"#goods-editor-{cert_id}"
    assert 'value="lots"' in html and 'value="TOOTHBRUSH"' in html
    assert _rows(app, cert_id) == []


def test_rows_move_up_and_down_and_item_numbers_follow(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=3)
    _name(app, cert_id, ["A", "B", "C"])
    log_in("clerk_a")
    with app.app_context():
        third = db.session.get(Certificate, cert_id).items[2].id
    _post(client, f"/certificates/{cert_id}/goods/{third}/action", cert_id, {"op": "up"})
    assert _rows(app, cert_id) == [(1, "A"), (2, "C"), (3, "B")]
    _post(client, f"/certificates/{cert_id}/goods/{third}/action", cert_id, {"op": "up"}, FRAGMENT)
    assert _rows(app, cert_id) == [(1, "C"), (2, "A"), (3, "B")]
    _post(client, f"/certificates/{cert_id}/goods/{third}/action", cert_id, {"op": "up"})
    assert _rows(app, cert_id) == [(1, "C"), (2, "A"), (3, "B")]  # the first stays first


def test_a_row_is_copied_below_itself_and_deleted_rows_close_the_gap(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=2)
    _name(app, cert_id, ["A", "B"])
    log_in("clerk_a")
    with app.app_context():
        first, second = [i.id for i in db.session.get(Certificate, cert_id).items]
    _post(client, f"/certificates/{cert_id}/goods/{first}/action", cert_id, {"op": "copy"})
    assert _rows(app, cert_id) == [(1, "A"), (2, "A"), (3, "B")]
    response = _post(client, f"/certificates/{cert_id}/goods/{first}/action", cert_id, {"op": "delete"}, FRAGMENT)
    assert "第 1 项货物已删除" in response.get_data(as_text=True)
    assert _rows(app, cert_id) == [(1, "A"), (2, "B")]


def test_a_row_is_edited_and_a_stale_edit_refused(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    with app.app_context():
        item_id = db.session.get(Certificate, cert_id).items[0].id
    html = client.get(f"/certificates/{cert_id}/goods/{item_id}/edit").get_data(as_text=True)
    editor = {"version": re.search(r'id="item-version" name="version" type="hidden" value="(\d+)"', html).group(1)}
    assert _post(client, f"/certificates/{cert_id}/goods/{item_id}", cert_id,
                 {**GOODS_ROW, **editor, "name_en": "ELECTRIC TOOTHBRUSH"}).status_code == 302
    stale = _post(client, f"/certificates/{cert_id}/goods/{item_id}", cert_id, {**GOODS_ROW, **editor, "name_en": "OLD"})
    assert stale.status_code == 409 and "已被他人修改" in stale.get_data(as_text=True)
    assert _rows(app, cert_id) == [(1, "ELECTRIC TOOTHBRUSH")]


def test_the_description_is_generated_from_name_count_and_unit(client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=0)
    log_in("clerk_a")
    plain = _post(client, f"/certificates/{cert_id}/goods", cert_id, {**GOODS_ROW, "description": "", "action": "describe"})
    assert plain.status_code == 200
    assert "TWO THOUSAND (2000) CTNS OF TOOTHBRUSH" in plain.get_data(as_text=True)
    fragment = client.post("/certificates/goods/describe", data={
        **page_form(client, f"/certificates/{cert_id}"), "cert_type": "C", "name_en": "steel pipe",
        "package_count": "35", "package_unit": "IN NUDE"}, headers={**HTMX, "HX-Target": "x"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and "THIRTY-FIVE (35) PCS IN NUDE OF STEEL PIPE" in html


def test_a_non_goods_row_keeps_only_its_description(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=0)
    log_in("clerk_a")
    _post(client, f"/certificates/{cert_id}/goods", cert_id,
          {**GOODS_ROW, "non_goods": "y", "description": "*** CONTAINER NO. ABCU1234567 ***"})
    with app.app_context():
        item = db.session.get(Certificate, cert_id).items[0]
        assert item.non_goods and item.description == "*** CONTAINER NO. ABCU1234567 ***"
        assert item.hs_code is None and item.quantity is None and item.name_en is None


def test_goods_of_a_declared_certificate_cannot_be_changed(app, client, cast, log_in, make_certificate):
    cert_id = make_certificate(items=1, status="declared")
    log_in("clerk_a")
    with app.app_context():
        item_id = db.session.get(Certificate, cert_id).items[0].id
    for url, op in ((f"/certificates/{cert_id}/goods", None), (f"/certificates/{cert_id}/goods/{item_id}/action", "delete"),
                    (f"/certificates/{cert_id}/goods/{item_id}/action", "up")):
        response = _post(client, url, cert_id, {**GOODS_ROW, "op": op} if op else GOODS_ROW)
        assert response.status_code == 409 and "不能修改" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(CertificateItem).count() == 1


def test_a_row_of_another_certificate_is_not_reachable(app, client, cast, log_in, make_certificate):
    one, two = make_certificate(items=1), make_certificate(items=1)
    log_in("clerk_a")
    with app.app_context():
        foreign = db.session.get(Certificate, two).items[0].id
    assert client.get(f"/certificates/{one}/goods/{foreign}/edit").status_code == 404


def test_saving_goods_does_not_make_the_open_basic_form_stale(app, client, cast, log_in, make_certificate):
    from tests.support import GENERAL_BASIC

    cert_id = make_certificate(items=1)
    log_in("clerk_a")
    url = f"/certificates/{cert_id}"
    basic = page_form(client, url)
    _post(client, f"{url}/goods", cert_id, GOODS_ROW)
    with app.app_context():
        first = db.session.get(Certificate, cert_id).items[0].id
    _post(client, f"{url}/goods/{first}/action", cert_id, {"op": "down"})
    response = client.post(url, data={**basic, **GENERAL_BASIC, "remarks": "AFTER GOODS", "action": "save"})
    assert response.status_code == 302
