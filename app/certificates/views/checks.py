"""The server's check of one field as the clerk leaves it (htmx, on change): the same check as 暂存 and 申报
(fieldchecks via the entry forms), so the browser never holds a copy of a rule. Writes nothing."""
import json

from flask import abort, render_template, request, url_for

from app.accounts.access import qualification_required
from app.refdata import search
from app.refdata.hs import check_hs_code

from .. import bp
from ..entry_forms import MaterialForm, basic_form_class, goods_form_class
from ..fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS
from ..page import posted_prefix, prefix_ids
from ..types import get_type

FORMS = {"basic": (basic_form_class, BASIC_FIELDS), "goods": (goods_form_class, GOODS_FIELDS),
         "materials": (lambda _ctype: MaterialForm, MATERIAL_FIELDS)}


@bp.app_template_global()
def field_check(f, form_kind: str) -> dict:
    """The hx-… attributes of a field the server checks when its value changes.

    The form's own hx-disabled-elt and hx-indicator are not inherited: the check must never disable 暂存 / 申报
    (a click on 暂存 right after typing blurs the field, and the click would land on a disabled button).
    """
    return {"hx-post": url_for("certificates.check_field"), "hx-trigger": "change", "hx-include": "closest form",
            "hx-target": "closest .field", "hx-swap": "outerHTML", "hx-sync": "this:replace",
            "hx-disabled-elt": "unset", "hx-indicator": "unset",
            "hx-vals": json.dumps({"_check": f.name, "_check_form": form_kind})}


@bp.app_template_global()
def hs_notice(code: str, on) -> str | None:
    """A goods row's HS code that the tariff in force on the certificate's date does not have (a newer year's
    tariff dropped it): the message 申报 would give, shown on the row of a draft."""
    return check_hs_code(code, on)[1]


@bp.app_template_global()
def hs_prefetch(rows) -> str:
    """Before a goods list marks its rows: the tariff entries of all their 8-digit codes in one query."""
    search.prefetch("hs", [r.hs_code[:8] for r in rows if r.hs_code and len(r.hs_code) >= 8], "hs8")
    return ""


@bp.post("/certificates/check-field")
@qualification_required
def check_field():
    """One field of a certificate form, checked as the form stands, marked with its message or cleared."""
    ctype = get_type(request.form.get("cert_type", ""))
    kind, name = request.form.get("_check_form", ""), request.form.get("_check", "")
    if ctype is None or kind not in FORMS or name not in FORMS[kind][1]:
        abort(400)  # not a request the page makes
    form_class, specs = FORMS[kind]
    form = prefix_ids(form_class(ctype)(), posted_prefix())
    if name not in form:
        abort(400)  # a field this type of certificate does not have
    form.validate()
    extra = {}
    if name == "criterion_aux":  # filled by the system for some criteria (GSP W: the HS heading as XX.XX)
        from .. import criteria_filled_from_hs
        from ..services import criterion_aux

        hs = check_hs_code(form.hs_code.data or "")[0] or (form.hs_code.data or "")
        aux = criterion_aux(ctype, form.origin_criterion.data, hs)
        if aux is not None:
            form.criterion_aux.data, form.criterion_aux.raw_data = aux, None
        extra = {"from_hs": criteria_filled_from_hs(ctype.agreement), "criterion": form.origin_criterion.data}
    return render_template("certificates/_checked_field.html", f=form[name], spec=specs[name], form_kind=kind,
                           **extra)
