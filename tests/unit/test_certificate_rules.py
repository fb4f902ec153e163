"""申报 rules (app/certificates/rules.py), tested with plain objects: no Flask, no database."""
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS
from app.certificates.rules import Problem, check
from app.certificates.types import TYPES

TODAY = date(2026, 3, 10)
HS_MESSAGE = "HS编码 999999 不在 HS 编码表中"

VALID_CERT = {
    "exporter_name": "SHANGHAI BRIGHT TOOTHBRUSH CO., LTD.",
    "exporter_address": "NO. 1 HUAIHAI ROAD, SHANGHAI, CHINA",
    "exporter_email": "export@bright.example.com",
    "importer_name": "HAMBURG DENTAL GMBH",
    "importer_address": "HAFENSTRASSE 5, 20457 HAMBURG, GERMANY",
    "application_date": TODAY - timedelta(days=1),
    "destination_country": "DE",
    "issuing_authority": "310000",
    "collecting_authority": "310000",
    "trade_mode": "0110",
    "port_of_loading": "CNSHA",
    "port_of_discharge": "DEHAM",
    "transport_mode": "2",
    "transport_details": "FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA",
    "marks": "N/M",
    "invoice_no": "BT2026-001",
    "invoice_date": TODAY - timedelta(days=5),
}

VALID_GOODS = {
    "hs_code": "9603210000",
    "name_cn": "牙刷",
    "name_en": "TOOTHBRUSH",
    "quantity": Decimal("20000"),
    "quantity_unit": "PCS",
    "package_count": 2000,
    "package_unit": "CTNS",
    "gross_weight": Decimal("1000"),
    "net_weight": Decimal("900"),
    "weight_unit": "KG",
    "amount": Decimal("5000"),
    "currency": "USD",
    "description": "TWO THOUSAND (2000) CTNS OF TOOTHBRUSH",
}


def _blank(specs: dict) -> dict:
    return {name: (False if spec.kind == "bool" else None) for name, spec in specs.items()}


def make_cert(**values) -> SimpleNamespace:
    """A complete, valid 一般原产地证 (type C) unless `values` say otherwise."""
    return SimpleNamespace(**{**_blank(BASIC_FIELDS), **VALID_CERT, **values})


def make_item(**values) -> SimpleNamespace:
    """A complete, valid goods row of a general certificate unless `values` say otherwise."""
    return SimpleNamespace(**{**_blank(GOODS_FIELDS), **VALID_GOODS, **values})


def make_non_goods(**values) -> SimpleNamespace:
    """A 非货物项 row: only the description is filled in."""
    return SimpleNamespace(**{**_blank(GOODS_FIELDS), "non_goods": True, "description": "*** NO MORE ITEMS ***",
                              **values})


def known(table, code, category):
    return code != "XX"


def hs_check(code):
    return HS_MESSAGE if code == "999999" else None


def problems(cert=None, items=None, code="C", known=known, hs_check=hs_check):
    cert = make_cert() if cert is None else cert
    items = [make_item()] if items is None else items
    return check(cert, items, TYPES[code], known, hs_check, TODAY)


def fields(found) -> set:
    return {(p.tab, p.field) for p in found}


def fta_cert(destination, **values):
    """A certificate bound for `destination` (an FTA type only accepts its partners)."""
    return make_cert(destination_country=destination, **values)


def fta_item(**values):
    """A goods row with the origin criterion an FTA certificate requires."""
    return make_item(origin_criterion="WO", **values)


# ── the whole certificate ────────────────────────────────────────────────────────────────────


def test_it_finds_nothing_wrong_with_a_complete_certificate():
    assert problems() == []


def test_it_lists_every_problem_at_once_basic_information_first_then_goods_by_item_number():
    cert = make_cert(marks=None)
    items = [make_item(amount=Decimal("-1")), make_item(name_en=None)]

    found = problems(cert, items)

    assert [(p.tab, p.field, p.item) for p in found] == [
        ("basic", "marks", None), ("goods", "amount", 1), ("goods", "name_en", 2),
    ]
    assert found[1].message.startswith("第 1 项：")
    assert found[2].message == "第 2 项：请填写货物英文名称"


