"""Lookups: type a code, English or Chinese; dialogs with JS; a plain search page that carries the form."""
import re

import pytest

from tests.support import HTMX, csrf_token


def _codes(html):
    return re.findall(r'data-code="([^"]+)"', html)


@pytest.mark.parametrize("q", ["JP", "jp", "日本", "japan", "ＪＰ", "JPN"])
def test_a_country_is_found_by_code_chinese_or_english(q, client, cast, log_in):
    log_in("clerk_a")
    assert _codes(client.get("/lookup/country", query_string={"q": q}).get_data(as_text=True))[0] == "JP"


def test_options_carry_the_label_a_chosen_entry_shows(client, cast, log_in):
    log_in("clerk_a")
    html = client.get("/lookup/country?q=KR").get_data(as_text=True)
    assert 'data-code="KR" data-label="KR 韩国"' in html
    assert "<html" not in html


@pytest.mark.parametrize("q,code", [("8517.13", "851713"), ("851713", "851713"), ("smartphones", "851713"),
                                    ("8517", "8517")])
def test_hs_codes_are_found_by_digits_dotted_or_words(q, code, client, cast, log_in):
    log_in("clerk_a")
    assert code in _codes(client.get("/lookup/hs", query_string={"q": q}).get_data(as_text=True))


@pytest.mark.parametrize("q,code", [("上海", "CNSHA"), ("hamburg", "DEHAM"), ("CNNGB", "CNNGB"), ("宁波", "CNNGB")])
def test_ports_are_found_by_code_english_or_chinese(q, code, client, cast, log_in):
    log_in("clerk_a")
    assert _codes(client.get("/lookup/port", query_string={"q": q}).get_data(as_text=True))[0] == code


def test_criteria_are_limited_to_the_agreement(client, cast, log_in):
    log_in("clerk_a")
    assert _codes(client.get("/lookup/origin_criterion?category=K").get_data(as_text=True)) == ["WO", "WP", "PSR"]


def test_no_match_says_so(client, cast, log_in):
    log_in("clerk_a")
    html = client.get("/lookup/country?q=atlantis").get_data(as_text=True)
    assert "无匹配项" in html and _codes(html) == []


def test_an_unknown_table_is_404(client, cast, log_in):
    log_in("clerk_a")
    assert client.get("/lookup/nothing?q=x").status_code == 404


def test_the_dialog_is_a_fragment_with_pick_buttons(client, cast, log_in):
    log_in("clerk_a")
    response = client.get("/lookup/country/search?q=德国&_field=destination",
                          headers={**HTMX, "HX-Target": "lookup-modal-content"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'class="button pick" data-field="destination" data-code="DE" data-label="DE 德国"' in html


def test_the_search_page_pages_through_a_long_table(client, cast, log_in):
    log_in("clerk_a")
    page2 = client.get("/lookup/country/search?page=2").get_data(as_text=True)
    assert "<strong>2</strong>" in page2


def test_without_js_the_search_page_carries_the_form_and_brings_the_choice_back(client, cast, log_in):
    log_in("clerk_a")
    token = csrf_token(client.get("/initial-values").get_data(as_text=True))
    form = {"csrf_token": token, "_return": "/initial-values", "_field": "port_of_loading", "q": "宁波",
            "exporter_name": "JIA TRADING CO., LTD.", "issuing_authority": "2200", "port_of_loading": "宁"}
    page = client.post("/lookup/port/search", data=form).get_data(as_text=True)
    assert 'name="exporter_name" value="JIA TRADING CO., LTD."' in page
    assert 'name="_restore" value="1"' in page and 'name="port_of_loading" value="CNNGB"' in page
    assert "csrf_token=" not in page  # the token never goes into a URL
    back = client.post("/initial-values", data={"csrf_token": token, "_restore": "1",
                                               "exporter_name": "JIA TRADING CO., LTD.", "issuing_authority": "2200",
                                               "port_of_loading": "CNNGB"})
    html = back.get_data(as_text=True)
    assert back.status_code == 200
    assert 'value="JIA TRADING CO., LTD."' in html and 'value="CNNGB 宁波"' in html
    assert "初始值已保存" not in html  # nothing was saved on the way


def test_the_search_page_refuses_to_return_off_site(client, cast, log_in):
    log_in("clerk_a")
    token = csrf_token(client.get("/").get_data(as_text=True))
    page = client.post("/lookup/port/search", data={"csrf_token": token, "_return": "https://evil.example/",
                                                   "_field": "x", "q": "上海"}).get_data(as_text=True)
    assert "evil.example" not in page


def test_the_criterion_detail_explains_it(client, cast, log_in):
    log_in("clerk_a")
    html = client.get("/lookup/origin_criterion/detail?code=WO&category=K",
                      headers={**HTMX, "HX-Target": "criterion-detail"}).get_data(as_text=True)
    assert "<html" not in html and "标准说明" in html and "WO" in html


def test_lookups_need_a_login(client):
    assert client.get("/lookup/country?q=JP").status_code == 302
