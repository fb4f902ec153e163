"""经核准出口商: the enterprise admin records the approvals that let the enterprise make origin declarations."""
from flask import current_app, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.approval_rules import check_approval_no, normalise_approval_no, state, validity_problem
from app.exceptions import Conflict, FieldError
from app.extensions import db
from app.timeutil import local_today
from app.web.formfields import ChineseDateField
from app.web.htmx import is_fragment_request, render_page_or_fragment

from .. import approved_exporters as services, bp
from ..access import ent_admin_required, get_for_enterprise_or_404
from ..forms import REQUIRED, rule, tab_ids
from ..models import ApprovedExporter
from .common import field_error


class DateRequired:
    """A required date that keeps the field's own message for a date it could not read."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if field.data is None:
            raise StopValidation(None if field.errors else REQUIRED)


class AgreementsField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApprovalForm(FlaskForm):
    """适用协定 and 有效期: what an admin may change of an approval."""

    agreements = AgreementsField("适用协定", [DataRequired("请至少选择一个适用协定")],
                                 invalid_choice_message="所选协定不允许原产地声明：%(value)s",
                                 description="勾选海关核准的协定（只列出允许原产地声明的协定）")
    valid_from = ChineseDateField("有效期自", [DateRequired()])
    valid_until = ChineseDateField("有效期至", [DateRequired()], description="核准有效的最后一日（含当日）")

    def __init__(self, *args, keep=(), **kwargs):
        super().__init__(*args, **kwargs)
        # An agreement stored earlier stays offered even if 参数表 no longer allows declarations under it.
        offered = [(e.code, e.name_zh) for e in services.declaration_agreements()]
        codes = {code for code, _name in offered}
        self.agreements.choices = offered + [(k, services.agreement_names([k])[0]) for k in keep if k not in codes]

    def validate_valid_until(self, field):
        message = validity_problem(self.valid_from.data, field.data)
        if message:
            raise ValidationError(message)


class ApprovalAddForm(ApprovalForm):
    approval_no = StringField("核准出口商编号", [DataRequired(REQUIRED), rule(check_approval_no)],
                              filters=[normalise_approval_no], description="海关核发的编号：4–20 位字母或数字")

    def validate_approval_no(self, field):
        # (asked here too, so that every message shows at once; add() asks again inside the transaction)
        if services.is_taken(field.data):
            raise ValidationError(services.TAKEN)


class ApprovalEditForm(ApprovalForm):
    version = HiddenField()


def _today():
    return local_today(current_app.config["DISPLAY_TIMEZONE"])


def _context(**ctx):
    return dict(today=_today(), state=state, names=services.agreement_names, **ctx)


def _load(approval_id: int) -> ApprovedExporter:
    return get_for_enterprise_or_404(ApprovedExporter, approval_id)


def _list(form=None, status=200):
    form = tab_ids(form or ApprovalAddForm(formdata=None), "ae-new")
    return render_page_or_fragment("accounts/approved_exporters.html", "accounts/_approved_exporters.html", status,
                                   **_context(approvals=services.list_for(current_user.enterprise_id), form=form))


def _editor(approval, form=None, status=200):
    if form is None:
        form = ApprovalEditForm(formdata=None, keep=approval.agreement_keys, data={
            "agreements": approval.agreement_keys, "valid_from": approval.valid_from,
            "valid_until": approval.valid_until, "version": approval.version})
    return render_page_or_fragment("accounts/approved_exporter.html", "accounts/_approved_exporter_form.html", status,
                                   **_context(approval=approval, form=tab_ids(form, f"ae{approval.id}"),
                                              stale=status == 409))


@bp.get("/enterprise/approved-exporters")
@ent_admin_required
def approved_exporters():
    """The enterprise's approvals and the form to register one."""
    return _list()


@bp.post("/enterprise/approved-exporters")
@ent_admin_required
def approved_exporters_add():
    """Register an approval of the admin's own enterprise."""
    form = ApprovalAddForm()
    if form.validate():
        try:
            services.add(current_user.enterprise, approval_no=form.approval_no.data, agreements=form.agreements.data,
                         valid_from=form.valid_from.data, valid_until=form.valid_until.data, actor=current_user)
            db.session.commit()
        except FieldError as exc:
            db.session.rollback()
            field_error(form, exc)
        else:
            flash(f"核准出口商编号 {form.approval_no.data} 已登记。", "success")
            if not is_fragment_request():
                return redirect(url_for("accounts.approved_exporters"))
            form = ApprovalAddForm(formdata=None)
    return _list(form, 422 if form.errors else 200)


@bp.get("/enterprise/approved-exporters/<int:approval_id>")
@ent_admin_required
def approved_exporter(approval_id):
    """One approval: change its agreements and validity."""
    return _editor(_load(approval_id))


@bp.post("/enterprise/approved-exporters/<int:approval_id>")
@ent_admin_required
def approved_exporter_update(approval_id):
    """Save 适用协定 and 有效期; an edit of a version changed meanwhile is refused, the typing kept."""
    approval = _load(approval_id)
    form = ApprovalEditForm(keep=approval.agreement_keys)
    if not form.validate():
        return _editor(approval, form, 422)
    version = form.version.data
    try:
        services.update(approval, version=int(version) if (version or "").isdigit() else None,
                        agreements=form.agreements.data, valid_from=form.valid_from.data,
                        valid_until=form.valid_until.data, actor=current_user)
        db.session.commit()
    except (Conflict, StaleDataError):
        db.session.rollback()
        fresh = db.session.get(ApprovedExporter, approval_id)
        if fresh is None:  # deleted meanwhile: nothing left to save into
            return render_page_or_fragment("errors/error.html", "errors/_error.html", 409, title="无法保存",
                                           text="该核准出口商资质已被删除（可能在另一个页签中）。")
        form.form_errors.append(services.STALE)
        return _editor(fresh, form, 409)
    flash(f"核准出口商编号 {approval.approval_no} 已保存。", "success")
    if is_fragment_request():
        return _editor(approval)
    return redirect(url_for("accounts.approved_exporters"))


@bp.get("/enterprise/approved-exporters/<int:approval_id>/delete")
@ent_admin_required
def approved_exporter_delete_confirm(approval_id):
    """删除 asks first: a page without JS; with htmx, the question in place of the row."""
    return render_page_or_fragment("accounts/approved_exporter_delete.html", "accounts/_approved_exporter_delete.html",
                                   **_context(a=_load(approval_id), inline=is_fragment_request()))


@bp.post("/enterprise/approved-exporters/<int:approval_id>/delete")
@ent_admin_required
def approved_exporter_delete(approval_id):
    """Delete an approval (asked on the confirmation), then the list."""
    approval = _load(approval_id)
    number = approval.approval_no
    services.delete(approval, actor=current_user)
    db.session.commit()
    flash(f"核准出口商编号 {number} 已删除。", "success")
    if is_fragment_request():
        return _list()
    return redirect(url_for("accounts.approved_exporters"))
