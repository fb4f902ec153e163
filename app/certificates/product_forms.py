"""商品库 forms: one product, with its 原产地标准 under up to CRITERIA_SLOTS agreements.

The goods fields are the goods row's own fields (fieldspecs), so a product holds nothing a row would refuse.
"""
import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.refdata import hs, search

from .entry_forms import spec_field
from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS

CRITERIA_SLOTS = 4
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,39}$")
CODE_HELP = "本企业自己的商品编号（如 ERP 物料号），1–40 位字母、数字或 . _ - /"


def check_code(code: str) -> str | None:
    if not CODE_PATTERN.match(code or ""):
        return "商品编号只能包含字母、数字和 . _ - /，1–40 位，以字母或数字开头"
    return None


def agreement_choices() -> list[tuple[str, str]]:
    """The agreements that have origin criteria in 参数表, as (code, name)."""
    return [("", "请选择协定")] + [(e.code, e.label) for e in search.all_entries("agreement")
                                  if search.has_category("origin_criterion", e.code)]


class ProductForm(FlaskForm):
    version = HiddenField()
    code = StringField("商品编号", [DataRequired("请填写商品编号"), Length(max=40)], description=CODE_HELP,
                       filters=[lambda v: v.strip() if isinstance(v, str) else v])
    hs_code = spec_field(GOODS_FIELDS["hs_code"])
    name_cn = spec_field(GOODS_FIELDS["name_cn"], english=False)
    name_en = spec_field(GOODS_FIELDS["name_en"])
    quantity_unit = spec_field(GOODS_FIELDS["quantity_unit"])
    package_unit = spec_field(GOODS_FIELDS["package_unit"])
    weight_unit = spec_field(GOODS_FIELDS["weight_unit"])
    currency = spec_field(GOODS_FIELDS["currency"])
    producer_name = spec_field(BASIC_FIELDS["producer_name"])
    producer_address = spec_field(BASIC_FIELDS["producer_address"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = agreement_choices()
        for n in range(CRITERIA_SLOTS):
            self[f"agreement_{n}"].choices = choices

    def validate_code(self, field):
        message = check_code(field.data)
        if message:
            raise ValidationError(message)

    def validate_hs_code(self, field):
        if field.data:
            code, message = hs.check_hs_code(field.data)
            if message:
                raise ValidationError(message)
            field.data = code

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        seen = {}
        for n in range(CRITERIA_SLOTS):
            agreement, criterion = self[f"agreement_{n}"], self[f"criterion_{n}"]
            text = (criterion.data or "").strip()
            if not agreement.data and not text:
                continue
            if not agreement.data:
                criterion.errors.append("请先选择协定")
                ok = False
                continue
            if agreement.data in seen:
                agreement.errors.append(f"该协定已在第 {seen[agreement.data] + 1} 行填写")
                ok = False
                continue
            seen[agreement.data] = n
            if not text:
                criterion.errors.append("请填写该协定下的原产地标准")
                ok = False
                continue
            entry = search.resolve("origin_criterion", text, agreement.data)
            if entry is None:
                criterion.errors.append("该协定没有这个原产地标准；请从标准详情中选择")
                ok = False
            else:
                criterion.data = entry.code
        return ok

    def criteria(self) -> dict[str, tuple[str, str | None]]:
        """agreement → (criterion, aux) as filled in; the agreements shown with an empty criterion are cleared."""
        found = {}
        for n in range(CRITERIA_SLOTS):
            agreement = self[f"agreement_{n}"].data
            if agreement:
                found[agreement] = ((self[f"criterion_{n}"].data or "").strip(),
                                    (self[f"criterion_aux_{n}"].data or "").strip() or None)
        return found


for _n in range(CRITERIA_SLOTS):
    setattr(ProductForm, f"agreement_{_n}", SelectField(f"协定（{_n + 1}）", [Optional()], choices=[],
                                                        validate_choice=False))
    setattr(ProductForm, f"criterion_{_n}", StringField(f"原产地标准（{_n + 1}）", [Optional(), Length(max=20)]))
    setattr(ProductForm, f"criterion_aux_{_n}", StringField(f"辅助项（{_n + 1}）", [Optional(), Length(max=20)]))


def form_data(product) -> dict:
    """A ProductForm's data from a stored product (its criteria in the slots)."""
    data = {name: getattr(product, name) for name in ("code", "hs_code", "name_cn", "name_en", "quantity_unit",
                                                      "package_unit", "weight_unit", "currency", "producer_name",
                                                      "producer_address")}
    data["version"] = product.version
    for n, criterion in enumerate(product.criteria[:CRITERIA_SLOTS]):
        data[f"agreement_{n}"] = criterion.agreement
        data[f"criterion_{n}"] = criterion.origin_criterion
        data[f"criterion_aux_{n}"] = criterion.criterion_aux
    return data
