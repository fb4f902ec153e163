"""LookupField: a form field whose value must come from a code table (the fields with a ▼).

The form holds the entry's code. What the user typed ("JP", "日本", "Japan", "JP 日本") is resolved on
the server; anything else is refused beside the field. Short tables render as a <select>, long ones
as a text input with a 查询 button (see the `lookup` macro in templates/_macros/forms.html). A field
limited to a few codes (`allowed`, e.g. the ten destinations of Form E) offers only those, as a short list.
"""
from markupsafe import Markup, escape
from wtforms import StringField
from wtforms.validators import ValidationError

from . import search
from .tables import TABLES


class LookupField(StringField):
    def __init__(self, label=None, validators=None, table=None, category=None, allowed=(), _form=None, **kwargs):
        super().__init__(label, validators, _form=_form, **kwargs)
        self._form = _form
        self.table = TABLES[table]
        self._category = category  # a string, or a callable(form) for a category that depends on other fields
        self.allowed = tuple(allowed)  # only these codes are offered (the form's validators say why others are not)
        self.entry = None

    @property
    def short(self) -> bool:
        """Offered as a list in the page (a <select> without JavaScript) rather than searched on the server."""
        return self.table.short or bool(self.allowed)

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
        """(code, label) of every active entry, for the <select> of a short table (or of the allowed codes)."""
        if self.allowed:
            entries = [search.get(self.table.key, code, self.category()) for code in self.allowed]
            return [(e.code, e.label) for e in entries if e is not None]
        return search.options(self.table.key, self.category())

    def options_html(self):
        """The <option>s of a short table, the current value selected."""
        if self.allowed:
            options = self.options()
            if self.data and self.data not in self.allowed:  # kept from before, so that nothing vanishes unseen
                entry = search.get(self.table.key, self.data, self.category())
                options = [(self.data, entry.label if entry else self.data)] + options
            return Markup("".join(f'<option value="{escape(code)}"{" selected" if code == self.data else ""}>'
                                  f'{escape(label)}</option>' for code, label in options))
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
