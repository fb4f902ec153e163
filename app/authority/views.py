"""审核工作台: the officer's queue, the read-only declaration with its findings, 受理 / 审核通过 / 退证."""
import json

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.accounts import audit
from app.accounts.access import authority_select, officer_required
from app.certificates.types import TYPES, get_type
from app.exchange.receipt_status import WAITING, ReceiptStatus
from app.extensions import db
from app.timeutil import local_today
from app.web.htmx import render_page_or_fragment

from . import bp, review
from .models import Declaration

PAGE = 50
STATUS_FILTERS = {"pending": tuple(s.value for s in WAITING), **{s.value: (s.value,) for s in ReceiptStatus},
                  "all": None}
STATUS_FILTER_LABELS = {"pending": "待处理（待审核、已受理）", **{s.value: s.desk_label for s in ReceiptStatus},
                        "all": "全部"}


def _filters() -> dict:
    args = request.args
    status = args.get("status", "pending")
    return {"status": status if status in STATUS_FILTERS else "pending",
            "cert_type": args.get("cert_type", "") if args.get("cert_type", "") in TYPES else "",
            "q": args.get("q", "").strip()[:40], "review": args.get("review", "")}


@bp.get("/authority/desk")
@officer_required
def desk():
    """The queue of declarations addressed to the officer's authority, newest first, keyset-paged by id."""
    filters = _filters()
    query = authority_select(Declaration).order_by(Declaration.id.desc()).limit(PAGE + 1)
    if STATUS_FILTERS[filters["status"]]:
        query = query.where(Declaration.status.in_(STATUS_FILTERS[filters["status"]]))
    if filters["cert_type"]:
        query = query.where(Declaration.cert_type == filters["cert_type"])
    if filters["review"] in ("auto", "manual"):
        query = query.where(Declaration.review == filters["review"])
    if filters["q"]:
        like = f"%{filters['q']}%"
        query = query.where(Declaration.cert_no.ilike(like) | Declaration.applicant_name.ilike(like)
                            | Declaration.co_reg_no.ilike(like))
    before = request.args.get("before", type=int)
    if before:
        query = query.where(Declaration.id < before)
    rows = list(db.session.scalars(query))
    next_before = rows[PAGE - 1].id if len(rows) > PAGE else None
    fragment = "authority/_queue_more.html" if before else "authority/_queue.html"
    return render_page_or_fragment("authority/desk.html", fragment, rows=rows[:PAGE], next_before=next_before,
                                   filters=filters, types=TYPES, status_labels=STATUS_FILTER_LABELS)


def _declaration_or_404(declaration_id: int) -> Declaration:
    declaration = db.session.scalar(authority_select(Declaration).where(Declaration.id == declaration_id))
    if declaration is None:
        abort(404)
    return declaration


def render_declaration(declaration: Declaration, status: int = 200, reason: str = "", error: str = ""):
    return render_page_or_fragment(
        "authority/declaration.html", "authority/declaration.html", status, d=declaration,
        cert=review.certificate_of(declaration), ctype=get_type(declaration.cert_type),
        findings=json.loads(declaration.findings or "[]"), reason=reason, error=error, p=f"d{declaration.id}-")


@bp.get("/authority/declarations/<int:declaration_id>")
@officer_required
def declaration(declaration_id):
    """The declared certificate, read-only, with the automatic pre-check findings and the actions."""
    return render_declaration(_declaration_or_404(declaration_id))


@bp.post("/authority/declarations/<int:declaration_id>/<action>")
@officer_required
def act(declaration_id, action):
    """受理 / 审核通过 / 退证: each answers the enterprise with a receipt."""
    declaration = _declaration_or_404(declaration_id)
    if action not in ("accept", "approve", "return"):
        abort(404)
    version = request.form.get("version", type=int)
    reason = request.form.get("reason", "")
    if version != declaration.version:
        return render_declaration(declaration, 409, reason, "该申报已被他人处理，请查看最新状态后再操作。")
    officer = current_user.display_name
    try:
        if action == "accept":
            review.accept(declaration, officer, current_user.id)
        elif action == "approve":
            review.approve(declaration, officer, current_user.id, local_today(current_app.config["DISPLAY_TIMEZONE"]))
        else:
            review.return_(declaration, officer, current_user.id, reason)
        audit.record(f"declaration.{action}", f"declaration:{declaration.cert_no}", reason=reason.strip() or None)
        db.session.commit()
    except review.ReviewRefused as exc:
        db.session.rollback()
        return render_declaration(_declaration_or_404(declaration_id), 422 if action == "return" else 409,
                                  reason, str(exc))
    except StaleDataError:
        db.session.rollback()
        return render_declaration(_declaration_or_404(declaration_id), 409, reason,
                                  "该申报已被他人处理，请查看最新状态后再操作。")
    flash({"accept": "已受理", "approve": "审核通过，已签发", "return": "已退证"}[action]
          + f"：{declaration.cert_no}（回执已发出）", "success")
    return redirect(url_for("authority.declaration", declaration_id=declaration.id))
