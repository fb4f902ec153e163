"""货物信息: 生成 of the goods description (the row editor itself is views/rows.py)."""
from flask import abort, render_template, request, url_for

from app.accounts.access import qualification_required
from app.refdata import search

from .. import bp, describe
from ..entry_forms import goods_form_class
from ..page import posted_prefix, prefix_ids
from ..types import get_type


def description_text(form, ctype) -> str:
    """货物描述 from the goods name, package count and unit (the 生成 button), in the certificate's language."""
    unit = search.resolve("package_unit", form.package_unit.data or "")
    count = form.package_count.data if isinstance(form.package_count.data, int) else 0
    if ctype.language == "zh":
        return describe.goods_description_zh(form.name_cn.data or "", count, unit.name_zh if unit else "",
                                             unit.attrs if unit else {})
    return describe.goods_description(form.name_en.data or "", count, unit.code if unit else "",
                                      unit.attrs if unit else {})


@bp.post("/certificates/goods/describe")
@qualification_required
def goods_describe():
    """生成 with JS: the 货物描述 field alone, with the ids its editor gave it."""
    ctype = get_type(request.form.get("cert_type", "C"))
    if ctype is None:
        abort(404)
    form = prefix_ids(goods_form_class(ctype)(), posted_prefix())
    form.description.data = description_text(form, ctype)
    form.description.raw_data = None
    return render_template("certificates/_generated_field.html", f=form.description, action="describe",
                           url=url_for("certificates.goods_describe"))
