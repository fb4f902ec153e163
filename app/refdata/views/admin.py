"""参数表 (sysadmin): tables, entries, add / edit / deactivate, import and export as CSV or Excel (.xlsx)."""
import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, url_for

from app.accounts import audit
from app.accounts.access import sysadmin_required
from app.extensions import db
from app.web.downloads import csv_response
from app.web.htmx import render_page_or_fragment
from app.web.params import page_arg
from app.web.spreadsheets import SheetError, read_table, xlsx_bytes, xlsx_response

from app.timeutil import utcnow

from .. import bp, csvio, search, services, tariff
from ..attrs import parse_attrs
from ..forms import EntryForm, ImportForm, TariffForm, tab_ids
from ..models import CodeEntry
from ..tables import TABLES

PAGE = 50


def _table(key):
    definition = TABLES.get(key)
    if definition is None:
        abort(404)
    return definition


@bp.get("/admin/refdata")
@sysadmin_required
def tables():
    """Every code table with its number of entries."""
    counts = dict(db.session.execute(sa.select(CodeEntry.table, sa.func.count()).group_by(CodeEntry.table)).all())
    active = dict(db.session.execute(sa.select(CodeEntry.table, sa.func.count()).where(CodeEntry.active.is_(True))
                                     .group_by(CodeEntry.table)).all())
    return render_page_or_fragment("refdata/tables.html", "refdata/tables.html", tables=TABLES.values(),
                                   counts=counts, active=active)


@bp.get("/admin/refdata/<table>")
@sysadmin_required
def entries(table):
    """Entries of one table, searchable, paged, inactive ones included."""
    definition = _table(table)
    q, page = search.bounded_query(request.args.get("q", "")), page_arg(request.args)
    rows = search.search(table, q, request.args.get("category") or None, limit=PAGE, offset=(page - 1) * PAGE,
                         include_inactive=True)
    return render_page_or_fragment("refdata/entries.html", "refdata/_entry_rows.html", table=definition,
                                   rows=rows, q=q, page=page, more=len(rows) == PAGE,
                                   import_form=tab_ids(ImportForm(), f"{table}-import"),
                                   tariff_form=tab_ids(TariffForm(year=utcnow().year), "hs-tariff") if table == "hs"
                                   else None)


def _entry_page(definition, form, entry=None, status=200):
    return render_page_or_fragment("refdata/entry.html", "refdata/entry.html", status, table=definition,
                                   form=tab_ids(form, f"{definition.key}-{entry.id if entry else 'new'}"),
                                   entry=entry)


@bp.route("/admin/refdata/<table>/new", methods=["GET", "POST"])
@sysadmin_required
def entry_new(table):
    """Add an entry (a local entry: package updates never touch it)."""
    definition = _table(table)
    form = EntryForm()
    if form.validate_on_submit():
        code = definition.normalise_code(form.code.data)
        if db.session.scalar(sa.select(CodeEntry.id).where(CodeEntry.table == table, CodeEntry.code == code,
                                                           CodeEntry.category == (form.category.data or "").strip())):
            form.code.errors = ["该代码已存在"]
        else:
            entry = services.new_entry(table, code)
            _save(entry, form)
            audit.record("refdata.create", _target(entry), **_values(entry))
            db.session.commit()
            flash(f"已新增 {entry.label}。", "success")
            return redirect(url_for("refdata.entries", table=table, q=entry.code))
    return _entry_page(definition, form, status=422 if form.errors else 200)


@bp.route("/admin/refdata/<table>/<int:entry_id>", methods=["GET", "POST"])
@sysadmin_required
def entry_edit(table, entry_id):
    """Edit an entry; from then on it is kept as edited when the shipped data changes."""
    definition = _table(table)
    entry = db.session.get(CodeEntry, entry_id)
    if entry is None or entry.table != table:
        abort(404)
    form = EntryForm(obj=entry, attrs=entry.attrs_json) if request.method == "GET" else EntryForm()
    if form.validate_on_submit():
        before = _values(entry)
        _save(entry, form)
        audit.record("refdata.update", _target(entry), **audit.changes(before, _values(entry)))
        db.session.commit()
        flash(f"已保存 {entry.label}。", "success")
        return redirect(url_for("refdata.entries", table=table, q=entry.code))
    return _entry_page(definition, form, entry, 422 if form.errors else 200)


def _target(entry) -> str:
    return f"refdata:{TABLES[entry.table].label} {entry.code}" + (f"（{entry.category}）" if entry.category else "")


def _values(entry) -> dict:
    """What the log shows of an entry (and compares before and after an edit)."""
    return {"name_zh": entry.name_zh, "name_en": entry.name_en, "category": entry.category, "active": entry.active,
            "sort": entry.sort, "attrs": dict(entry.attrs or {}), "source": entry.source}


def _save(entry, form):
    services.save_entry(entry, name_zh=form.name_zh.data or "", name_en=form.name_en.data or "",
                        category=form.category.data or "", attrs=parse_attrs(form.attrs.data)[0],
                        active=form.active.data, source=form.source.data or "", sort=form.sort.data or 1000)


