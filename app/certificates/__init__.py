"""Certificates: 新建证书 (entry of basic information and goods), 初始值设置."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)

# The view modules register their routes on `bp`. Imported under other names: `rows`, `goods_import`, `export`
# and `initial_values` are also this package's own modules, which a plain import would hide.
from .views import checks as _checks, entry as _entry, export as _export, goods as _goods  # noqa: E402,F401
from .views import goods_import as _goods_import, initial_values as _initial_values  # noqa: E402,F401
from .views import product_pages as _product_pages, receipts as _receipts, rows as _rows  # noqa: E402,F401
from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS, SECTIONS  # noqa: E402


def criteria_filled_from_hs(agreement: str | None) -> list[str]:
    """Criteria whose 辅助项 the system fills from the HS code (GSP `W`)."""
    from app.refdata import search

    if not agreement:
        return []
    return [code for code, _label in search.options("origin_criterion", agreement)
            if search.get("origin_criterion", code, agreement).attrs.get("aux") == "hs4"]


def boxes(cert, ctype) -> dict:
    """The importer and producer boxes as the certificate prints them (展览证书, 生产商保密)."""
    from .describe import importer_box, producer_box

    fields = set(ctype.basic_fields)
    result = {"进口商栏": importer_box(cert.importer_name, cert.importer_address,
                                  "exhibition" in fields and bool(cert.exhibition), cert.exhibition_info)}
    if "producer_name" in fields:
        result["生产商栏"] = producer_box(cert.producer_name, cert.producer_address, cert.producer_description,
                                      bool(cert.producer_confidential))
    return result


def code_label(spec, value) -> str:
    """A stored code as pages show it: `DE 德国` for a lookup field, the value itself otherwise."""
    from app.refdata import search

    if value in (None, ""):
        return ""
    if spec.kind != "lookup" or not spec.table:
        return value
    entry = search.get(spec.table, value)
    return entry.label if entry else value


def cert_links(cert):
    from .changes import linked

    return linked(cert)


@bp.record_once
def _row_globals(state):
    """What the row macros use (templates/_macros/rows.html), as globals: macros imported without the page's
    context are compiled once and stay fast over 50 rows."""
    from .rows import OP_LABELS, totals

    state.app.jinja_env.globals.update(row_op_labels=OP_LABELS, goods_totals=totals)


@bp.app_context_processor
def certificate_specs():
    from .changes import KIND_LABELS, REASON_LABELS
    from .rows import KINDS

    return {"row_kinds": KINDS,"cert_boxes": boxes, "code_label": code_label, "cert_links": cert_links, "kind_labels": KIND_LABELS,
            "reason_labels": REASON_LABELS, "basic_specs": BASIC_FIELDS, "goods_specs": GOODS_FIELDS, "material_specs": MATERIAL_FIELDS,
            "cert_sections": SECTIONS, "criteria_filled_from_hs": criteria_filled_from_hs}
