"""导入货物 on the 货物信息 tab: goods rows from an Excel (.xlsx) or CSV file in one transaction, and 下载模板.

Every row is checked by the type's goods form built from the row as if it had been typed (goods_import.py maps
the columns), so the checks and their messages are the row editor's. Any bad row saves nothing: the goods
section comes back with every problem by row and column (422). A good file adds its rows after the existing
ones; an empty 货物描述 is generated as 生成 does. Without JavaScript a plain multipart form and the whole page.
"""
from dataclasses import dataclass, field

from flask import abort, current_app, flash, redirect, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict

from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.extensions import db
from app.refdata import search
from app.web import spreadsheets
from app.web.htmx import is_fragment_request

from .. import bp, goods_import as sheet, limits, products, rows, services
from ..entry_forms import goods_form_class
from ..fieldspecs import GOODS_FIELDS
from ..models import Certificate
from ..page import CertificatePage
from ..rows import GOODS
from ..types import TYPES, CertType, get_type
from .goods import description_text

LISTS = ("quantity_unit", "package_unit", "weight_unit", "currency", "origin_criterion")  # drop-downs
TEXT = (sheet.PRODUCT_CODE, "hs_code", "importing_hs", "criterion_aux")  # kept as typed (0101 stays 0101)
READ_AT_MOST = 5  # × the row cap: reading a file stops there (what does not fit is refused anyway)


class ImportForm(FlaskForm):
    file = FileField("Excel 或 CSV 文件", [FileRequired("请选择要导入的 Excel（.xlsx）或 CSV 文件")])


@dataclass
class Outcome:
    """What an import found: the form data of every row to add, or why nothing is added."""

    rows: list[dict] = field(default_factory=list)
    problems: list[sheet.Problem] = field(default_factory=list)
    message: str = ""  # a problem of the file as a whole
    sample_skipped: bool = False
    filename: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.message or self.problems)

    @property
    def listed(self) -> list[sheet.Problem]:
        return self.problems[:sheet.MAX_LISTED]

    @property
    def summary(self) -> str:
        if self.message:
            return self.message
        bad_rows = len({p.row for p in self.problems})
        more = len(self.problems) - len(self.listed)
        name = f"“{self.filename}”" if self.filename else ""
        return (f"文件{name}中有 {len(self.problems)} 处错误（{bad_rows} 行），未导入任何货物。请在文件中改正下列各处后重新导入"
                + (f"（只列出前 {len(self.listed)} 处，另有 {more} 处）：" if more else "："))


@bp.get("/certificates/goods-template/<code>.xlsx")
@qualification_required
def goods_template(code):
    """下载模板: the goods columns of a certificate type, a sample row, drop-down lists for units and codes."""
    ctype = TYPES.get(code)
    if ctype is None:
        abort(404)
    return spreadsheets.xlsx_response(template_bytes(ctype), f"货物导入模板-{ctype.name}.xlsx")


@bp.post("/certificates/<int:cert_id>/goods/import")
@qualification_required
def import_goods(cert_id):
    """导入货物: every row checked as typed; any bad row saves nothing and is listed by row and column."""
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    services.require_editable(cert)
    ctype = get_type(cert.cert_type)
    form = ImportForm()
    outcome = _checked(cert, ctype, form.file.data) if form.validate() else Outcome(
        message="；".join(form.file.errors) or "请选择要导入的 Excel（.xlsx）或 CSV 文件")
    if outcome.failed:
        return CertificatePage(ctype, cert).render_section(GOODS, 422, goods_import=outcome)
    first = len(cert.items) + 1
    for data in outcome.rows:
        services.add_item(cert, data)
    db.session.commit()
    count = len(outcome.rows)
    flash(f"已导入 {count} 项货物（第 {first}–{first + count - 1} 项）"
          + ("；模板的示例行未导入" if outcome.sample_skipped else "") + "。", "success")
    if is_fragment_request():
        return CertificatePage(ctype, cert).render_section(GOODS)
    return redirect(url_for("certificates.edit", cert_id=cert.id, _anchor=f"c{cert.id}-goods-section"))


def _checked(cert: Certificate, ctype: CertType, upload) -> Outcome:
    """The file's rows as goods-row form data, each checked by the goods form, or why the file is refused."""
    limit = current_app.config["GOODS_IMPORT_MAX_BYTES"]
    data = upload.read(limit + 1)
    if len(data) > limit:
        return Outcome(message=sheet.too_large(limit))
    try:
        table = spreadsheets.read_table(data, upload.filename or "", READ_AT_MOST * limits.max_goods_rows())
    except spreadsheets.SheetError as exc:
        return Outcome(message=str(exc))
    columns, problems = sheet.read_header(table.header, ctype, table.header_line)
    sample = {name: str(value) for name, value in written_sample(ctype).items()}
    outcome = Outcome(problems=problems, filename=_shown_name(upload.filename))
    body = []
    for number, cells in table.rows:
        values, cell_problems = sheet.row_cells(number, cells, columns, ctype)
        if not cell_problems and sheet.matches(values, sample):
            outcome.sample_skipped = True
        else:
            body.append((number, values, cell_problems))
    if rows.no_room(GOODS, cert, adding=len(body)):
        return Outcome(message=sheet.too_many_rows(len(body), len(cert.items), limits.max_goods_rows()))
    if not body:
        return Outcome(message="文件中只有模板的示例行，没有要导入的货物：请从第 2 行起每行填写一项货物" if outcome.sample_skipped
                       else "文件中只有列标题，没有货物：请从第 2 行起每行填写一项货物")
    defaults = services.goods_defaults(cert.enterprise_id)
    for number, values, cell_problems in body:
        outcome.problems += cell_problems
        data = _row_data(cert, ctype, number, values, columns, defaults, outcome.problems)
        if data is not None:
            outcome.rows.append(data)
    return outcome


