"""The certificate type registry (app/certificates/types.py) and the fields it names (fieldspecs.py)."""
import pytest

from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from app.certificates.types import TYPES, get_type

# 第六篇 1.1–1.20 of the manual, with the codes of DESIGN.md.
MANUAL_TYPES = {
    "C": "一般原产地证",
    "G": "普惠制原产地证",
    "K": "中国-韩国自贸区原产地证",
    "E": "中国-东盟自贸区原产地证",
    "B": "中国-亚太自贸区原产地证",
    "F": "中国-智利贸易区原产地证",
    "P": "中国-巴基斯坦贸易区原产地证",
    "R": "中国-秘鲁贸易区原产地证",
    "H": "海峡两岸原产地证",
    "A": "中国-澳大利亚自贸区原产地证",
    "L": "中国-哥斯达黎加自贸区原产地证",
    "X": "中国-新加坡贸易区原产地证",
    "N": "中国-新西兰贸易区原产地证",
    "I": "中国-冰岛自贸区原产地证",
    "S": "中国-瑞士自贸区原产地证",
    "M": "中国-欧盟蘑菇罐头原产地证",
    "T": "各国烟草真实性证书",
    "Z": "转口证明书",
    "J": "加工装配证书",
    "U": "价格承诺原产地证书",
}
# 文莱、柬埔寨、印度尼西亚、老挝、马来西亚、缅甸、菲律宾、新加坡、泰国、越南 (manual 1.4)
ASEAN_MEMBERS = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}


# Since the manual (AGREEMENTS-2026.md): RCEP, seven newer FTAs, and origin declarations by approved exporters.
NEW_TYPES = {
    "RC": "RCEP原产地证书", "GE": "中国-格鲁吉亚自贸区原产地证", "MU": "中国-毛里求斯自贸区原产地证",
    "KH": "中国-柬埔寨自贸区原产地证", "NI": "中国-尼加拉瓜自贸区原产地证", "EC": "中国-厄瓜多尔自贸区原产地证",
    "RS": "中国-塞尔维亚自贸区原产地证", "MV": "中国-马尔代夫自贸区原产地证",
    "VS": "中国-瑞士自贸区原产地声明", "VI": "中国-冰岛自贸区原产地声明", "VM": "中国-毛里求斯自贸区原产地声明",
    "VN": "中国-新西兰自贸区原产地声明", "VR": "RCEP原产地声明",
}


def test_it_offers_the_twenty_types_of_the_manual_and_those_of_the_newer_agreements():
    assert {code: t.name for code, t in TYPES.items()} == MANUAL_TYPES | NEW_TYPES
    assert {code for code, t in TYPES.items() if t.is_declaration} == {"VS", "VI", "VM", "VN", "VR"}


@pytest.mark.parametrize("code", MANUAL_TYPES)
def test_it_finds_each_type_by_the_first_character_of_the_certificate_number(code):
    assert get_type(code).code == code


def test_it_finds_no_type_for_an_unknown_code():
    assert get_type("Q") is None


@pytest.mark.parametrize("code", MANUAL_TYPES)
def test_it_asks_for_an_origin_criterion_where_the_form_has_a_criterion_box(code):
    # 一般/价格承诺 use the 1.1 goods family; the mushroom, tobacco, re-export and processing forms have
    # no criterion box and no list of criteria (FORMS.md §3.16, §3.17), so they ask for none.
    ctype = TYPES[code]
    general = code in ("C", "U", "M", "T", "Z", "J")
    assert ("origin_criterion" in ctype.goods_fields) is not general
    assert ("origin_criterion" in ctype.goods_required) is not general


def test_it_fixes_the_destination_of_korea_certificates():
    assert TYPES["K"].fixed_destination == "KR"


def test_it_allows_exactly_the_ten_asean_members_on_form_e():
    assert set(TYPES["E"].destinations) == ASEAN_MEMBERS
    assert TYPES["E"].fixed_destination is None


def test_it_leaves_the_destination_of_a_general_certificate_open():
    assert TYPES["C"].destinations == ()
    assert TYPES["C"].fixed_destination is None


@pytest.mark.parametrize("code", MANUAL_TYPES)
def test_it_names_only_fields_that_exist_and_requires_only_fields_it_shows(code):
    ctype = TYPES[code]
    assert set(ctype.basic_fields) <= set(BASIC_FIELDS)
    assert set(ctype.goods_fields) <= set(GOODS_FIELDS)
    assert ctype.required <= set(ctype.basic_fields)
    assert ctype.goods_required <= set(ctype.goods_fields)
    assert len(set(ctype.basic_fields)) == len(ctype.basic_fields)  # no field shown twice


@pytest.mark.parametrize("code", MANUAL_TYPES)
def test_it_shows_and_prints_only_the_ecfa_certificate_in_chinese(code):
    assert TYPES[code].language == ("zh" if code == "H" else "en")


@pytest.mark.parametrize("code", MANUAL_TYPES)
def test_it_gives_every_lookup_field_a_code_table(code):
    ctype = TYPES[code]
    specs = [BASIC_FIELDS[n] for n in ctype.basic_fields] + [GOODS_FIELDS[n] for n in ctype.goods_fields]
    assert [s.name for s in specs if s.kind == "lookup" and not s.table] == []