# ── basic information ─────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name, label", [
    ("exporter_name", "出口商名称"),
    ("exporter_address", "出口商地址"),
    ("importer_name", "收货人（进口商）名称"),
    ("importer_address", "收货人（进口商）地址"),
    ("application_date", "申请日期"),
    ("destination_country", "目的地国家/地区"),
    ("issuing_authority", "签证机构"),
    ("collecting_authority", "领证机构"),
    ("trade_mode", "贸易方式"),
    ("port_of_loading", "启运港"),
    ("port_of_discharge", "卸货港"),
    ("transport_mode", "运输方式"),
    ("transport_details", "运输细节"),
    ("marks", "唛头"),
    ("invoice_no", "发票号"),
    ("invoice_date", "发票日期"),
])
def test_it_asks_for_each_required_basic_field(name, label):
    missing = Problem("basic", name, f"请填写{label}")
    assert missing in problems(make_cert(**{name: None}))
    if BASIC_FIELDS[name].kind != "date":
        assert missing in problems(make_cert(**{name: "  "}))  # blanks are not an answer


def test_it_lets_optional_basic_fields_stay_empty():
    cert = make_cert(exporter_phone=None, exporter_fax=None, exporter_email=None, importer_phone=None,
                     vessel_voyage=None, departure_date=None, special_terms=None, remarks=None)
    assert problems(cert) == []


@pytest.mark.parametrize("tab, name, value", [
    ("basic", "trade_mode", "0110"), ("basic", "destination_country", "DE"),
    ("goods", "quantity_unit", "PCS"), ("goods", "currency", "USD"),
])
def test_it_refuses_a_code_that_is_not_in_its_code_table(tab, name, value):
    def declare(code):
        if tab == "basic":
            return problems(make_cert(**{name: code}))
        return problems(items=[make_item(**{name: code})])

    assert declare(value) == []
    bad = [p for p in declare("XX") if (p.tab, p.field) == (tab, name)]
    assert len(bad) == 1 and "“XX”不在参数表中" in bad[0].message


@pytest.mark.parametrize("tab, name, chinese", [
    ("basic", "exporter_name", "上海明亮牙刷有限公司"),
    ("basic", "importer_address", "德国汉堡"),
    ("basic", "marks", "无唛头"),
    ("basic", "invoice_no", "ＢＴ２０２６"),  # full-width letters and digits
    ("goods", "name_en", "牙刷"),
    ("goods", "description", "两千箱牙刷"),
])
def test_it_refuses_chinese_in_english_fields_except_on_the_chinese_ecfa_certificate(tab, name, chinese):
    def declare(code, destination, **row):
        if tab == "basic":
            return problems(fta_cert(destination, **{name: chinese}), [make_item(**row)], code=code)
        return problems(fta_cert(destination), [make_item(**{name: chinese}, **row)], code=code)

    on_general = declare("C", "DE")
    assert [(p.tab, p.field) for p in on_general if "英文" in p.message] == [(tab, name)]

    on_ecfa = declare("H", "TW", origin_criterion="WO", importing_hs="39241000")
    assert [p for p in on_ecfa if "英文" in p.message] == []


@pytest.mark.parametrize("email, ok", [
    ("export@bright.example.com", True),
    ("export.bright.example.com", False),
    ("export@bright", False),
    ("ex port@bright.com", False),
])
def test_it_checks_the_exporter_email_format(email, ok):
    found = problems(make_cert(exporter_email=email))
    assert (Problem("basic", "exporter_email", "出口商邮箱格式不正确") not in found) is ok


def test_it_requires_the_collecting_authority_to_equal_the_issuing_authority():
    found = problems(make_cert(issuing_authority="310000", collecting_authority="320000"))
    assert fields(found) == {("basic", "collecting_authority")}
    assert "一致" in found[0].message


@pytest.mark.parametrize("destination, ok", [("KR", True), ("JP", False)])
def test_it_keeps_an_fta_certificate_to_its_destinations(destination, ok):
    found = problems(fta_cert(destination), [fta_item()], code="K")
    wrong = [p for p in found if p.field == "destination_country"]
    assert (wrong == []) is ok
    if not ok:
        assert "KR" in wrong[0].message