def _shown_name(filename: str | None) -> str:
    """The file's own name as the clerk chose it (no folders; a very long one shortened)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name if len(name) <= 60 else name[:57] + "…"


def _row_data(cert, ctype, number, values, columns, defaults, problems) -> dict | None:
    """One row through the goods form (商品库 and 初始值设置 fill its empty cells); None when it has problems."""
    product_values = {}
    code = values.get(sheet.PRODUCT_CODE)
    if code:
        product = products.by_code(cert.enterprise_id, code)
        if product is None:
            column, letter = columns.title_of(sheet.PRODUCT_CODE)
            problems.append(sheet.Problem(number, column, f"商品库中没有商品编号为“{code}”的商品：请核对编号，"
                                                          "或清空该格后直接填写各栏", letter))
            return None
        product_values = products.row_values(product, ctype)
    typed = sheet.filled(values, product_values, defaults)
    form = goods_form_class(ctype)(formdata=MultiDict(typed), meta={"csrf": False})
    if not form.validate():
        problems += sheet.form_problems(number, form.errors, columns)
        return None
    data = form.data
    name = form.name_cn.data if ctype.language == "zh" else form.name_en.data
    if not data.get("description") and not data.get("non_goods") and name and form.package_count.data is not None:
        data["description"] = description_text(form, ctype)  # 生成, as the button does
    return data


# ---------------------------------------------------------------- 下载模板
def written_sample(ctype: CertType) -> dict:
    """The sample row as the template writes it: codes as their drop-down labels, numbers as numbers."""
    criteria = search.options("origin_criterion", ctype.agreement) if "origin_criterion" in ctype.goods_fields else []
    written = {}
    for name, value in sheet.sample(ctype, criteria[0][0] if criteria else None).items():
        spec = GOODS_FIELDS[name]
        if spec.kind == "lookup":
            entry = search.get(spec.table, value, _category(spec, ctype))
            value = entry.label if entry is not None else value
        elif spec.kind in ("number", "integer"):
            value = int(value)
        written[name] = value
    return written


def _category(spec, ctype: CertType) -> str | None:
    return ctype.agreement if spec.table == "origin_criterion" else None


def template_bytes(ctype: CertType) -> bytes:
    """The goods sheet (titles, sample row, drop-downs, code columns as text) and a sheet explaining each column."""
    names = sheet.template_fields(ctype)
    sample = written_sample(ctype)
    validations = []
    for name in LISTS:
        if name in names:
            spec = GOODS_FIELDS[name]
            labels = [entry.label for entry in search.all_entries(spec.table, _category(spec, ctype))]
            if labels:
                validations.append((sheet.column_letter(names.index(name)), labels, spec.label))
    goods = spreadsheets.Sheet("货物信息", [sheet.title(n) for n in names], [[sample.get(n) for n in names]],
                               validations=validations,
                               text_columns=tuple(names.index(n) for n in TEXT if n in names))
    return spreadsheets.xlsx_bytes([goods, _guide(ctype, names)])


def _guide(ctype: CertType, names: list[str]) -> spreadsheets.Sheet:
    cap, size = limits.max_goods_rows(), sheet.size_text(current_app.config["GOODS_IMPORT_MAX_BYTES"])
    notes = [[f"{ctype.name}货物导入说明"],
             ["第一行为列标题，从第 2 行起每行一项货物；列的顺序可以调整，不需要的列可以删除。"],
             ["第 2 行是示例：原样保留时导入会跳过它，可以直接改写或删除。"],
             ["整个文件一次导入：有任何一行出错则不导入任何一行，页面列出出错的行号、列和原因。"],
             [f"文件不超过 {size}；每份证书最多 {cap} 项货物（含非货物项），导入的行数不能超过证书还能容纳的行数。"],
             ["保存为 Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码）均可。"], []]
    lines = [[sheet.title(name), "是" if name in ctype.goods_required else "", _column_help(name, ctype)]
             for name in names]
    return spreadsheets.Sheet("填写说明", ["列标题", "申报时必填", "填写说明"], lines, before=notes,
                              widths={0: 18, 1: 12, 2: 80})


def _column_help(name: str, ctype: CertType) -> str:
    if name == sheet.PRODUCT_CODE:
        return "选填：商品库中的商品编号；该行空白的各栏按商品库中的该商品填写"
    spec = GOODS_FIELDS[name]
    text = spec.help_zh if ctype.language == "zh" and spec.help_zh is not None else spec.help
    if name == "description":
        text = "留空时按" + ("中文名称" if ctype.language == "zh" else "英文名称") + "、包装件数和包装单位自动生成（与“生成”按钮相同）"
    elif spec.kind == "lookup":
        text = "填写代码或名称，或从下拉列表中选择" + (f"；{text}" if text else "")
    elif spec.kind == "bool":
        text = "填写“是”或“否”（留空为否）；" + (text or "")
    return text or ""
