"""打印设置 rules. Pure."""
from decimal import Decimal, InvalidOperation

OFFSET_LIMIT = Decimal("30")  # mm either way; the column holds 5 digits with 1 decimal
OFFSET_STEP = Decimal("0.1")


def parse_offset(raw: str | None) -> tuple[Decimal | None, str | None]:
    """A printer offset typed in millimetres → (value rounded to 0.1 mm, None) or (None, the message).

    Empty means 0. Anything that is not a finite number (abc, NaN, Infinity, 1e309 is finite but far out of
    range) gets a message, never an exception.
    """
    text = (raw or "").strip() or "0"
    if len(text) > 40:
        return None, "请填写数字（毫米），如 1.5 或 -2"
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, "请填写数字（毫米），如 1.5 或 -2"
    if not value.is_finite():
        return None, "请填写数字（毫米），如 1.5 或 -2"
    if abs(value) > OFFSET_LIMIT:
        return None, f"偏移应在 -{OFFSET_LIMIT} 至 {OFFSET_LIMIT} 毫米之间"
    return value.quantize(OFFSET_STEP), None
