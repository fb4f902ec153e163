"""经核准出口商 (/enterprise/approved-exporters): the enterprise admin records the approvals for origin declarations."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.accounts.models import ApprovedExporter, AuditLog
from app.extensions import db
from tests.support import HTMX, csrf_token

URL = "/enterprise/approved-exporters"
NEW = {"approval_no": "ch 3100-a0001", "agreements": ["S", "I"], "valid_from": "2025-01-01",
       "valid_until": "2027-12-31"}


def _approval(app, enterprise_id, approval_no="CH3100A0001", agreements="S,I", valid_from=date(2025, 1, 1),
              valid_until=date(2027, 12, 31)) -> int:
    with app.app_context():
        row = ApprovedExporter(enterprise_id=enterprise_id, approval_no=approval_no, agreements=agreements,
                               valid_from=valid_from, valid_until=valid_until)
        db.session.add(row)
        db.session.commit()
        return row.id


def _rows(app, enterprise_id=None):
    with app.app_context():
        query = sa.select(ApprovedExporter).order_by(ApprovedExporter.id)
        if enterprise_id:
            query = query.where(ApprovedExporter.enterprise_id == enterprise_id)
        return [(a.approval_no, a.agreements, a.valid_from, a.valid_until, a.version)
                for a in db.session.scalars(query)]


def _audit(app, prefix="approved_exporter."):
    with app.app_context():
        return [(a.action, a.target, a.enterprise_id, a.detail) for a in db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id))]


def _add_form(client, **changes):
    return {"csrf_token": csrf_token(client.get(URL).get_data(as_text=True)), **NEW, **changes}


def _edit_form(client, approval_id, **changes):
    page = client.get(f"{URL}/{approval_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_token(page), "version": version, "agreements": ["S", "I"],
            "valid_from": "2025-01-01", "valid_until": "2027-12-31"}
    data.update(changes)
    return data


def _fragment(response, root_id):
    html = response.get_data(as_text=True)
    assert "<html" not in html and f'id="{root_id}"' in html
    assert "HX-Request" in response.headers["Vary"]
    return html


# ------------------------------------------------------------------ list and add
def test_it_lists_only_the_enterprises_own_approvals(app, client, cast, log_in):
    _approval(app, cast.ent_a)
    _approval(app, cast.ent_b, approval_no="NZ9999B0002", agreements="N")
    log_in("admin_a")
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>经核准出口商</h1>" in html
    assert "CH3100A0001" in html and "中国-瑞士自由贸易协定、中国-冰岛自由贸易协定" in html
    assert "NZ9999B0002" not in html


def test_the_form_offers_only_the_agreements_that_allow_declarations(client, cast, log_in):
    log_in("admin_a")
    html = client.get(URL).get_data(as_text=True)
    offered = re.findall(r'name="agreements" type="checkbox" value="([A-Z]+)"', html)
    assert offered == ["RCEP", "MU", "S", "I", "N"]
    assert "中国-瑞士自由贸易协定" in html and "区域全面经济伙伴关系协定（RCEP）" in html
    # a check box marked required would have to be ticked: none is
    assert not re.search(r'<input[^>]*required[^>]*type="checkbox"', html)


def test_it_registers_an_approval_with_a_plain_post(app, client, cast, log_in):
    log_in("admin_a")
    response = client.post(URL, data=_add_form(client))
    assert response.status_code == 302 and response.headers["Location"] == URL
    assert _rows(app) == [("CH3100A0001", "S,I", date(2025, 1, 1), date(2027, 12, 31), 1)]
    html = client.get(URL).get_data(as_text=True)
    assert "核准出口商编号 CH3100A0001 已登记" in html and 'id="ae-row-' in html
    [(action, target, enterprise_id, detail)] = _audit(app)
    assert (action, target, enterprise_id) == ("approved_exporter.create", "approved_exporter:CH3100A0001",
                                               cast.ent_a)
    assert '"agreements": "S,I"' in detail


def test_it_registers_with_htmx_and_answers_the_section(app, client, cast, log_in):
    log_in("admin_a")
    response = client.post(URL, data=_add_form(client), headers={**HTMX, "HX-Target": "approved-exporters"})
    assert response.status_code == 200
    html = _fragment(response, "approved-exporters")
    assert "已登记" in html and "<td class=\"code\">CH3100A0001</td>" in html
    assert 'name="approval_no" required type="text" value=""' in html  # a blank form for the next one


def test_bad_input_is_shown_beside_the_fields_and_kept(app, client, cast, log_in):
    log_in("admin_a")
    response = client.post(URL, data=_add_form(client, approval_no="CH/31", agreements=[], valid_from="2025-13-01",
                                               valid_until="2026-01-01"),
                           headers={**HTMX, "HX-Target": "approved-exporters"})
    assert response.status_code == 422
    html = _fragment(response, "approved-exporters")
    assert "核准出口商编号为 4–20 位字母或数字" in html and 'value="CH/31"' in html
    assert "请至少选择一个适用协定" in html
    assert "日期格式应为 YYYY-MM-DD" in html and 'value="2025-13-01"' in html
    assert _rows(app) == [] and _audit(app) == []


def test_a_validity_that_ends_before_it_starts_is_refused(app, client, cast, log_in):
    log_in("admin_a")
    response = client.post(URL, data=_add_form(client, valid_from="2027-01-01", valid_until="2026-12-31"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html
    assert "有效期至（2026-12-31）不能早于有效期自（2027-01-01）" in html
    assert 'value="2027-01-01"' in html and 'value="2026-12-31"' in html and "checked" in html
    assert _rows(app) == []


def test_missing_dates_are_required(app, client, cast, log_in):
    log_in("admin_a")
    response = client.post(URL, data=_add_form(client, valid_from="", valid_until=" "))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.count("此项为必填项") == 2


def test_an_agreement_that_allows_no_declarations_is_refused(app, client, cast, log_in):
    log_in("admin_a")
    response = client.post(URL, data=_add_form(client, agreements=["S", "E"]))
    assert response.status_code == 422
    assert "所选协定不允许原产地声明：E" in response.get_data(as_text=True)
    assert _rows(app) == []


@pytest.mark.parametrize("owner", ["ent_a", "ent_b"])
def test_a_registered_number_is_refused_beside_the_field(owner, app, client, cast, log_in):
    """The number is unique over all enterprises (customs issues it once): a message, never a 500."""
    _approval(app, getattr(cast, owner))
    log_in("admin_a")
    response = client.post(URL, data=_add_form(client, approval_no="ch3100a0001"),
                           headers={**HTMX, "HX-Target": "approved-exporters"})
    html = _fragment(response, "approved-exporters")
    assert response.status_code == 422
    message = re.search(r'id="ae-new-approval_no-msg">([^<]+)<', html).group(1)
    assert "该核准出口商编号已登记" in message
    assert "乙贸易有限公司" not in html  # whose it is stays unsaid
    assert len(_rows(app)) == 1


def test_a_registered_number_is_told_together_with_the_other_mistakes(app, client, cast, log_in):
    _approval(app, cast.ent_a)
    log_in("admin_a")
    response = client.post(URL, data=_add_form(client, valid_until="2024-12-31"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "该核准出口商编号已登记" in html and "不能早于有效期自" in html


def test_a_number_registered_at_the_same_moment_is_refused_too(app, client, cast, log_in, monkeypatch):
    """The check before the insert can lose a race; the unique constraint answers, as a message."""
    from app.accounts import approved_exporters as services

    log_in("admin_a")
    data = _add_form(client)
    _approval(app, cast.ent_b)
    monkeypatch.setattr(services, "is_taken", lambda _number: False)  # both checks ran before the other insert
    response = client.post(URL, data=data)
    assert response.status_code == 422 and "该核准出口商编号已登记" in response.get_data(as_text=True)
    assert len(_rows(app)) == 1


# ------------------------------------------------------------------ edit
def test_it_edits_the_agreements_and_the_validity(app, client, cast, log_in):
    approval_id = _approval(app, cast.ent_a)
    log_in("admin_a")
    page = client.get(f"{URL}/{approval_id}").get_data(as_text=True)
    assert "核准出口商 CH3100A0001" in page and 'readonly' in page
    response = client.post(f"{URL}/{approval_id}", data=_edit_form(client, approval_id, agreements=["S", "RCEP"],
                                                                    valid_until="2028-06-30"))
    assert response.status_code == 302 and response.headers["Location"] == URL
    assert _rows(app) == [("CH3100A0001", "S,RCEP", date(2025, 1, 1), date(2028, 6, 30), 2)]
    [(action, _target, enterprise_id, detail)] = _audit(app)
    assert action == "approved_exporter.update" and enterprise_id == cast.ent_a
    assert '"valid_until": ["2027-12-31", "2028-06-30"]' in detail and "valid_from" not in detail


def test_an_htmx_edit_answers_the_form_with_the_new_version(app, client, cast, log_in):
    approval_id = _approval(app, cast.ent_a)
    log_in("admin_a")
    response = client.post(f"{URL}/{approval_id}", data=_edit_form(client, approval_id, valid_from="2025-02-01"),
                           headers={**HTMX, "HX-Target": f"ae{approval_id}-form"})
    assert response.status_code == 200
    html = _fragment(response, f"ae{approval_id}-form")
    assert "已保存" in html and 'name="version" type="hidden" value="2"' in html
    assert 'value="2025-02-01"' in html


def test_an_edit_with_bad_dates_is_refused_and_kept(app, client, cast, log_in):
    approval_id = _approval(app, cast.ent_a)
    log_in("admin_a")
    response = client.post(f"{URL}/{approval_id}",
                           data=_edit_form(client, approval_id, valid_from="2026-05-01", valid_until="2026-04-30",
                                           agreements=[]),
                           headers={**HTMX, "HX-Target": f"ae{approval_id}-form"})
    assert response.status_code == 422
    html = _fragment(response, f"ae{approval_id}-form")
    assert "不能早于有效期自" in html and "请至少选择一个适用协定" in html and 'value="2026-04-30"' in html
    assert _rows(app)[0][3] == date(2027, 12, 31)


def test_a_stale_edit_is_refused_and_the_typing_kept(app, client, cast, log_in):
    approval_id = _approval(app, cast.ent_a)
    log_in("admin_a")
    stale = _edit_form(client, approval_id, valid_until="2026-06-30")
    client.post(f"{URL}/{approval_id}", data=_edit_form(client, approval_id, valid_until="2029-12-31"))
    response = client.post(f"{URL}/{approval_id}", data=stale)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已被他人修改或删除" in html and 'value="2026-06-30"' in html
    assert "当前保存的内容" in html and "2029-12-31" in html
    assert _rows(app)[0][3:] == (date(2029, 12, 31), 2)


def test_an_edit_of_an_approval_deleted_meanwhile_says_so(app, client, cast, log_in, monkeypatch):
    from app.accounts import approved_exporters as services

    approval_id = _approval(app, cast.ent_a)
    log_in("admin_a")
    data = _edit_form(client, approval_id)

    def deleted_meanwhile(approval, **_kw):  # another tab's 删除 committed between the load and the save
        db.session.delete(approval)
        db.session.commit()
        raise services.Conflict(services.STALE)

    monkeypatch.setattr(services, "update", deleted_meanwhile)
    response = client.post(f"{URL}/{approval_id}", data=data)
    assert response.status_code == 409 and "已被删除" in response.get_data(as_text=True)


# ------------------------------------------------------------------ delete
def test_delete_without_js_asks_on_a_page_then_deletes(app, client, cast, log_in):
    approval_id = _approval(app, cast.ent_a)
    log_in("admin_a")
    response = client.get(f"{URL}/{approval_id}/delete")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert "确定删除核准出口商编号 <strong>CH3100A0001</strong>" in html
    assert f'action="{URL}/{approval_id}/delete"' in html and "hx-post" not in html.split('id="main"')[1]
    assert _rows(app)  # asking deletes nothing
    response = client.post(f"{URL}/{approval_id}/delete", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302 and response.headers["Location"] == URL
    assert _rows(app) == []
    assert "核准出口商编号 CH3100A0001 已删除" in client.get(URL).get_data(as_text=True)
    assert [a[:3] for a in _audit(app)] == [("approved_exporter.delete", "approved_exporter:CH3100A0001",
                                             cast.ent_a)]


def test_delete_with_htmx_asks_in_the_row_and_answers_the_section(app, client, cast, log_in):
    approval_id = _approval(app, cast.ent_a)
    log_in("admin_a")
    response = client.get(f"{URL}/{approval_id}/delete", headers={**HTMX, "HX-Target": f"ae-row-{approval_id}"})
    html = _fragment(response, f"ae-row-{approval_id}")
    assert html.lstrip().startswith("<tr") and "确定删除" in html
    assert f'hx-post="{URL}/{approval_id}/delete" hx-target="closest #approved-exporters"' in html
    assert f'hx-get="{URL}"' in html  # 取消 brings the list back in place
    response = client.post(f"{URL}/{approval_id}/delete", data={"csrf_token": csrf_token(html)},
                           headers={**HTMX, "HX-Target": "approved-exporters"})
    assert response.status_code == 200
    html = _fragment(response, "approved-exporters")
    assert "已删除" in html and "尚未登记核准出口商" in html
    assert _rows(app) == []


def test_cancel_with_htmx_answers_the_list(app, client, cast, log_in):
    _approval(app, cast.ent_a)
    log_in("admin_a")
    response = client.get(URL, headers={**HTMX, "HX-Target": "approved-exporters"})
    assert response.status_code == 200 and "CH3100A0001" in _fragment(response, "approved-exporters")


# ------------------------------------------------------------------ access
def _routes(approval_id):
    return [("GET", URL), ("POST", URL), ("GET", f"{URL}/{approval_id}"), ("POST", f"{URL}/{approval_id}"),
            ("GET", f"{URL}/{approval_id}/delete"), ("POST", f"{URL}/{approval_id}/delete")]


@pytest.mark.parametrize("username", ["clerk_a", "officer_sh", "root_admin"])
def test_only_the_enterprise_admin_may_use_the_page(username, app, client, cast, log_in):
    approval_id = _approval(app, cast.ent_a)
    log_in(username)
    token = csrf_token(client.get("/password").get_data(as_text=True))
    for method, url in _routes(approval_id):
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token, **NEW})
        assert response.status_code == 403, (method, url)
    assert len(_rows(app)) == 1


def test_another_enterprises_approval_is_not_found_on_any_route(app, client, cast, log_in):
    approval_id = _approval(app, cast.ent_a)
    log_in("admin_b")
    token = csrf_token(client.get(URL).get_data(as_text=True))
    for method, url in _routes(approval_id)[2:]:
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token, **NEW})
        assert response.status_code == 404, (method, url)
        assert "CH3100A0001" not in response.get_data(as_text=True)
    assert _rows(app) == [("CH3100A0001", "S,I", date(2025, 1, 1), date(2027, 12, 31), 1)]


def test_a_post_without_the_csrf_token_is_refused(app, client, cast, log_in):
    approval_id = _approval(app, cast.ent_a)
    log_in("admin_a")
    for _method, url in _routes(approval_id)[1::2]:
        assert client.post(url, data={**NEW, "approval_no": "NEW0001", "valid_until": "2030-01-01"}).status_code == 400
    assert _rows(app) == [("CH3100A0001", "S,I", date(2025, 1, 1), date(2027, 12, 31), 1)]


def test_the_admin_menu_has_the_page(client, cast, log_in):
    log_in("admin_a")
    html = client.get("/").get_data(as_text=True)
    assert f'href="{URL}"' in html and "经核准出口商" in html


# ------------------------------------------------------------------ what the certificate code reads
def test_approvals_for_gives_the_declaration_rules_what_they_need(app, cast):
    from app.accounts.approved_exporters import approvals_for
    from app.accounts.approval_rules import approval_for, approval_problem

    _approval(app, cast.ent_a)
    _approval(app, cast.ent_b, approval_no="NZ9999B0002", agreements="N")
    with app.app_context():
        approvals = approvals_for(cast.ent_a)
        assert [a.approval_no for a in approvals] == ["CH3100A0001"]
        assert approvals[0].agreement_names == ("中国-瑞士自由贸易协定", "中国-冰岛自由贸易协定")
        assert approval_for(approvals, "S", date(2026, 11, 20)).approval_no == "CH3100A0001"
        assert approval_problem(approvals, "S", "中国-瑞士自由贸易协定", date(2026, 11, 20)) is None
        assert "中国-瑞士自由贸易协定、中国-冰岛自由贸易协定" in approval_problem(
            approvals, "N", "中国-新西兰自由贸易协定（升级）", date(2026, 11, 20))
        assert "尚未登记" in approval_problem(approvals_for(99999), "S", "中国-瑞士自由贸易协定", date(2026, 1, 1))