@pytest.mark.parametrize("marks, ok", [
    ("N/M", True),
    ("NO MARKS AND NUMBERS", True),
    ("AS PER INVOICE", False),
    ("  as per invoice \n", False),
    ("AS PER INVOICE NO. BT2026-001", False),
])
def test_it_refuses_as_per_invoice_as_shipping_marks(marks, ok):
    found = problems(make_cert(marks=marks))
    assert (("basic", "marks") not in fields(found)) is ok


@pytest.mark.parametrize("days_after_application, ok", [(0, True), (1, False)])
def test_it_refuses_an_invoice_dated_after_the_application(days_after_application, ok):
    cert = make_cert(invoice_date=VALID_CERT["application_date"] + timedelta(days=days_after_application))
    found = problems(cert)
    assert (Problem("basic", "invoice_date", "发票日期不能晚于申请日期") not in found) is ok


@pytest.mark.parametrize("application_date, ok", [(TODAY, True), (TODAY + timedelta(days=1), False)])
def test_it_refuses_an_application_date_in_the_future(application_date, ok):
    found = problems(make_cert(application_date=application_date))
    assert (Problem("basic", "application_date", "申请日期不能晚于今天") not in found) is ok


# ── goods ─────────────────────────────────────────────────────────────────────────────────────


def test_it_needs_at_least_one_goods_row():
    assert fields(problems(items=[])) == {("goods", "items")}


def test_it_does_not_count_non_goods_rows_as_goods():
    assert fields(problems(items=[make_non_goods()])) == {("goods", "items")}
    assert problems(items=[make_item(), make_non_goods()]) == []


@pytest.mark.parametrize("rows, ok", [(20, True), (21, False)])
def test_it_caps_the_number_of_goods_rows_of_a_capped_type(rows, ok):
    found = problems(fta_cert("SG"), [fta_item() for _ in range(rows)], code="E")
    too_many = [p for p in found if p.field == "items"]
    assert (too_many == []) is ok
    if not ok:
        assert "20" in too_many[0].message and "21" in too_many[0].message


@pytest.mark.parametrize("name, label", [
    ("hs_code", "HS编码"),
    ("name_cn", "货物中文名称"),
    ("name_en", "货物英文名称"),
    ("quantity", "数量"),
    ("quantity_unit", "数量单位"),
    ("package_count", "包装件数"),
    ("package_unit", "包装单位"),
])
def test_it_asks_for_each_required_goods_field(name, label):
    found = problems(items=[make_item(**{name: None})])
    assert Problem("goods", name, f"第 1 项：请填写{label}", 1) in found


def test_it_lets_optional_goods_fields_stay_empty():
    item = make_item(gross_weight=None, net_weight=None, weight_unit=None, amount=None, currency=None)
    assert problems(items=[item]) == []


@pytest.mark.parametrize("row", [make_item, make_non_goods])
def test_it_asks_for_the_description_of_every_row_goods_or_not(row):
    found = problems(items=[make_item(), row(description="  ")])
    assert found == [Problem("goods", "description", "第 2 项：请填写货物描述", 2)]


def test_it_checks_nothing_but_the_description_on_a_non_goods_row():
    odd = make_non_goods(hs_code="999999", quantity=Decimal("-5"), quantity_unit="XX", amount=Decimal("-1"))
    assert problems(items=[make_item(), odd]) == []


@pytest.mark.parametrize("hs_code, ok", [("9603210000", True), ("999999", False)])
def test_it_shows_the_hs_code_checks_message(hs_code, ok):
    found = problems(items=[make_item(hs_code=hs_code)])
    assert (Problem("goods", "hs_code", f"第 1 项：{HS_MESSAGE}", 1) not in found) is ok


@pytest.mark.parametrize("name", ["quantity", "package_count", "gross_weight", "net_weight"])
@pytest.mark.parametrize("value", [0, -1])
def test_it_requires_quantities_and_weights_above_zero(name, value):
    found = problems(items=[make_item(**{name: Decimal(value)})])
    bad = [p for p in found if p.field == name]
    assert len(bad) == 1 and bad[0].message.endswith("必须大于 0")


