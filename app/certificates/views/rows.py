"""One row editor for 货物信息 and 日本进料信息: 保存, +新增, 编辑, 上移 / 下移, 复制, 删除.

Every row action is a small plain POST form. With htmx the markup decides what comes back: a row's edit
or move answers that row (`hx-target="closest tr"`, a moved neighbour out of band), adding, copying and
deleting answer the section. Without JavaScript the whole page comes back (Post/Redirect/Get).
"""
from flask import abort, flash, redirect, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.access import get_for_enterprise_or_404, qualification_required
from app.extensions import db
from app.refdata.carry import restores
from app.web.htmx import is_fragment_request, render_page_or_fragment

from .. import bp, rows, rules, services
from ..models import Certificate
from ..page import CertificatePage
from ..rows import GOODS, KINDS, RowKind
from ..types import get_type
from . import product_pick
from .goods import description_text

KIND = "<any(goods, materials):kind>"
STALE = "该{}已被他人修改，请重新加载后再修改；您本次填写的内容仍保留在下方，尚未保存。"


def _cert_and_kind(cert_id: int, kind: str) -> tuple[Certificate, RowKind]:
    cert = get_for_enterprise_or_404(Certificate, cert_id)
    row_kind = KINDS[kind]
    if not row_kind.available(get_type(cert.cert_type)):
        abort(404)
    return cert, row_kind


def _row(cert, kind: RowKind, row_id: int):
    row = db.session.get(kind.model, row_id)
    if row is None or row.certificate_id != cert.id:
        abort(404)
    return row


def _page(cert, **kwargs) -> CertificatePage:
    return CertificatePage(get_type(cert.cert_type), cert, **kwargs)


def _back(cert, kind: RowKind):
    return redirect(url_for("certificates.edit", cert_id=cert.id, _anchor=f"c{cert.id}-{kind.key}-section"))


def _posted(cert, kind: RowKind, row=None):
    """The posted row form; 生成 without JavaScript fills the description and shows the page again; 填入 and
    保存到商品库 (商品库) answer with the editor still open, holding what was typed."""
    form = kind.form_class(cert)()
    action = request.form.get("action")
    if action == "describe" and hasattr(form, "description"):
        form.description.data = description_text(form, get_type(cert.cert_type))
        form.description.raw_data = None
        return form, _page(cert, editors={(kind.key, row.id if row else None): form}).render()
    if kind is GOODS and action in ("product", "library"):
        (product_pick.fill if action == "product" else product_pick.keep)(cert, form)
        page = _page(cert, editors={(kind.key, row.id if row else None): form})
        if not is_fragment_request():
            return form, page.render()
        return form, page.render_rows(kind, [row]) if row else page.render_section(kind)
    return form, None


def _restored(cert_id, kind, row_id=None):
    cert, row_kind = _cert_and_kind(cert_id, kind)
    form = row_kind.form_class(cert)()
    return _page(cert, editors={(kind, row_id): form}).render()


@bp.get(f"/certificates/<int:cert_id>/{KIND}/new")
@qualification_required
def rows_new(cert_id, kind):
    """+新增: the section with an empty row editor (defaults from 初始值设置 only)."""
    cert, row_kind = _cert_and_kind(cert_id, kind)
    if is_fragment_request():
        return _page(cert).render_section(row_kind)
    return _back(cert, row_kind)


@bp.post(f"/certificates/<int:cert_id>/{KIND}")
@qualification_required
@restores(_restored)
def row_add(cert_id, kind):
    """保存 a new row at the end (the certificate must have been saved first)."""
    cert, row_kind = _cert_and_kind(cert_id, kind)
    services.require_editable(cert)
    form, early = _posted(cert, row_kind)
    if early is not None:
        return early
    full = rows.no_room(row_kind, cert)
    if full:
        return _full(cert, row_kind, full, {(kind, None): form})
    if not form.validate() or _non_goods_first(cert, row_kind, form):
        page = _page(cert, editors={(kind, None): form}, focus_first_error=True)
        return page.render_section(row_kind, 422)
    row = row_kind.add(cert, form.data)
    db.session.commit()
    flash(f"{_name(row_kind, row)}已保存。", "success")
    if is_fragment_request():
        return _page(cert).render_section(row_kind)  # a fresh, empty editor for the next row
    return _back(cert, row_kind)


def _non_goods_first(cert, kind: RowKind, form) -> bool:
    """A new 非货物项 row with no goods row before it: marked on its 非货物项 box (rules.misplaced_non_goods)."""
    if kind is not rows.GOODS or not getattr(form, "non_goods", None) or not form.non_goods.data:
        return False
    if any(not item.non_goods for item in cert.items):
        return False
    form.non_goods.errors = [*form.non_goods.errors, rules.NON_GOODS_FIRST]
    return True


