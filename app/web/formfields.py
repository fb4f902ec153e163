"""WTForms fields with Chinese messages for numbers and dates, and a required marker that a draft may ignore."""
from datetime import date
from decimal import Decimal, InvalidOperation

from wtforms import DateField, DecimalField, IntegerField, SelectField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets import DateInput


class MarkRequired:
    """Shows the red * and the `required` flag, but lets a draft be saved without the value.

    The declare rules (certificates/rules.py) are what insist on it.
    """

    field_flags = {"declare_required": True}  # not "required": that would make browsers refuse a draft

    def __call__(self, form, field):
        return None


class ChineseDecimalField(DecimalField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(",", "").replace("，", "")
        try:
            self.data = Decimal(text)
            if not self.data.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            self.data = None
            raise ValueError("请填写数字，例如 1250 或 12.5")


class ChineseIntegerField(IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip().replace(",", ""))
        except ValueError:
            self.data = None
            raise ValueError("请填写整数")


class ChineseDateField(DateField):
    """A date; the browser's calendar where there is one, else a text box taking YYYY-MM-DD."""

    widget = DateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"])
        kwargs.setdefault("render_kw", {"placeholder": "YYYY-MM-DD"})
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