@pytest.mark.parametrize("amount, ok", [(Decimal("5000"), True), (Decimal("-0.01"), False)])
def test_it_refuses_a_negative_amount(amount, ok):
    found = problems(items=[make_item(amount=amount)])
    assert (Problem("goods", "amount", "第 1 项：金额（FOB）不能为负数", 1) not in found) is ok


@pytest.mark.parametrize("net, ok", [(Decimal("1000"), True), (Decimal("1000.5"), False)])
def test_it_refuses_a_net_weight_above_the_gross_weight(net, ok):
    found = problems(items=[make_item(gross_weight=Decimal("1000"), net_weight=net)])
    assert (Problem("goods", "net_weight", "第 1 项：净重不能大于毛重", 1) not in found) is ok


@pytest.mark.parametrize("gross, net, unit, ok", [
    (Decimal("1000"), Decimal("900"), "KG", True),
    (None, None, None, True),
    (Decimal("1000"), None, None, False),
    (None, Decimal("900"), None, False),
    (Decimal("1000"), Decimal("900"), "  ", False),
])
def test_it_requires_a_weight_unit_when_a_weight_is_given(gross, net, unit, ok):
    found = problems(items=[make_item(gross_weight=gross, net_weight=net, weight_unit=unit)])
    assert (("goods", "weight_unit") not in fields(found)) is ok


@pytest.mark.parametrize("amount, currency, ok", [
    (Decimal("5000"), "USD", True),
    (None, None, True),
    (Decimal("5000"), None, False),
])
def test_it_requires_a_currency_when_an_amount_is_given(amount, currency, ok):
    found = problems(items=[make_item(amount=amount, currency=currency)])
    assert (("goods", "currency") not in fields(found)) is ok


@pytest.mark.parametrize("code, destination, required", [("K", "KR", True), ("C", "DE", False)])
def test_it_requires_an_origin_criterion_on_fta_goods_only(code, destination, required):
    found = problems(fta_cert(destination), [make_item(origin_criterion=None)], code=code)
    missing = Problem("goods", "origin_criterion", "第 1 项：请填写原产地标准", 1)
    assert (missing in found) is required


@pytest.mark.parametrize("criterion, ok", [("WO", True), ("RVC40", False)])
def test_it_checks_the_origin_criterion_against_the_agreements_own_criteria(criterion, ok):
    korea_criteria = {"WO", "WP", "PSR"}
    asked = []

    def known_by_agreement(table, code, category):
        if table == "origin_criterion":
            asked.append(category)
            return category == "K" and code in korea_criteria
        return True

    found = problems(fta_cert("KR"), [make_item(origin_criterion=criterion)], code="K",
                     known=known_by_agreement)
    assert asked == ["K"]
    assert (("goods", "origin_criterion") not in fields(found)) is ok


def test_it_does_not_ask_bulk_cargo_for_a_package_count():
    from types import SimpleNamespace

    from app.certificates import rules
    from app.certificates.fieldspecs import GOODS_FIELDS
    from app.certificates.types import TYPES

    row = {name: None for name in GOODS_FIELDS} | {"non_goods": False, "hs_code": "100199", "name_cn": "小麦",
                                                     "name_en": "WHEAT", "quantity": 500, "quantity_unit": "MT",
                                                     "package_unit": "IN BULK", "description": "WHEAT IN BULK"}
    problems = rules.goods_problems([SimpleNamespace(**row)], TYPES["C"], lambda *a: True, lambda c: None)
    assert problems == []
    row["package_unit"] = "CTNS"
    problems = rules.goods_problems([SimpleNamespace(**row)], TYPES["C"], lambda *a: True, lambda c: None)
    assert [p.field for p in problems] == ["package_count"]


def test_a_non_goods_row_may_only_follow_goods():
    # issue 18: 非货物项 rows before any goods passed 申报
    found = problems(items=[make_non_goods(), make_non_goods(), make_item(), make_non_goods()])
    misplaced = [p for p in found if p.field == "non_goods"]
    assert [p.item for p in misplaced] == [1, 2]
    assert "非货物项只能排在货物之后" in misplaced[0].message
    assert problems(items=[make_item(), make_non_goods(), make_item(), make_non_goods()]) == []
