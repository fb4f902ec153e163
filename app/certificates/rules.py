"""申报 rules: everything checked before a certificate may be declared. Pure: no Flask, no database.

The caller passes the certificate and its goods (any objects with the field attributes), the type
from the registry, and two look-up functions, so these rules can be tested with plain objects.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable

from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS
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


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(cert, items: list, ctype: CertType, known: Known, hs_check: HsCheck, today: date) -> list[Problem]:
    """Every problem at once, basic information first, then the goods in order."""
    return basic_problems(cert, ctype, known, today) + goods_problems(items, ctype, known, hs_check)


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
    return problems


def goods_problems(items: list, ctype: CertType, known: Known, hs_check: HsCheck) -> list[Problem]:
    problems = []
    real = [item for item in items if not item.non_goods]
    if not real:
        problems.append(Problem("goods", "items", "至少需要一项货物信息（非货物项不计）"))
    if ctype.item_cap and len(real) > ctype.item_cap:
        problems.append(Problem("goods", "items", f"{ctype.name}最多 {ctype.item_cap} 项货物，现有 {len(real)} 项"))
    for number, item in enumerate(items, start=1):
        problems.extend(_item_problems(number, item, ctype, known, hs_check))
    return problems


def _item_problems(number: int, item, ctype: CertType, known: Known, hs_check: HsCheck) -> list[Problem]:
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
