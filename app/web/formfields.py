"""WTForms fields with Chinese messages for numbers and dates, and a required marker that a draft may ignore."""
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from wtforms import DateField, DecimalField, IntegerField, SelectField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets import DateInput, TextInput


class MarkRequired:
    """Shows the red * and the `required` flag, but lets a draft be saved without the value.

    The declare rules (certificates/rules.py) are what insist on it.
    """

    field_flags = {"declare_required": True}  # not "required": that would make browsers refuse a draft

    def __call__(self, form, field):
        return None


class ChineseDecimalField(DecimalField):
    """A number as people type it (1,250 / 12.5), within its column's NUMERIC(digits, places).

    1e309, Infinity and NaN are no numbers anyone means; 10^14 does not fit NUMERIC(18, 4) (PostgreSQL refused it
    with a 500, SQLite stored 1e309 as Infinity). Each is refused beside the field, and what was typed stays.
    """

    # A text box, not <input type=number>: a browser empties a number box holding "1,250" or "1e309" and sends
    # nothing, so the clerk's entry would vanish without a word; the server reads and explains it instead.
    widget = TextInput()

    def __init__(self, label=None, validators=None, digits=18, places=4, thousands=True, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, places=None, **kwargs)
        self.digits, self.decimal_places, self.thousands = digits, places, thousands

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            text = without_thousands(valuelist[0].strip(), self.thousands)
        except ValueError:
            self.data = None
            raise
        try:
            self.data = Decimal(text)
            if not self.data.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            self.data = None
            raise ValueError("请填写数字，例如 1250 或 12.5")
        message = decimal_problem(self.data, self.digits, self.decimal_places)
        if message:
            self.data = None
            raise ValueError(message)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data, "f")


THOUSANDS = re.compile(r"^[+-]?\d{1,3}([,，]\d{3})+(\.\d*)?$")


def without_thousands(text: str, allowed: bool) -> str:
    """1,250 → 1250 where the field takes thousands separators; else (or misplaced: 1,25) a ValueError."""
    if "," not in text and "，" not in text:
        return text
    if not allowed:
        raise ValueError("请只填写数字，不要用逗号分隔（例如 1000）")
    if not THOUSANDS.match(text):
        raise ValueError("千位分隔符位置不正确：每三位一个逗号，例如 1,250 或 12,500.5")
    return text.replace(",", "").replace("，", "")


def decimal_problem(value: Decimal, digits: int, places: int) -> str | None:
    """Why `value` does not fit NUMERIC(digits, places), in the words the clerk reads beside the field."""
    whole = digits - places
    if abs(value) >= Decimal(10) ** whole:
        return f"数值超出范围：整数部分最多 {whole} 位"
    if value.as_tuple().exponent < -places and value != value.quantize(Decimal(1).scaleb(-places)):
        return f"最多 {places} 位小数" if places else "请填写整数"
    return None


class ChineseIntegerField(IntegerField):
    """A whole number, from minimum to maximum (a 32-bit INTEGER column unless told otherwise)."""

    widget = TextInput()  # (as ChineseDecimalField)

    def __init__(self, label=None, validators=None, minimum=-2_147_483_648, maximum=2_147_483_647, thousands=True,
                 **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.thousands = minimum, maximum, thousands

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            text = without_thousands(valuelist[0].strip(), self.thousands)
        except ValueError:
            self.data = None
            raise
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError("请填写整数")
        if not self.minimum <= self.data <= self.maximum:
            message = f"数值超出范围：最大 {self.maximum}" if self.data > self.maximum else f"数值超出范围：最小 {self.minimum}"
            self.data = None
            raise ValueError(message)


class ChineseDateField(DateField):
    """A date; the browser's calendar where there is one, else a text box taking YYYY-MM-DD."""

    widget = DateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"])
        # (no placeholder: HTML allows none on a date input; old browsers that show a text box get the title)
        kwargs.setdefault("render_kw", {"title": "日期，格式 YYYY-MM-DD"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%Y-%m-%d") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata([valuelist[0].strip()])
        except ValueError:
            self.data = None
            raise ValueError("日期格式应为 YYYY-MM-DD，例如 2026-11-27")


class YesNoField(SelectField):
    """A 是/否 drop-down (the manual's 下拉菜单) whose data is a bool."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[SelectChoice("0", "否"), SelectChoice("1", "是")], **kwargs)

    def process_data(self, value):
        self.data = bool(value)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0] in ("1", "y", "on", "true", "是")

    def iter_choices(self):
        return [Choice(value=c.value, label=c.label, selected=(c.value == "1") is bool(self.data), render_kw={})
                for c in self.choices]

    def pre_validate(self, form):
        pass