@bp.get(f"/certificates/<int:cert_id>/{KIND}/<int:row_id>/edit")
@qualification_required
def row_edit(cert_id, kind, row_id):
    """编辑: the row opens as its editor, in place; `check=1` marks the row's declare problems on its fields."""
    cert, row_kind = _cert_and_kind(cert_id, kind)
    row = _row(cert, row_kind, row_id)
    problems = services.declare_problems(cert, _today()) if request.args.get("check") else ()
    problems = [p for p in problems if p.tab == row_kind.key and p.item == row.position]
    page = _page(cert, problems=problems)
    page.editor(row_kind, row)
    return page.render_rows(row_kind, [row])


@bp.get(f"/certificates/<int:cert_id>/{KIND}/<int:row_id>")
@qualification_required
def row_show(cert_id, kind, row_id):
    """取消 an edit: the row as it is saved."""
    cert, row_kind = _cert_and_kind(cert_id, kind)
    row = _row(cert, row_kind, row_id)
    if not is_fragment_request():
        return _back(cert, row_kind)
    return _page(cert).render_rows(row_kind, [row])


@bp.post(f"/certificates/<int:cert_id>/{KIND}/<int:row_id>")
@qualification_required
@restores(_restored)
def row_update(cert_id, kind, row_id):
    """保存 an edited row; an edit based on an older version of the row is refused."""
    cert, row_kind = _cert_and_kind(cert_id, kind)
    row = _row(cert, row_kind, row_id)
    services.require_editable(cert)
    form, early = _posted(cert, row_kind, row)
    if early is not None:
        return early
    if not form.validate():
        return _page(cert, editors={(kind, row.id): form}, focus_first_error=True).render_rows(row_kind, [row], 422)
    if form.version.data != row.version:
        return _stale(cert, row_kind, row, form)
    try:
        row_kind.update(row, form.data)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _stale(_cert_and_kind(cert_id, kind)[0], row_kind, _row(cert, row_kind, row_id), form)
    flash(f"{_name(row_kind, row)}已保存。", "success")
    if is_fragment_request():
        return _page(cert).render_rows(row_kind, [row])
    return _back(cert, row_kind)


def _stale(cert, kind, row, form):
    form.form_errors.append(STALE.format(kind.label))
    return _page(cert, editors={(kind.key, row.id): form}).render_rows(kind, [row], 409)


@bp.post(f"/certificates/<int:cert_id>/{KIND}/<int:row_id>/action")
@qualification_required
def row_action(cert_id, kind, row_id):
    """A row's buttons: 上移 / 下移 (op=up/down), 复制 (copy), 删除 (delete, asked first)."""
    cert, row_kind = _cert_and_kind(cert_id, kind)
    row = _row(cert, row_kind, row_id)
    services.require_editable(cert)
    op = request.form.get("op")
    if op not in row_kind.ops:
        abort(400)
    if op in ("up", "down"):
        neighbour = rows.move(row_kind, row, -1 if op == "up" else 1)
        # the clicked row's old place (the swap target) now holds the neighbour; the row itself goes out of band
        return _done(cert, row_kind, f"已移动，现为第 {row.position} 项。", [neighbour, row] if neighbour else [row])
    if op == "copy":
        full = rows.no_room(row_kind, cert)
        if full:
            return _full(cert, row_kind, full)
        clone = rows.copy(row_kind, row)
        return _done(cert, row_kind, f"已复制为第 {clone.position} 项。")
    if request.form.get("confirmed") != "1" and not is_fragment_request():
        return render_page_or_fragment("certificates/row_delete.html", "certificates/row_delete.html", cert=cert,
                                       kind=row_kind, row=row, name=_name(row_kind, row))
    name = _name(row_kind, row)
    rows.delete(row_kind, row)
    return _done(cert, row_kind, f"{name}已删除。")


def _full(cert, kind: RowKind, message: str, editors=None):
    """The row cap is reached: the section (the page without JS) with the message above the table, typing kept."""
    page = _page(cert, editors=editors or {}, problems=[rules.Problem(kind.key, "items", message)])
    return page.render_section(kind, 422)


def _done(cert, kind, message, changed=None):
    """After a move, copy or delete: the rows that changed (a move) or the section, or the page without JS."""
    db.session.commit()
    flash(message, "success")
    if not is_fragment_request():
        return _back(cert, kind)
    if changed:
        return _page(cert).render_rows(kind, changed)
    return _page(cert).render_section(kind)


def _name(kind: RowKind, row) -> str:
    return f"第 {row.position} 项{kind.label}" if kind.key == "goods" else f"{kind.label}第 {row.position} 项"


def _today():
    from ..clock import today

    return today()
