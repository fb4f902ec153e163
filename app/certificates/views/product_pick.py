"""The goods row editor's 商品库 buttons: 填入 (a product fills the row) and 保存到商品库 (the row becomes a product).

Both leave the editor open with what was typed; the message sits beside the 商品库 field (form.product_error) or
comes as a flash. Nothing of the certificate is saved here.
"""
from flask import flash, request
from flask_login import current_user

from app.extensions import db
from app.refdata.hs import check_hs_code

from .. import products
from ..types import get_type


def _typed() -> str:
    return (request.form.get("_product") or "").strip()[:100]


def _product_for(enterprise_id: int, typed: str):
    """The product a typed 商品编号 or name means, or (None, why not)."""
    if not typed:
        return None, "请输入商品编号或名称"
    product = products.by_code(enterprise_id, typed) or products.by_code(enterprise_id, typed.split(" ")[0])
    if product is not None:
        return product, None
    found = products.search(enterprise_id, typed, limit=2)
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, f"商品库中没有编号或名称为“{typed}”的商品"
    return None, f"商品库中有多项商品与“{typed}”相符，请输入完整的商品编号"


def fill(cert, form) -> None:
    """填入: the product's HS, names, units and this agreement's criterion replace those of the editor."""
    form.product_text = _typed()
    product, message = _product_for(cert.enterprise_id, form.product_text)
    if product is None:
        form.product_error = message
        return
    for name, value in products.row_values(product, get_type(cert.cert_type)).items():
        form[name].data = value
        form[name].raw_data = None
    form.product_text = product.code
    flash(f"已从商品库填入商品 {product.code}；请填写数量、件数、重量和金额后保存。", "success")


def keep(cert, form) -> None:
    """保存到商品库: what the editor holds (checked as the row would be) is added, or updates the product named."""
    form.product_text = _typed()
    ctype = get_type(cert.cert_type)
    form.validate()
    kept = products.ROW_FIELDS + ("origin_criterion", "criterion_aux")
    for f in form:  # only what a product keeps is judged here; the other fields wait for 保存
        if f.name not in kept:
            f.errors = []
    form.form_errors = []
    if "hs_code" in form and form.hs_code.data and not form.hs_code.errors:
        message = check_hs_code(form.hs_code.data)[1]
        if message:
            form.hs_code.errors.append(message)
    if any(form[name].errors for name in kept if name in form):
        form.product_error = "请先改正编辑区中标红的字段，再保存到商品库"
        return
    if not (form.hs_code.data if "hs_code" in form else None) and not (form.name_en.data or form.name_cn.data):
        form.product_error = "请先填写HS编码或货物名称，再保存到商品库"
        return
    values, criteria = products.from_item(form_item(form, ctype), ctype)
    existing = products.by_code(cert.enterprise_id, form.product_text) if form.product_text else None
    if form.product_text and existing is None:
        from ..product_forms import check_code

        message = check_code(form.product_text)
        if message:
            form.product_error = message
            return
    code = existing.code if existing else form.product_text or products.suggested_code(cert.enterprise_id,
                                                                                    values.get("hs_code"))
    products.save(cert.enterprise_id, {**values, "code": code}, current_user.id, existing, criteria)
    db.session.commit()
    form.product_text = code
    flash(f"已{'更新' if existing else '保存到'}商品库：商品 {code}。", "success")


class form_item:  # noqa: N801 — a goods row's attributes read off the editor form
    def __init__(self, form, ctype):
        for name in products.ROW_FIELDS + ("origin_criterion", "criterion_aux"):
            setattr(self, name, form[name].data if name in form else None)

