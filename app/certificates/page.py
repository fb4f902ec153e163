"""The certificate page (新建证书, a saved certificate): one builder that every render of the page goes through.

Several certificates can be open at once in the shell's tabs, all in one DOM, so every id on the page
carries the page's prefix (`c12-` for certificate 12, `new-C-` for a new 一般原产地证) and every row
editor its own (`c12-r34-` for goods row 34). Declare problems are put on the fields they concern:
basic-information problems on the 基本信息 form, a goods or material row's problems on that row's
editor, opened in place.
"""
import re
from dataclasses import dataclass, field

from flask import request
from flask_login import current_user

from app.web.htmx import render_page_or_fragment

from . import services, states
from .clock import today
from .entry_forms import basic_form_class
from .fieldspecs import SECTIONS
from .rows import KINDS, RowKind
from .types import CertType

WIDE_SECTIONS = frozenset({"producer_name", "exhibition"})  # sections that take the whole width


def page_prefix(ctype: CertType, cert=None) -> str:
    return f"c{cert.id}-" if cert is not None else f"new-{ctype.code}-"


def prefix_ids(form, prefix: str):
    """Give every field of `form` an id unique in the shell: `prefix` + its name (labels follow)."""
    for f in form:
        f.id = prefix + f.name
        f.label.field_id = f.id
    return form


def posted_prefix() -> str:
    """The id prefix a 生成 request carries, so that the field comes back with the ids it had."""
    prefix = request.form.get("_prefix", "")
    return prefix if len(prefix) <= 40 and re.fullmatch(r"[A-Za-z0-9-]*", prefix) else ""


def add_error(form, name: str, message: str) -> bool:
    """Put `message` on the field `name` of `form`; False when the form has no such field."""
    f = getattr(form, name, None) if name in form else None
    if f is None:
        return False
    if message not in f.errors:
        f.errors = list(f.errors) + [message]
    return True


def first_error(form):
    return next((f for f in form if f.errors and f.type not in ("CSRFTokenField", "HiddenField")), None)


def focus(f) -> None:
    """Autofocus a field (a failed save lands the keyboard and the view on the first bad field)."""
    f.render_kw = {**(f.render_kw or {}), "autofocus": True}


@dataclass
class RowEditor:
    """An open row editor: the new-row editor below a table, or a saved row's editor opened in its place."""

    kind: RowKind
    form: object
    row: object = None  # None: the new-row editor
    prefix: str = ""
    cert: object = None
    posted: bool = False  # it holds what was typed (refused, or 生成 without JS), not what is saved

    @property
    def heading(self) -> str:
        if self.row is None:
            return f"新增{self.kind.label}（第 {len(self.kind.rows(self.cert)) + 1} 项）"
        return f"编辑第 {self.row.position} 项{self.kind.label}"

    def summary_prefix(self) -> str:
        if self.row is None:
            return f"新增{self.kind.label}："
        return f"第 {self.row.position} 项：" if self.kind.key == "goods" else f"{self.kind.label}第 {self.row.position} 项："


ROW_PREFIX = re.compile(r"^(日本进料)?第 \d+ 项：")


