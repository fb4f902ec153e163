"""The two row kinds of a certificate — 货物信息 (goods) and 日本进料信息 (Japan materials) — behind one row editor.

A kind says what its rows are (model, collection, field specs, form, defaults, how posted data is
assigned) and which row buttons it has; moving, copying and deleting are the same for both.
Services flush and never commit.
"""
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

from app.extensions import db

from . import japan_materials, limits, services
from .entry_forms import MaterialForm, goods_form_class
from .fieldspecs import GOODS_FIELDS, MATERIAL_FIELDS, FieldSpec
from .models import Certificate, CertificateItem, JapanMaterial
from .types import CertType, get_type


@dataclass(frozen=True)
class RowKind:
    key: str  # URL segment and template names: goods | materials
    label: str  # what one row is called on the page
    model: type
    collection: str  # the Certificate relationship holding the rows, ordered by position
    fields: dict[str, FieldSpec]
    ops: tuple[str, ...]  # row buttons besides 编辑: up, down, copy, delete
    form_for: Callable[[CertType], type]
    defaults: Callable[[Certificate], dict]
    add: Callable[[Certificate, dict], object]
    update: Callable[[object, dict], None]
    available: Callable[[CertType], bool]

    def form_class(self, cert: Certificate) -> type:
        return self.form_for(get_type(cert.cert_type))

    def rows(self, cert: Certificate) -> list:
        return getattr(cert, self.collection)


GOODS = RowKind(
    key="goods", label="货物", model=CertificateItem, collection="items", fields=GOODS_FIELDS,
    ops=("up", "down", "copy", "delete"), form_for=goods_form_class,
    defaults=lambda cert: services.goods_defaults(cert.enterprise_id),
    add=services.add_item, update=services.update_item, available=lambda ctype: True)

MATERIALS = RowKind(
    key="materials", label="日本进料", model=JapanMaterial, collection="materials", fields=MATERIAL_FIELDS,
    ops=("up", "down", "delete"), form_for=lambda ctype: MaterialForm, defaults=lambda cert: {},
    add=japan_materials.add_material, update=japan_materials.update_material,
    available=lambda ctype: ctype.japan_materials)

KINDS = {kind.key: kind for kind in (GOODS, MATERIALS)}

OP_LABELS = {"up": "上移", "down": "下移", "copy": "复制", "delete": "删除"}


def move(kind: RowKind, row, step: int):
    """上移 (step −1) / 下移 (step +1): swap places with the neighbour; the ends stay put.

    Returns the neighbour that moved the other way (None at an end). Positions stay 1…n.
    """
    cert = row.certificate
    services.require_editable(cert)
    neighbour = db.session.scalar(sa.select(kind.model).where(
        kind.model.certificate_id == cert.id, kind.model.position == row.position + step))
    if neighbour is None:
        return None
    row.position, neighbour.position = neighbour.position, row.position
    kind.rows(cert).sort(key=lambda r: r.position)
    services.touch(cert)
    db.session.flush()
    return neighbour


def no_room(kind: RowKind, cert: Certificate, adding: int = 1) -> str | None:
    """Why `adding` more rows do not fit (the goods row cap, 系统设置), or None; Japan materials have no cap."""
    if kind is not GOODS:
        return None
    return limits.problem_for(len(kind.rows(cert)), adding)


def copy(kind: RowKind, row):
    """复制 a row: the copy goes right below it."""
    cert = row.certificate
    services.require_editable(cert)
    rows = list(kind.rows(cert))
    clone = kind.model(**{name: getattr(row, name) for name in kind.fields}, position=0)
    rows.insert(rows.index(row) + 1, clone)
    kind.rows(cert).append(clone)
    services.renumber(cert, rows, kind.collection)
    return clone


def delete(kind: RowKind, row) -> None:
    cert = row.certificate
    services.require_editable(cert)
    kind.rows(cert).remove(row)
    services.renumber(cert, list(kind.rows(cert)), kind.collection)


def totals(items: list) -> dict:
    """The goods table's 合计 row: packages and quantities per unit, weights per unit, amounts per currency.

    Pure: `items` are any objects with the goods attributes; non-goods rows are left out.
    """
    sums: dict[str, dict] = {"packages": {}, "quantity": {}, "gross_weight": {}, "net_weight": {}, "amount": {}}

    def add(key, unit, value):
        if value is not None:
            bucket = sums[key]
            bucket[unit or ""] = bucket.get(unit or "", 0) + value

    for item in items:
        if getattr(item, "non_goods", False):
            continue
        add("packages", item.package_unit, item.package_count)
        add("quantity", item.quantity_unit, item.quantity)
        add("gross_weight", item.weight_unit, item.gross_weight)
        add("net_weight", item.weight_unit, item.net_weight)
        add("amount", item.currency, item.amount)
    return sums
