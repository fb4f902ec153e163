"""Lookups for fields with a ▼ (manual 第三篇 关于键盘操作): as-you-type options, the query dialog /
plain search page, and entry details (标准详情)."""
from flask import abort, render_template, request
from flask_login import current_user, login_required

from app.web.htmx import render_page_or_fragment
from app.web.params import int_arg, page_arg

from .. import bp, carry, search
from ..tables import TABLES

PAGE = 20


def _table(key: str):
    definition = TABLES.get(key)
    if definition is None:
        abort(404)
    return definition


@bp.get("/lookup/<table>")
@login_required
def options(table):
    """Matches for what is typed so far, as listbox options (used by app.js)."""
    _table(table)
    q = search.bounded_query(request.args.get("q", ""))
    limit = int_arg(request.args, "limit", 12, 1, 50)
    entries = search.search(table, q, request.args.get("category") or None, limit=limit)
    return render_template("refdata/_options.html", entries=entries, table=table,
                           unverified_note=search.UNVERIFIED_NOTE)


@bp.route("/lookup/<table>/search", methods=["GET", "POST"])
@login_required
def search_page(table):
    """查询: a paged search; a dialog with JS, a plain page carrying the half-filled form without."""
    definition = _table(table)
    args = request.form if request.method == "POST" else request.args
    q, category = search.bounded_query(args.get("q", "")), args.get("category") or None
    page = page_arg(args)
    entries, total = search.search_page(table, q, category, PAGE, (page - 1) * PAGE)
    return render_page_or_fragment(
        "refdata/search.html", "refdata/_search_dialog.html", table=definition, entries=entries, q=q,
        category=category or "", page=page, pages=max(1, -(-total // PAGE)), total=total,
        field=args.get("_field", ""), return_to=carry.return_path(args), carried=carry.carried(args)
        if request.method == "POST" else [], previous=_previous_goods(table, q, args.get("cert_type")) if page == 1 else [])


def _previous_goods(table: str, q: str, cert_type: str | None) -> list:
    """HS search: the enterprise's 商品库 comes first; choosing one fills the whole row for the certificate's type."""
    if table != "hs" or not getattr(current_user, "enterprise_id", None):
        return []
    from app.certificates import products
    from app.certificates.types import get_type

    ctype = get_type(cert_type or "") or get_type("C")
    found = products.search(current_user.enterprise_id, q, limit=8)
    return [(p, products.row_values(p, ctype)) for p in found if p.hs_code]


@bp.get("/lookup/<table>/detail")
@login_required
def detail(table):
    """One entry in full (e.g. 原产地标准 标准详情 with its explanation)."""
    definition = _table(table)
    entry = search.get(table, request.args.get("code", ""), request.args.get("category") or None)
    if entry is None:
        abort(404)
    return render_page_or_fragment("refdata/detail.html", "refdata/_detail.html", table=definition, entry=entry)
