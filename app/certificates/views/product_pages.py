"""商品库 pages: list and search, add, edit, delete, Excel import/export, 从历史货物导入, and the options the goods
row editor's 商品库 field asks for. Every page works as plain forms; with htmx the list swaps in place."""
import json

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.orm.exc import StaleDataError

from app.accounts import audit
from app.accounts.access import enterprise_user_required, get_for_enterprise_or_404
from app.extensions import db
from app.refdata import search
from app.web.htmx import is_fragment_request, render_page_or_fragment
from app.web.params import page_arg
from app.web.spreadsheets import Sheet, SheetError, read_table, xlsx_bytes, xlsx_response

from .. import bp, product_sheets, products
from ..models import Product
from ..product_forms import CRITERIA_SLOTS, ProductForm, form_data
from ..types import get_type

PAGE = 20
MAX_ROWS = 5000  # one import: rows of a 商品库 file
STALE = "该商品已被他人修改，请重新加载后再修改；您本次填写的内容仍保留在下方，尚未保存。"


class ProductImportForm(FlaskForm):
    file = FileField("Excel 或 CSV 文件", [FileRequired("请选择要导入的文件")],
                     description=".xlsx，或 UTF-8 / GBK 编码的 .csv；表头与模板一致")


def _list(import_form=None, errors=(), status=200):
    q = (request.args.get("q") or request.form.get("q") or "").strip()[:100]
    page = page_arg(request.args)
    eid = current_user.enterprise_id
    total = products.count(eid, q)
    items = products.search(eid, q, PAGE, (page - 1) * PAGE)
    return render_page_or_fragment(
        "certificates/products.html", "certificates/_products.html", status, items=items, q=q, page=page,
        pages=max(1, -(-total // PAGE)), total=total, import_form=import_form or ProductImportForm(formdata=None),
        import_errors=errors)


@bp.get("/products")
@enterprise_user_required
def products_list():
    """商品库: the enterprise's goods, searched by 商品编号, HS or name."""
    return _list()


def _editor(product=None, form=None, status=200, stale=False):
    if form is None:
        form = ProductForm(formdata=None, data=form_data(product) if product else {})
    return render_page_or_fragment("certificates/product.html", "certificates/_product_form.html", status,
                                   product=product, form=form, slots=range(CRITERIA_SLOTS), stale=stale)


@bp.get("/products/new")
@enterprise_user_required
def product_new():
    return _editor()


@bp.post("/products")
@enterprise_user_required
def product_add():
    form = ProductForm()
    if form.validate():
        if products.by_code(current_user.enterprise_id, form.code.data) is not None:
            form.code.errors.append(f"商品编号 {form.code.data} 已在商品库中；请换一个编号，或在列表中编辑该商品")
        else:
            product = products.save(current_user.enterprise_id, _values(form), current_user.id,
                                    criteria=form.criteria())
            db.session.commit()
            flash(f"商品 {product.code} 已保存到商品库。", "success")
            return redirect(url_for("certificates.products_list"))
    return _editor(form=form, status=422)


@bp.get("/products/<int:product_id>")
@enterprise_user_required
def product_edit(product_id):
    return _editor(get_for_enterprise_or_404(Product, product_id))


@bp.post("/products/<int:product_id>")
@enterprise_user_required
def product_update(product_id):
    product = get_for_enterprise_or_404(Product, product_id)
    form = ProductForm()
    if not form.validate():
        return _editor(product, form, 422)
    if str(product.version) != (form.version.data or ""):
        form.form_errors.append(STALE)
        return _editor(product, form, 409, stale=True)
    other = products.by_code(current_user.enterprise_id, form.code.data)
    if other is not None and other.id != product.id:
        form.code.errors.append(f"商品编号 {form.code.data} 已被另一商品使用")
        return _editor(product, form, 422)
    try:
        products.save(current_user.enterprise_id, _values(form), current_user.id, product, form.criteria())
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(STALE)
        return _editor(get_for_enterprise_or_404(Product, product_id), form, 409, stale=True)
    flash(f"商品 {product.code} 已保存。", "success")
    return redirect(url_for("certificates.products_list"))


def _values(form) -> dict:
    return {name: form[name].data for name in products.FIELDS}


@bp.get("/products/<int:product_id>/delete")
@enterprise_user_required
def product_delete_confirm(product_id):
    return render_page_or_fragment("certificates/product_delete.html", "certificates/product_delete.html",
                                   product=get_for_enterprise_or_404(Product, product_id))


@bp.post("/products/<int:product_id>/delete")
@enterprise_user_required
def product_delete(product_id):
    product = get_for_enterprise_or_404(Product, product_id)
    code = product.code
    products.delete(product)
    db.session.commit()
    flash(f"商品 {code} 已从商品库删除（已填入证书的货物不受影响）。", "success")
    if is_fragment_request():
        return _list()
    return redirect(url_for("certificates.products_list"))


@bp.get("/products/export.xlsx")
@enterprise_user_required
def products_export():
    """The whole 商品库 as .xlsx, in the import format."""
    items = list(db.session.scalars(products.for_enterprise(current_user.enterprise_id).order_by(Product.code)))
    return xlsx_response(xlsx_bytes([product_sheets.export_sheet(items)]), "商品库.xlsx")


@bp.get("/products/template.xlsx")
@enterprise_user_required
def products_template():
    """下载模板: the import columns and one sample row."""
    sample = ["TB-001", "96032100", "牙刷", "TOOTHBRUSH", "PCS", "CTNS", "KGS", "USD", "", "", "RCEP:PE; E:WO"]
    lists = [(letter, [code for code, _label in search.options(table)], title) for letter, table, title in (
        ("E", "quantity_unit", "数量单位"), ("F", "package_unit", "包装单位"), ("G", "weight_unit", "重量单位"),
        ("H", "currency", "币制"))]
    sheet = Sheet("商品库", product_sheets.HEADER, [sample], validations=lists)
    return xlsx_response(xlsx_bytes([sheet]), "商品库导入模板.xlsx")


@bp.post("/products/import")
@enterprise_user_required
def products_import():
    """导入: one transaction; a file with any bad row changes nothing and every bad row is listed."""
    form = ProductImportForm()
    errors = []
    if form.validate():
        limit = current_app.config["GOODS_IMPORT_MAX_BYTES"]
        data = form.file.data.read(limit + 1)
        name = (form.file.data.filename or "")[:200]
        if len(data) > limit:
            errors = [(0, "", f"文件超过 {limit // 1024} KB 的上限，未导入任何数据；请分成几个文件分别导入")]
        else:
            try:
                table = read_table(data, name, MAX_ROWS)
            except SheetError as exc:
                errors = [(0, "", str(exc))]
            else:
                good, errors = product_sheets.parse(table)
                if not errors:
                    counts = product_sheets.load(current_user.enterprise_id, good, current_user.id)
                    audit.record("products.import", "商品库", file=name, **counts)
                    db.session.commit()
                    flash(f"商品库导入完成：新增 {counts['added']} 项，更新 {counts['updated']} 项。", "success")
                    return redirect(url_for("certificates.products_list"))
    return _list(form, errors, 422)


@bp.post("/products/from-history")
@enterprise_user_required
def products_from_history():
    """从历史货物导入: the goods of earlier certificates not yet in 商品库 (by HS and names) become products."""
    eid = current_user.enterprise_id
    known = {(p.hs_code, p.name_cn, p.name_en) for p in db.session.scalars(products.for_enterprise(eid))}
    added = 0
    for item in products.earlier_goods(eid):
        if (item.hs_code, item.name_cn, item.name_en) in known:
            continue
        cert = item.certificate
        values, criteria = products.from_item(item, get_type(cert.cert_type))
        values["code"] = products.suggested_code(eid, item.hs_code)
        products.save(eid, values, current_user.id, criteria=criteria)
        known.add((item.hs_code, item.name_cn, item.name_en))
        added += 1
    if added:
        audit.record("products.from_history", "商品库", added=added)
    db.session.commit()
    flash(f"已从历史货物加入 {added} 项商品。" if added else "历史货物都已在商品库中，没有新增。", "success")
    if is_fragment_request():
        return _list()
    return redirect(url_for("certificates.products_list"))


@bp.get("/products/options")
@enterprise_user_required
def products_options():
    """As-you-type options for the row editor's 商品库 field: each carries what it fills in the row."""
    ctype = get_type(request.args.get("category", "")) or get_type("C")
    items = products.search(current_user.enterprise_id, request.args.get("q", ""), limit=12)
    return render_template("certificates/_product_options.html", items=items,
                           fills={p.id: json.dumps(products.row_values(p, ctype), ensure_ascii=False) for p in items})