@bp.post("/admin/refdata/<table>/<int:entry_id>/active")
@sysadmin_required
def entry_active(table, entry_id):
    """启用 / 停用 an entry (a stopped entry can no longer be chosen)."""
    entry = db.session.get(CodeEntry, entry_id)
    if entry is None or entry.table != table:
        abort(404)
    entry.active = request.form.get("active") == "1"
    entry.locally_edited = True
    audit.record("refdata.enable" if entry.active else "refdata.disable", _target(entry))
    db.session.commit()
    search.forget_options()
    flash(f"{entry.label} 已{'启用' if entry.active else '停用'}。", "success")
    return redirect(url_for("refdata.entries", table=table, q=request.form.get("q", "")))


def _all_entries(table):
    return db.session.scalars(sa.select(CodeEntry).where(CodeEntry.table == table)
                              .order_by(CodeEntry.category, CodeEntry.sort, CodeEntry.code))


@bp.get("/admin/refdata/<table>/export.csv")
@sysadmin_required
def export(table):
    """The whole table as CSV (the import format), UTF-8 with BOM."""
    _table(table)
    return csv_response(csvio.export(_all_entries(table)), f"{table}.csv")


@bp.get("/admin/refdata/<table>/export.xlsx")
@sysadmin_required
def export_xlsx(table):
    """The whole table as an Excel workbook: the same columns as the CSV, and importable as it is."""
    definition = _table(table)
    sheet = csvio.export_sheet(_all_entries(table), definition.label)
    return xlsx_response(xlsx_bytes([sheet]), f"参数表_{definition.label.replace('/', '、')}_{table}.xlsx")


def _uploaded_rows(upload, definition) -> tuple[list, list]:
    """The rows of an uploaded file, or why it is refused: too large (bytes or rows), unreadable, bad lines.

    A CSV may be UTF-8 (with or without BOM) or GBK/GB18030, as Chinese Excel saves it; an .xlsx is read from
    its first sheet. Errors name the row as the file shows it. The limits keep one import short: it holds the
    write lock throughout (200,000 rows held it 49.5 s).
    """
    limit_bytes = current_app.config["REFDATA_IMPORT_MAX_BYTES"]
    limit_rows = current_app.config["REFDATA_IMPORT_MAX_ROWS"]
    data = upload.read(limit_bytes + 1)
    if len(data) > limit_bytes:
        size = f"{limit_bytes // 2 ** 20} MB" if limit_bytes % 2 ** 20 == 0 else f"{limit_bytes // 1024} KB"
        return [], [(0, f"文件超过 {size} 的上限，未导入任何数据；请分成几个文件分别导入")]
    try:
        table = read_table(data, upload.filename or "", max_rows=limit_rows)
    except SheetError as exc:
        return [], [(0, str(exc))]
    return csvio.parse_table(table, definition.normalise_code, limit_rows)


@bp.post("/admin/refdata/hs/tariff")
@sysadmin_required
def load_tariff():
    """载入新年度税则: one transaction; a file with any bad line changes nothing."""
    definition = _table("hs")
    form = TariffForm()
    errors = []
    if form.validate():
        limit_bytes = current_app.config["REFDATA_IMPORT_MAX_BYTES"]
        data = form.file.data.read(limit_bytes + 1)
        form.file.data.close()
        rows = []
        if len(data) > limit_bytes:
            errors = [(0, f"文件超过 {limit_bytes // 1024} KB 的上限，未导入任何数据")]
        else:
            try:
                rows, errors = tariff.parse(tariff.decode(data), current_app.config["REFDATA_IMPORT_MAX_ROWS"])
            except ValueError as exc:
                errors = [(0, str(exc))]
        if not errors:
            name = (form.file.data.filename or "")[:200]
            counts = tariff.load(rows, form.year.data, f"{form.year.data} 年税则（{name}，系统管理员载入）")
            audit.record("refdata.tariff", "refdata:HS编码", file=name, year=form.year.data, **counts)
            db.session.commit()
            flash(f"已载入 {form.year.data} 年税则：新增 {counts['added']} 条，更新 {counts['updated']} 条，"
                  f"{counts['ended']} 条自 {form.year.data}-01-01 起不再有效（使用这些编码的证书申报时将被拒绝，"
                  "并在货物列表中标出）。", "success")
            return redirect(url_for("refdata.entries", table="hs"))
    return render_page_or_fragment("refdata/import_result.html", "refdata/import_result.html", 422,
                                   table=definition, form=form, errors=errors)


@bp.post("/admin/refdata/<table>/import")
@sysadmin_required
def import_csv(table):
    """Import a CSV or .xlsx file in one transaction: a file with any bad line changes nothing."""
    definition = _table(table)
    form = ImportForm()
    errors = []
    if form.validate():
        rows, errors = _uploaded_rows(form.file.data, definition)
        if not errors:
            counts = services.import_rows(table, rows)
            audit.record("refdata.import", f"refdata:{definition.label}",
                         file=(form.file.data.filename or "")[:200], **counts)
            db.session.commit()
            flash(f"导入完成：新增 {counts['added']} 条，更新 {counts['updated']} 条。", "success")
            return redirect(url_for("refdata.entries", table=table))
    return render_page_or_fragment("refdata/import_result.html", "refdata/import_result.html", 422,
                                   table=definition, form=form, errors=errors)
