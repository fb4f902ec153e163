"""How JSON becomes the form data the pages post (app/api/payload.py), without an app."""
from datetime import date
from decimal import Decimal

from app.api.payload import form_data, key_path, problem_path, request_hash, stored_text
from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from app.certificates.rules import Problem
from app.certificates.types import TYPES

GENERAL = TYPES["C"]


def test_json_values_become_what_a_person_types():
    errors = []
    data = form_data({"quantity": Decimal("1250.50"), "package_count": 2000, "non_goods": False,
                      "name_en": "TOOTHBRUSH", "amount": "1,250"}, GOODS_FIELDS, GENERAL.goods_fields, {}, "", errors)
    assert errors == []
    assert data.to_dict() == {"quantity": "1250.50", "package_count": "2000", "non_goods": "false",
                              "name_en": "TOOTHBRUSH", "amount": "1,250"}


def test_the_base_fills_what_the_body_leaves_out_and_null_empties_a_field():
    errors = []
    base = {"application_date": date(2026, 11, 20), "invoice_no": "INV-1", "remarks": "OLD"}
    data = form_data({"remarks": None}, BASIC_FIELDS, GENERAL.basic_fields, base, "", errors)
    assert data.to_dict() == {"application_date": "2026-11-20", "invoice_no": "INV-1"}


def test_each_wrong_value_is_named_by_its_path():
    errors = []
    form_data({"quantity": True, "hs_code": 960321, "non_goods": "yes", "producer_name": "X", "size": "L"},
              GOODS_FIELDS, GENERAL.goods_fields, {}, "goods[3].", errors)
    assert {e["path"]: e["message"] for e in errors} == {
        "goods[3].quantity": "数量应为数字（或数字字符串）", "goods[3].hs_code": "HS编码应为字符串",
        "goods[3].non_goods": "非货物项应为 true 或 false", "goods[3].producer_name": "未知字段",
        "goods[3].size": "未知字段"}


def test_a_field_of_another_type_is_called_so():
    errors = []
    form_data({"producer_name": "X"}, BASIC_FIELDS, GENERAL.basic_fields, {}, "", errors)
    assert errors == [{"path": "producer_name", "message": "该证书类型没有此字段"}]


def test_text_loses_its_nul_and_a_lone_surrogate_is_refused():
    errors = []
    data = form_data({"remarks": "A\x00B", "marks": "\ud800"}, BASIC_FIELDS, GENERAL.basic_fields, {}, "", errors)
    assert data.get("remarks") == "AB" and "marks" not in data
    assert [e["path"] for e in errors] == ["marks"]


def test_huge_and_tiny_numbers_stay_short_for_the_form_to_refuse():
    errors = []
    data = form_data({"quantity": Decimal("1E+400"), "amount": Decimal("1E-400")}, GOODS_FIELDS,
                     GENERAL.goods_fields, {}, "", errors)
    assert data.to_dict() == {"quantity": "1E+400", "amount": "1E-400"}


def test_paths_echo_odd_keys_safely():
    assert key_path("goods[0].", "a\nb\ud800") == "goods[0].a\\x0ab\\ud800"
    assert len(key_path("", "k" * 500)) == 60


def test_a_stored_value_reads_back_as_the_same_text():
    assert stored_text(GOODS_FIELDS["quantity"], Decimal("20000.0000")) == "20000.0000"
    assert stored_text(GOODS_FIELDS["non_goods"], True) == "true"
    assert stored_text(BASIC_FIELDS["invoice_date"], date(2026, 11, 18)) == "2026-11-18"
    assert stored_text(BASIC_FIELDS["remarks"], None) is None


def test_declare_problems_point_at_request_paths():
    assert problem_path(Problem("basic", "marks", "…")) == "marks"
    assert problem_path(Problem("goods", "hs_code", "…", 3)) == "goods[2].hs_code"
    assert problem_path(Problem("goods", "items", "…")) == "goods"
    assert problem_path(Problem("materials", "value", "…", 1)) == "japan_materials[0].value"


def test_the_same_body_hashes_the_same_whatever_its_order():
    assert request_hash({"a": 1, "b": [1, 2]}) == request_hash({"b": [1, 2], "a": 1})
    assert request_hash({"a": 1}) != request_hash({"a": 2})
    assert request_hash({"q": Decimal("1.50")}) != request_hash({"q": Decimal("1.5")})
