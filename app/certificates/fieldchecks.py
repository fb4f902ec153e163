"""The one check of each certificate field's value, from its definition in fieldspecs. Pure: no Flask, no database.

The entry forms, 初始值设置, 申报 (rules.py) and the authority's automatic review all call these, so a value is
judged the same wherever it is typed or declared, and the browser learns the verdict from the server.
"""
import re
import unicodedata
from decimal import Decimal

from app.textrules import CHINESE, half_width
from app.web.formfields import decimal_problem

from .fieldspecs import PATTERNS, FieldSpec
from .printable import shown, unprintable

def normalise_text(spec: FieldSpec, value, english_certificate: bool):
    """What is saved for a typed text: half-width where the field is English on an English certificate."""
    if isinstance(value, str) and spec.english and english_certificate:
        return half_width(value)
    return value


def text_problem(spec: FieldSpec, value: str | None, english_certificate: bool) -> str | None:
    """Why a text value cannot stand (length, printable characters, English, pattern, forbidden text), or None."""
    if value is None or not str(value).strip():
        return None
    value = str(value)
    if len(value) > spec.max_length:
        return f"{spec.label}不能超过 {spec.max_length} 个字符（现有 {len(value)} 个）"
    bad = unprintable(value)
    if bad:
        return f"{spec.label}含证书无法打印的字符：{shown(bad)}，请删除（如表情符号）"
    if spec.english and english_certificate and CHINESE.search(value):
        return f"{spec.label}须用英文填写，不能含中文或全角字符"
    if spec.kind in PATTERNS:
        pattern, message = PATTERNS[spec.kind]
        if not re.match(pattern, value):
            return message.format(label=spec.label)
    upper = unicodedata.normalize("NFKC", value).strip().upper()
    for text, message in spec.forbidden:
        if upper.startswith(text):
            return message
    return None


def number_problem(spec: FieldSpec, value) -> str | None:
    """Why a stored or declared number cannot stand (not finite, not positive, beyond the column), or None."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return f"{spec.label}须为数字"
    if not number.is_finite():
        return f"{spec.label}须为有限的数字"
    if spec.positive and number <= 0:
        return f"{spec.label}必须大于 0"
    if number < 0:
        return f"{spec.label}不能为负数"
    if spec.kind == "integer":
        if number != number.to_integral_value():
            return f"{spec.label}须为整数"
        return f"{spec.label}数值超出范围：最大 {spec.maximum}" if number > spec.maximum else None
    message = decimal_problem(number, spec.digits, spec.places)
    return f"{spec.label}{message}" if message else None


def value_problem(spec: FieldSpec, value, english_certificate: bool) -> str | None:
    """The check of any field kind that has one (lookups and dates are checked against tables and each other)."""
    if spec.kind in ("number", "integer"):
        return number_problem(spec, value)
    if spec.kind in ("text", "textarea", "phone", "email"):
        return text_problem(spec, value, english_certificate)
    return None