@dataclass
class CertificatePage:
    ctype: CertType
    cert: object = None
    form: object = None  # the 基本信息 form; built from the certificate (or 初始值设置) when not given
    problems: tuple = ()  # declare problems (rules.Problem)
    stale: bool = False
    change_errors: dict = field(default_factory=dict)
    editors: dict = field(default_factory=dict)  # (kind key, row id or None) → a row form as posted (kept as typed)
    focus_first_error: bool = False
    form_posted: bool | None = None  # False: a given form the clerk did not type (新建证书's destination)

    def __post_init__(self):
        self.prefix = page_prefix(self.ctype, self.cert)
        # it holds what was typed, not what is saved
        self.basic_posted = self.form is not None if self.form_posted is None else self.form_posted
        self.section_errors: dict[str, list[str]] = {}  # kind key → problems without a row (e.g. no goods)
        self._open: dict = {}  # (kind key, row id or None) → RowEditor
        if self.form is None:
            self.form = self._stored_form()
        prefix_ids(self.form, self.prefix)
        for (kind_key, row_id), form in list(self.editors.items()):
            kind = KINDS[kind_key]
            row = next(r for r in kind.rows(self.cert) if r.id == row_id) if row_id is not None else None
            self._open[(kind_key, row_id)] = self._editor(kind, form, row, posted=True)
        self._place_problems()
        if self.focus_first_error:
            self._focus()

    # ------------------------------------------------------------ building
    def _stored_form(self):
        form_class = basic_form_class(self.ctype)
        if self.cert is None:
            return form_class(formdata=None, data=services.defaults(current_user.enterprise, self.ctype, today()))
        form = form_class(obj=self.cert, formdata=None)
        form.version.data = self.cert.version
        return form

    def _place_problems(self) -> None:
        for p in self.problems:
            if p.tab == "basic":
                if not add_error(self.form, p.field, p.message):
                    self.change_errors.setdefault(p.field, p.message)
                continue
            kind = KINDS[p.tab]
            if p.item is None or self.cert is None:
                self.section_errors.setdefault(kind.key, []).append(p.message)
                continue
            editor = self.editor(kind, kind.rows(self.cert)[p.item - 1])
            message = ROW_PREFIX.sub("", p.message)
            if not add_error(editor.form, p.field, message):
                editor.form.form_errors.append(message)

    def _focus(self) -> None:
        for form in [self.form] + [e.form for e in self._open.values()]:
            bad = first_error(form)
            if bad is not None:
                focus(bad)
                return

    def _editor(self, kind: RowKind, form, row, posted=False) -> RowEditor:
        prefix = self.row_prefix(kind, row)
        prefix_ids(form, prefix)
        return RowEditor(kind, form, row, prefix, self.cert, posted)

    def editor(self, kind: RowKind, row=None) -> RowEditor:
        """A row editor, opened on `row` (None: the new-row editor) with its saved values if not open yet."""
        key = (kind.key, row.id if row is not None else None)
        if key not in self._open:
            if row is None:
                form = kind.form_class(self.cert)(formdata=None, data=kind.defaults(self.cert))
            else:
                form = kind.form_class(self.cert)(obj=row, formdata=None)
                form.version.data = row.version
            self._open[key] = self._editor(kind, form, row)
        return self._open[key]

    def row_prefix(self, kind: RowKind, row=None) -> str:
        letter = "r" if kind.key == "goods" else "m"
        return f"{self.prefix}{letter}{row.id if row is not None else 'new'}-"

    def is_open(self, kind: RowKind, row) -> bool:
        return (kind.key, row.id) in self._open

    # ------------------------------------------------------------ what the page shows
    @property
    def editable(self) -> bool:
        return self.cert is None or states.can_edit(self.cert.status)

    @property
    def sections(self) -> list[tuple[str, list[str], bool]]:
        """(heading, field names, wide) in page order: a new section starts at each SECTIONS field."""
        groups: list = []
        for name in self.ctype.basic_fields:
            if name in SECTIONS or not groups:
                groups.append((SECTIONS.get(name, "基本信息"), [], name in WIDE_SECTIONS))
            groups[-1][1].append(name)
        return groups

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(tab, field id, message) of every error on the page, in page order: the list at the top."""
        found = []
        for f in self.form:
            for message in f.errors:
                found.append(("basic", f.id, message if f.label.text in message else f"{f.label.text}：{message}"))
        for name, message in self.change_errors.items():
            found.append(("basic", self.prefix + name, message))
        for kind in KINDS.values():
            first_field = f"{self.row_prefix(kind)}{next(iter(kind.fields))}"
            for message in self.section_errors.get(kind.key, []):
                found.append((kind.key, first_field, message))
            for editor in self._open.values():
                if editor.kind is not kind:
                    continue
                lead = editor.summary_prefix()
                for message in editor.form.form_errors:
                    found.append((kind.key, editor.prefix + next(iter(kind.fields)), lead + message))
                for f in editor.form:
                    for message in f.errors:
                        text = message if f.label.text in message else f"{f.label.text}：{message}"
                        found.append((kind.key, f.id, lead + text))
        return found

    def tab_errors(self) -> dict[str, int]:
        """How many errors each tab holds (the tab shows a mark)."""
        counts = {"basic": 0, "goods": 0, "materials": 0}
        for tab, _target, _message in self.error_summary():
            counts[tab] += 1
        return counts

    def context(self) -> dict:
        cert = self.cert
        receipts = _receipts(cert) if cert is not None else []
        return {"live_status": cert is not None and (bool(receipts) or not self.editable),
            "page": self, "ctype": self.ctype, "cert": cert, "form": self.form, "problems": self.problems,
            "stale": self.stale, "change_errors": self.change_errors, "p": self.prefix,
            "header": services.header(current_user.enterprise) if cert is None else cert,
            "message": services.pending_message(cert) if cert is not None else None,
            "receipts": receipts, "undertaking_text": services.undertaking_text(),
            "japan_materials_apply": services.japan_materials_apply(cert) if cert is not None else None,
        }
    # ------------------------------------------------------------ responses
    def template(self) -> str:
        if self.cert is not None and not states.can_edit(self.cert.status):
            return "certificates/view.html"
        if self.cert is not None and self.cert.kind == "reissue":
            return "certificates/reissue.html"  # only 重发原因 is filled; the body stays as issued
        return "certificates/edit.html"

    def render(self, status: int = 200):
        """The whole page (a full page, or a tab pane's content)."""
        template = self.template()
        return render_page_or_fragment(template, template, status, **self.context())

    def render_section(self, kind: RowKind, status: int = 200, **extra):
        """A row kind's section (messages, table, new-row editor): the answer to add / copy / delete; `extra`
        goes to the templates (导入货物's refused file)."""
        return render_page_or_fragment(self.template(), "certificates/_rows.html", status, kind=kind,
                                       **self.context(), **extra)

    def render_rows(self, kind: RowKind, rows: list, status: int = 200):
        """Rows alone: the first is the swap target (`closest tr`), the others go out of band."""
        return render_page_or_fragment(self.template(), "certificates/_row_answer.html", status, kind=kind,
                                       answer_rows=rows, **self.context())


def _receipts(cert):
    from .views.receipts import receipts_of

    return receipts_of(cert)
