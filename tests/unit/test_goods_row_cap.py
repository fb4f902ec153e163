"""The goods row cap per certificate (app/certificates/limits.py) and its place among the 申报 rules. No Flask app."""
from app.certificates import limits
from app.certificates.rules import check
from app.certificates.types import TYPES
from app.settings.registry import SETTINGS
from tests.unit.test_certificate_rules import TODAY, hs_check, known, make_cert, make_item, make_non_goods


def test_it_allows_up_to_the_cap_and_refuses_one_more():
    assert limits.goods_rows_problem(200, 200) is None
    assert limits.goods_rows_problem(199, 200, adding=1) is None
    message = limits.goods_rows_problem(200, 200, adding=1)
    assert message == "每份证书最多 200 项货物（含非货物项），本证书已有 200 项，不能再添加。其余货物请另开一份证书申报。"


def test_it_says_how_many_rows_to_remove_before_declaring_or_printing():
    assert limits.goods_rows_problem(203, 200) == ("每份证书最多 200 项货物（含非货物项），本证书有 203 项，"
                                                  "请删去 3 项（可另开一份证书申报）后再申报或打印。")


def test_the_default_outside_an_app_is_the_settings_default():
    assert limits.max_goods_rows() == limits.DEFAULT_MAX_GOODS_ROWS == SETTINGS[limits.SETTING].default


def test_declare_counts_every_row_non_goods_included():
    cap = limits.DEFAULT_MAX_GOODS_ROWS
    full = [make_item() for _ in range(cap - 1)] + [make_non_goods()]
    assert [p for p in check(make_cert(), full, TYPES["C"], known, hs_check, TODAY) if p.field == "items"] == []
    over = check(make_cert(), full + [make_item()], TYPES["C"], known, hs_check, TODAY)
    found = [p for p in over if p.field == "items"]
    assert [(p.tab, p.item) for p in found] == [("goods", None)]
    assert f"每份证书最多 {cap} 项货物" in found[0].message and f"本证书有 {cap + 1} 项" in found[0].message
