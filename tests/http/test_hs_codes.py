"""HS codes: known headings and subheadings, China's 8-digit tariff codes (10-digit ones by their first 8)."""
import pytest

from app.refdata.hs import check_hs_code


@pytest.mark.parametrize("typed,code", [("8517", "8517"), ("8517.13", "851713"), ("85171300", "85171300"),
                                        ("8517.13.00.10", "8517130010")])
def test_known_codes_are_accepted(app, typed, code):
    with app.app_context():
        assert check_hs_code(typed) == (code, None)


@pytest.mark.parametrize("typed,message", [("851", "HS编码应为 4、6、8 或 10 位数字"),
                                           ("85171", "HS编码应为 4、6、8 或 10 位数字"),
                                           ("851712", "HS编码 8517.12 不在 HS 2022 编码表或中国海关税则中"),
                                           ("85171200", "HS编码 8517.1200 不在中国海关税则中"),
                                           ("9999", "HS编码 9999 不在 HS 2022 编码表或中国海关税则中"),
                                           ("99999999", "HS编码 9999.9999 不在中国海关税则中"),
                                           ("abcd", "HS编码应为 4、6、8 或 10 位数字")])
def test_unknown_or_malformed_codes_are_refused(app, typed, message):
    with app.app_context():
        assert check_hs_code(typed) == (None, message)


def test_the_hs_search_offers_the_enterprises_own_goods_first(client, cast, log_in, make_product):
    make_product()  # enterprise A keeps TOOTHBRUSH under 9603.21 in its 商品库
    log_in("clerk_a")
    for q in ("9603", "牙刷", "tooth"):
        html = client.get(f"/lookup/hs/search?q={q}&_field=hs_code", headers={"HX-Request": "true"}).get_data(
            as_text=True)
        assert "本企业商品库" in html, q
        previous = html.split('id="previous-goods"')[1].split("</table>")[0]
        assert "960321" in previous and "TOOTHBRUSH" in previous
        assert html.index('id="previous-goods"') < html.index("HS 编码表")


def test_another_enterprises_goods_are_never_offered(client, cast, log_in, make_product):
    make_product()
    log_in("clerk_b")
    html = client.get("/lookup/hs/search?q=9603").get_data(as_text=True)
    assert "本企业商品库" not in html and "TOOTHBRUSH" not in html
