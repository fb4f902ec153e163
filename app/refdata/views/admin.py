"""参数表 (sysadmin): tables, entries, add / edit / deactivate, CSV import and export."""
import json

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, request, url_for

from app.accounts.access import sysadmin_required
from app.extensions import db
from app.web.htmx import render_page_or_fragment

from .. import bp, csvio, search, services
from ..forms import EntryForm, ImportForm
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
    q, page = request.args.get("q", ""), max(request.args.get("page", 1, type=int), 1)
    rows = search.search(table, q, request.args.get("category") or None, limit=PAGE, offset=(page - 1) * PAGE,
                         include_inactive=True)
    return render_page_or_fragment("refdata/entries.html", "refdata/_entry_rows.html", table=definition,
                                   rows=rows, q=q, page=page, more=len(rows) == PAGE, import_form=ImportForm())


def _entry_page(definition, form, entry=None, status=200):
    return render_page_or_fragment("refdata/entry.html", "refdata/entry.html", status, table=definition,
                                   form=form, entry=entry)


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
        _save(entry, form)
        db.session.commit()
        flash(f"已保存 {entry.label}。", "success")
        return redirect(url_for("refdata.entries", table=table, q=entry.code))
    return _entry_page(definition, form, entry, 422 if form.errors else 200)


def _save(entry, form):
    services.save_entry(entry, name_zh=form.name_zh.data or "", name_en=form.name_en.data or "",
                        category=form.category.data or "", attrs=json.loads(form.attrs.data or "{}"),
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
    db.session.commit()
    search.forget_options()
    flash(f"{entry.label} 已{'启用' if entry.active else '停用'}。", "success")
    return redirect(url_for("refdata.entries", table=table, q=request.form.get("q", "")))


@bp.get("/admin/refdata/<table>/export.csv")
@sysadmin_required
def export(table):
    """The whole table as CSV (the import format)."""
    _table(table)
    rows = db.session.scalars(sa.select(CodeEntry).where(CodeEntry.table == table)
                              .order_by(CodeEntry.category, CodeEntry.sort, CodeEntry.code))
    return Response(csvio.export(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={table}.csv"})


@bp.post("/admin/refdata/<table>/import")
@sysadmin_required
def import_csv(table):
    """Import a CSV in one transaction: a file with any bad line changes nothing."""
    definition = _table(table)
    form = ImportForm()
    errors = []
    if form.validate():
        try:
            text = form.file.data.read().decode("utf-8")
        except UnicodeDecodeError:
            errors = [(0, "文件不是 UTF-8 编码；请在 Excel 中另存为“CSV UTF-8”")]
        else:
            rows, errors = csvio.parse(text, definition.normalise_code)
            if not errors:
                counts = services.import_rows(table, rows)
                db.session.commit()
                flash(f"导入完成：新增 {counts['added']} 条，更新 {counts['updated']} 条。", "success")
                return redirect(url_for("refdata.entries", table=table))
    return render_page_or_fragment("refdata/import_result.html", "refdata/import_result.html", 422,
                                   table=definition, form=form, errors=errors)
