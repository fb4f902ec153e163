"""申报 rules: everything checked before a certificate may be declared. Pure: no Flask, no database.

The caller passes the certificate and its goods (any objects with the field attributes), the type
from the registry, and two look-up functions, so these rules can be tested with plain objects.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable

from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS, MATERIAL_REQUIRED
from .types import CertType

CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FORBIDDEN_MARKS = ("AS PER INVOICE",)
BULK_UNITS = ("IN BULK",)  # bulk cargo has no package count


@dataclass(frozen=True)
class Problem:
    """One reason the certificate cannot be declared, pointing at the field to fix."""

    tab: str  # basic | goods
    field: str
    message: str
    item: int | None = None  # goods row number (1-based) for goods problems


Known = Callable[[str, str, str | None], bool]  # (table, code, category) → is it an active entry?
HsCheck = Callable[[str], str | None]  # code → message, or None when known
CriterionInfo = Callable[[str, str], dict]  # (agreement, code) → the criterion's attributes (needs_value, aux …)


def no_info(_agreement: str, _code: str) -> dict:
    return {}


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(cert, items: list, ctype: CertType, known: Known, hs_check: HsCheck, today: date,
          materials: list = (), criterion_info: CriterionInfo = no_info) -> list[Problem]:
    """Every problem at once: basic information, the goods in order, then 日本进料信息."""
    problems = basic_problems(cert, ctype, known, today) + change_problems(cert)
    problems += goods_problems(items, ctype, known, hs_check, criterion_info)
    if ctype.japan_materials and cert.destination_country == "JP":
        problems += material_problems(materials, hs_check)
    return problems


def basic_problems(cert, ctype: CertType, known: Known, today: date) -> list[Problem]:
    problems = []

    def add(name, message):
        problems.append(Problem("basic", name, message))

    for name in ctype.basic_fields:
        spec, value = BASIC_FIELDS[name], getattr(cert, name, None)
        if spec.kind == "bool":
            continue
        if _empty(value):
            if name in ctype.required:
                add(name, f"请填写{spec.label}")
            continue
        if spec.kind == "lookup" and not known(spec.table, value, None):
            add(name, f"{spec.label}“{value}”不在参数表中，请重新选择")
        if spec.english and ctype.language == "en" and CHINESE.search(str(value)):
            add(name, f"{spec.label}须用英文填写，不能含中文或全角字符")
        if spec.kind == "email" and not EMAIL.match(value):
            add(name, f"{spec.label}格式不正确")
    if cert.issuing_authority and cert.collecting_authority and cert.issuing_authority != cert.collecting_authority:
        add("collecting_authority", "签证机构和领证机构必须一致")
    if ctype.destinations and cert.destination_country and cert.destination_country not in ctype.destinations:
        add("destination_country", f"{ctype.name}的目的地只能是：" + "、".join(ctype.destinations))
    marks = (cert.marks or "").strip().upper()
    if any(marks == bad or marks.startswith(bad) for bad in FORBIDDEN_MARKS):
        add("marks", "唛头不能填写 AS PER INVOICE；无唛头请填 N/M")
    if cert.invoice_date and cert.application_date and cert.invoice_date > cert.application_date:
        add("invoice_date", "发票日期不能晚于申请日期")
    if cert.application_date and cert.application_date > today:
        add("application_date", "申请日期不能晚于今天")
    problems += _agreement_basic_problems(cert, ctype)
    return problems


def _agreement_basic_problems(cert, ctype: CertType) -> list[Problem]:
    """中国-东盟 展览证书 / 第三方发票 (manual 1.4) and the producer conventions of the FTA forms."""
    problems = []
    fields = set(ctype.basic_fields)
    if "exhibition" in fields and cert.exhibition and _empty(cert.exhibition_info):
        problems.append(Problem("basic", "exhibition_info", "展览证书须填写展览名称及地址（证书上附在进口商之后）"))
    if "third_party_invoice" in fields and cert.third_party_invoice:
        if _empty(cert.application_remarks):
            problems.append(Problem("basic", "application_remarks", "第三方发票：请在申请书备注中填写原发票号和发票日期"))
        if _empty(cert.special_terms):
            problems.append(Problem("basic", "special_terms", "第三方发票：请在特殊条款中填写第三方发票公司名称及所在国家或地区"))
    if "producer_confidential" in fields and cert.producer_confidential and _empty(cert.producer_description):
        problems.append(Problem("basic", "producer_description",
                                "勾选生产商保密时仍须填写生产商描述（证书上显示 AVAILABLE UPON REQUEST）"))
    return problems


def change_problems(cert) -> list[Problem]:
    """更改证 needs 更改原因 and 更改内容; 重发证 needs 重发原因 (manual 第二章 更改证 / 重发证)."""
    kind = getattr(cert, "kind", None)
    problems = []
    if kind in ("change", "change_reissue"):
        if _empty(getattr(cert, "reason", None)):
            problems.append(Problem("basic", "reason", "请填写更改原因"))
        if _empty(getattr(cert, "change_content", None)):
            problems.append(Problem("basic", "change_content", "请填写更改内容"))
    if kind == "reissue" and _empty(getattr(cert, "reason", None)):
        problems.append(Problem("basic", "reason", "请填写重发原因"))
    return problems


def goods_problems(items: list, ctype: CertType, known: Known, hs_check: HsCheck,
                   criterion_info: CriterionInfo = no_info) -> list[Problem]:
    problems = []
    real = [item for item in items if not item.non_goods]
    if not real:
        problems.append(Problem("goods", "items", "至少需要一项货物信息（非货物项不计）"))
    if ctype.item_cap and len(real) > ctype.item_cap:
        problems.append(Problem("goods", "items", f"{ctype.name}最多 {ctype.item_cap} 项货物，现有 {len(real)} 项"))
    for number, item in enumerate(items, start=1):
        problems.extend(_item_problems(number, item, ctype, known, hs_check, criterion_info))
    if ctype.end_marker and real and not (real[-1].description or "").rstrip().endswith(ctype.end_marker):
        problems.append(Problem("goods", "description", f"{ctype.name}最后一项货物描述须以 {ctype.end_marker} 结尾",
                                items.index(real[-1]) + 1))
    return problems


def _item_problems(number: int, item, ctype: CertType, known: Known, hs_check: HsCheck,
                   criterion_info: CriterionInfo) -> list[Problem]:
    problems = []

    def add(name, message):
        problems.append(Problem("goods", name, f"第 {number} 项：{message}", number))

    if _empty(item.description):
        add("description", "请填写货物描述")
    elif ctype.language == "en" and CHINESE.search(item.description):
        add("description", "货物描述须用英文填写")
    if item.non_goods:
        return problems
    for name in ctype.goods_fields:
        spec, value = GOODS_FIELDS[name], getattr(item, name, None)
        if spec.kind == "bool" or name == "description":
            continue
        if _empty(value):
            bulk = name == "package_count" and item.package_unit in BULK_UNITS
            if name in ctype.goods_required and not bulk:
                add(name, f"请填写{spec.label}")
            continue
        if spec.kind == "lookup":
            category = ctype.agreement if name == "origin_criterion" else None
            if not known(spec.table, value, category):
                add(name, f"{spec.label}“{value}”不在参数表中，请重新选择")
        if spec.english and ctype.language == "en" and CHINESE.search(str(value)):
            add(name, f"{spec.label}须用英文填写")
    if item.hs_code:
        message = hs_check(item.hs_code)
        if message:
            add("hs_code", message)
        elif len(item.hs_code) < ctype.hs_min_digits:
            add("hs_code", f"{ctype.name}须填写至少 {ctype.hs_min_digits} 位 HS 编码")
    if "importing_hs" in ctype.goods_fields and item.importing_hs and not re.fullmatch(r"\d{8}", item.importing_hs):
        add("importing_hs", "进口方HS编码应为 8 位数字")
    if item.origin_criterion and ctype.agreement:
        info = criterion_info(ctype.agreement, item.origin_criterion)
        if info.get("needs_value") and _empty(item.criterion_aux):
            add("criterion_aux", f"原产地标准 {item.origin_criterion} 须在辅助项中填写百分比")
    for name in ("quantity", "package_count", "gross_weight", "net_weight"):
        value = getattr(item, name, None)
        if value is not None and Decimal(value) <= 0:
            add(name, f"{GOODS_FIELDS[name].label}必须大于 0")
    if item.amount is not None and Decimal(item.amount) < 0:
        add("amount", "金额不能为负数")
    if item.gross_weight is not None and item.net_weight is not None and item.net_weight > item.gross_weight:
        add("net_weight", "净重不能大于毛重")
    if (item.gross_weight is not None or item.net_weight is not None) and _empty(item.weight_unit):
        add("weight_unit", "填写了重量时请选择重量单位")
    if item.amount is not None and _empty(item.currency):
        add("currency", "填写了金额时请选择币制")
    return problems


def material_problems(materials: list, hs_check: HsCheck) -> list[Problem]:
    """日本进料信息: each material complete, with a known HS code."""
    problems = []
    for number, row in enumerate(materials, start=1):
        def add(name, message):
            problems.append(Problem("materials", name, f"日本进料第 {number} 项：{message}", number))

        for name in MATERIAL_REQUIRED:
            if _empty(getattr(row, name, None)):
                add(name, f"请填写{MATERIAL_FIELDS[name].label}")
        if row.hs_code and hs_check(row.hs_code):
            add("hs_code", hs_check(row.hs_code))
        if row.quantity is not None and Decimal(row.quantity) <= 0:
            add("quantity", "数量必须大于 0")
        if row.value is not None and Decimal(row.value) < 0:
            add("value", "价值不能为负数")
    return problems
