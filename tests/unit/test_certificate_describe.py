"""Texts the 生成 buttons compose (app/certificates/describe.py)."""
from decimal import Decimal

import pytest

from app.certificates import describe


@pytest.mark.parametrize("n, words", [
    (2000, "TWO THOUSAND"),
    (21, "TWENTY-ONE"),
    (1234, "ONE THOUSAND TWO HUNDRED AND THIRTY-FOUR"),
])
def test_it_writes_numbers_in_capital_words(n, words):
    assert describe.number_words(n) == words


def test_it_writes_large_numbers_without_commas():
    assert "," not in describe.number_words(1_234_567)


def test_it_describes_packed_goods_with_count_in_words_and_figures():
    assert describe.goods_description("toothbrush", 2000, "CTNS", {}) == "TWO THOUSAND (2000) CTNS OF TOOTHBRUSH"


def test_it_describes_unpacked_goods_as_pieces_in_nude():
    text = describe.goods_description("STEEL PIPE", 500, "PCS", {"nude": True})
    assert text == "FIVE HUNDRED (500) PCS IN NUDE OF STEEL PIPE"


def test_it_describes_bulk_cargo_without_a_count():
    assert describe.goods_description("wheat", None, "VB", {"bulk": True}) == "WHEAT IN BULK"


def test_it_upper_cases_the_goods_name():
    assert describe.goods_description("  plastic toothbrush ", 3, "CTNS", {}).endswith("OF PLASTIC TOOTHBRUSH")


@pytest.mark.parametrize("port, country_code, country_name, text", [
    ("Shanghai", "CN", "China", "SHANGHAI, CHINA"),
    ("Kaohsiung", "TW", "Taiwan", "KAOHSIUNG, TAIWAN, CHINA"),
    ("", "HK", "Hong Kong", "HONG KONG, CHINA"),
    ("", "MO", "Macao", "MACAO, CHINA"),
    ("Hamburg", "DE", "Germany", "HAMBURG, GERMANY"),
])
def test_it_names_a_port_with_its_country_and_chinese_regions_as_china(port, country_code, country_name, text):
    assert describe.place(port, country_code, country_name) == text


@pytest.mark.parametrize("port, country_code, country_name, text", [
    ("Singapore", "SG", "Singapore", "SINGAPORE"),
    ("Hong Kong", "HK", "Hong Kong", "HONG KONG, CHINA"),
    ("Macao", "MO", "Macao", "MACAO, CHINA"),
])
def test_it_does_not_repeat_a_port_that_bears_the_name_of_its_country_or_region(port, country_code, country_name,
                                                                                text):
    assert describe.place(port, country_code, country_name) == text


def test_it_composes_transport_details_from_ports_and_mode():
    text = describe.transport_details("SHANGHAI, CHINA", "HAMBURG, GERMANY", "by sea", None)
    assert text == "FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA"


def test_it_adds_the_vessel_and_voyage_when_given():
    text = describe.transport_details("SHANGHAI, CHINA", "HAMBURG, GERMANY", "BY SEA", " cosco star v.026e ")
    assert text.startswith("FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA")
    assert text.endswith("COSCO STAR V.026E")


@pytest.mark.parametrize("value, text", [
    (Decimal("12.5000"), "12.5"),
    (Decimal("2000"), "2000"),
    (Decimal("2000.000"), "2000"),
    (Decimal("0.250"), "0.25"),
    (None, ""),
])
def test_it_writes_quantities_without_trailing_zeros_or_exponents(value, text):
    assert describe.decimal_text(value) == text


def test_it_describes_goods_in_chinese_for_a_chinese_certificate():
    assert describe.goods_description_zh("牙刷", 2000, "纸箱", {}) == "牙刷 2000 纸箱"


def test_it_describes_chinese_unpacked_and_bulk_goods():
    assert describe.goods_description_zh("陶瓷花瓶", 12, "裸装", {"nude": True}) == "陶瓷花瓶 12 件（裸装）"
    assert describe.goods_description_zh("小麦", 0, "散装", {"bulk": True}) == "小麦（散装）"


def test_a_confidential_producer_reads_available_upon_request():
    assert describe.producer_box("甲厂", "上海", "TOOTHBRUSH MAKER", True) == "AVAILABLE UPON REQUEST"
    assert describe.producer_box("JIA FACTORY", "SHANGHAI", None, False) == "JIA FACTORY\nSHANGHAI"


def test_an_exhibition_certificate_adds_the_exhibition_after_the_importer():
    box = describe.importer_box("PT ABC", "JAKARTA", True, "JAKARTA FAIR, KEMAYORAN")
    assert box == "PT ABC\nJAKARTA\nJAKARTA FAIR, KEMAYORAN"
    assert describe.importer_box("PT ABC", "JAKARTA", False, "JAKARTA FAIR") == "PT ABC\nJAKARTA"


@pytest.mark.parametrize("count, unit, attrs, text", [
    (1, "CTNS", {}, "ONE (1) CTN OF TOOTHBRUSH"),
    (2, "CTNS", {}, "TWO (2) CTNS OF TOOTHBRUSH"),
    (1, "BOXES", {"singular": "BOX", "plural": "BOXES"}, "ONE (1) BOX OF TOOTHBRUSH"),
    (1, "WOODEN CASES", {"singular": "WOODEN CASE", "plural": "WOODEN CASES"}, "ONE (1) WOODEN CASE OF TOOTHBRUSH"),
    (1, "PCS", {"nude": True}, "ONE (1) PC IN NUDE OF TOOTHBRUSH"),
    (0, "CTNS", {}, "ZERO (0) CTNS OF TOOTHBRUSH"),
])
def test_one_package_is_written_in_the_singular(count, unit, attrs, text):
    # issue 18: "ONE (1) CTNS" read wrong on a certificate
    assert describe.goods_description("toothbrush", count, unit, attrs) == text


def test_every_package_unit_of_the_table_has_a_singular_that_reads_as_one():
    import csv
    import json
    from pathlib import Path

    path = Path(describe.__file__).parents[1] / "refdata" / "data" / "package_units.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        attrs = json.loads(row["attrs"]) if row.get("attrs") else {}
        if attrs.get("bulk") or attrs.get("nude"):
            continue
        one = describe.singular_unit(row["code"], attrs)
        assert one and one != row["code"], f"{row['code']}: no singular"
        assert not one.endswith("SS") and one in row["code"] + " " + attrs.get("singular", "").upper(), one
