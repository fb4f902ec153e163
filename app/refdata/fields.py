"""LookupField: a form field whose value must come from a code table (the fields with a ▼).

The form holds the entry's code. What the user typed ("JP", "日本", "Japan", "JP 日本") is resolved on
the server; anything else is refused beside the field. Short tables render as a <select>, long ones
as a text input with a 查询 button (see the `lookup` macro in templates/_macros/forms.html).
"""
from wtforms import StringField
from wtforms.validators import ValidationError

from . import search
from .tables import TABLES


class LookupField(StringField):
    def __init__(self, label=None, validators=None, table=None, category=None, _form=None, **kwargs):
        super().__init__(label, validators, _form=_form, **kwargs)
        self._form = _form
        self.table = TABLES[table]
        self._category = category  # a string, or a callable(form) for a category that depends on other fields
        self.entry = None

    def category(self) -> str | None:
        return self._category(self._form) if callable(self._category) else self._category

    def _value(self) -> str:
        """What the input shows: the text typed back, else the stored code with its name."""
        if self.raw_data:
            typed = self.raw_data[0]
            entry = search.get(self.table.key, typed, self.category()) if typed and " " not in typed.strip() else None
            return entry.label if entry else typed
        if self.data:
            entry = search.get(self.table.key, self.data, self.category())
            return entry.label if entry else self.data
        return ""

    def options(self) -> list[tuple[str, str]]:
        """(code, label) of every active entry, for the <select> of a short table."""
        return search.options(self.table.key, self.category())

    def options_html(self):
        """The <option>s of a short table, the current value selected."""
        return search.options_html(self.table.key, self.category(), self.data)

    def pre_validate(self, form):
        text = (self.data or "").strip()
        self.data = text or None
        if not text:
            return
        entry = search.resolve(self.table.key, text, self.category())
        if entry is None:
            raise ValidationError(f"请从{self.table.label}中选择（可输入代码或名称后按回车选择）")
        self.entry = entry
        self.data = entry.code
