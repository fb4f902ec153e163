"""商品库 as a spreadsheet: export, and import (one transaction, every bad row listed by number and column)."""
from werkzeug.datastructures import MultiDict

from app.web.spreadsheets import Sheet, Table

from . import products
from .product_forms import CRITERIA_SLOTS, ProductForm

# (column title, form field) in file order; the criteria column holds "协定代码:标准[/辅助项]; …".
COLUMNS = (("商品编号", "code"), ("HS编码", "hs_code"), ("货物中文名称", "name_cn"), ("货物英文名称", "name_en"),
           ("数量单位", "quantity_unit"), ("包装单位", "package_unit"), ("重量单位", "weight_unit"), ("币制", "currency"),
           ("生产商名称", "producer_name"), ("生产商地址", "producer_address"))
CRITERIA_TITLE = "原产地标准（协定代码:标准，多个用分号分隔）"
HEADER = [title for title, _name in COLUMNS] + [CRITERIA_TITLE]
MAX_ERRORS = 200


def export_sheet(items) -> Sheet:
    rows = []
    for product in items:
        criteria = "; ".join(f"{c.agreement}:{c.origin_criterion}" + (f"/{c.criterion_aux}" if c.criterion_aux else "")
                             for c in product.criteria)
        rows.append([getattr(product, name) for _title, name in COLUMNS] + [criteria])
    return Sheet("商品库", HEADER, rows)


def _criteria_slots(text: str) -> tuple[dict, str | None]:
    slots, parts = {}, [p.strip() for p in (text or "").replace("；", ";").split(";") if p.strip()]
    if len(parts) > CRITERIA_SLOTS:
        return {}, f"最多填写 {CRITERIA_SLOTS} 个协定的原产地标准"
    for n, part in enumerate(parts):
        agreement, sep, rest = part.replace("：", ":").partition(":")
        if not sep:
            return {}, f"“{part}”应写成 协定代码:标准，如 RCEP:PE"
        criterion, _slash, aux = rest.partition("/")
        slots.update({f"agreement_{n}": agreement.strip(), f"criterion_{n}": criterion.strip(),
                      f"criterion_aux_{n}": aux.strip()})
    return slots, None


def parse(table: Table) -> tuple[list[tuple[int, ProductForm]], list[tuple[int, str, str]]]:
    """Validated forms by row number, and (row, column title, message) for every problem. Needs a request context."""
    titles = {title: name for title, name in COLUMNS} | {name: name for _t, name in COLUMNS}
    by_index, unknown = {}, []
    for index, title in enumerate(table.header):
        if title in titles:
            by_index[index] = titles[title]
        elif title in (CRITERIA_TITLE, "原产地标准", "criteria"):
            by_index[index] = "criteria"
        elif title:
            unknown.append(title)
    if "code" not in by_index.values():
        return [], [(1, "表头", "缺少“商品编号”列（请使用 下载模板 得到的表头）")]
    if unknown:
        return [], [(1, "表头", "未知的列：" + "、".join(unknown))]
    label_of = {name: title for title, name in COLUMNS} | {"criteria": CRITERIA_TITLE}
    good, errors, seen = [], [], {}
    for number, cells in table.rows:
        values = {by_index[i]: (cell or "").strip() for i, cell in enumerate(cells) if i in by_index}
        slots, message = _criteria_slots(values.pop("criteria", ""))
        if message:
            errors.append((number, CRITERIA_TITLE, message))
            continue
        form = ProductForm(formdata=MultiDict({**values, **slots}), meta={"csrf": False})
        if not form.validate():
            for field in form:
                column = label_of.get(field.name) or (CRITERIA_TITLE if field.name[:-2].startswith(
                    ("agreement", "criterion")) else field.label.text)
                errors.extend((number, column, m) for m in field.errors)
        elif form.code.data in seen:
            errors.append((number, "商品编号", f"商品编号 {form.code.data} 与第 {seen[form.code.data]} 行重复"))
        else:
            seen[form.code.data] = number
            good.append((number, form))
        if len(errors) >= MAX_ERRORS:
            errors.append((0, "", f"错误过多，只列出前 {MAX_ERRORS} 条；请改正后重新导入"))
            break
    return good, errors


def load(enterprise_id: int, forms: list[tuple[int, ProductForm]], actor_id: int | None) -> dict:
    """Add or update (by 商品编号) every product; flushes only."""
    counts = {"added": 0, "updated": 0}
    for _number, form in forms:
        existing = products.by_code(enterprise_id, form.code.data)
        values = {name: form[name].data for _title, name in COLUMNS}
        products.save(enterprise_id, values, actor_id, existing, form.criteria())
        counts["updated" if existing else "added"] += 1
    return counts
