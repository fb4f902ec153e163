"""Forms built from the type registry: 基本信息 and one goods row, for any certificate type."""
from functools import lru_cache

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from app.refdata import search
from app.refdata.fields import LookupField
from app.web.formfields import ChineseDateField, ChineseDecimalField, ChineseIntegerField, MarkRequired, YesNoField

from . import numbering
from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS, MATERIAL_REQUIRED, FieldSpec
from .fieldchecks import normalise_text, value_problem
from . import agreement_data
from .agreements import destination_problem
from .rules import authority_problem
from .types import CertType


class SpecCheck:
    """The field's one check (fieldchecks), beside the field; English text is made half-width first (filters)."""

    def __init__(self, spec: FieldSpec, english_certificate: bool):
        self.spec, self.english_certificate = spec, english_certificate

    def __call__(self, form, field):
        message = value_problem(self.spec, field.data, self.english_certificate)
        if message:
            raise ValidationError(message)

    def filter(self, value):
        return normalise_text(self.spec, value, self.english_certificate)


def spec_text_field(spec: FieldSpec, english_certificate: bool, checks=(), **kw):
    """A text field of a FieldSpec: its check, and its half-width conversion for English certificates."""
    check = SpecCheck(spec, english_certificate)
    cls = TextAreaField if spec.kind == "textarea" else StringField
    if spec.kind == "textarea":  # a long text: its count and limit beside it (forms.html, forms.js)
        kw["render_kw"] = {**kw.get("render_kw", {}), "data-max-length": spec.max_length}
    return cls(spec.label, [*checks, Optional(), check], filters=[check.filter], **kw)


def _field(spec: FieldSpec, required: bool, english: bool, category=None, id_prefix="", allowed=()):
    kw = {"description": spec.help if english or spec.help_zh is None else spec.help_zh, "id": id_prefix + spec.name}
    checks = [MarkRequired()] if required else []
    if spec.kind in ("text", "textarea", "phone", "email"):
        return spec_text_field(spec, english, checks, **kw)
    if spec.kind == "date":
        return ChineseDateField(spec.label, checks, **kw)
    if spec.kind == "lookup":
        return LookupField(spec.label, checks, table=spec.table, category=category, allowed=allowed, **kw)
    if spec.kind == "bool" and spec.yes_no:
        return YesNoField(spec.label, **kw)
    if spec.kind == "bool":
        return BooleanField(spec.label, **kw)
    if spec.kind == "number":
        return ChineseDecimalField(spec.label, [*checks, SpecCheck(spec, english)], digits=spec.digits,
                                   places=spec.places, thousands=spec.thousands, **kw)
    if spec.kind == "integer":
        return ChineseIntegerField(spec.label, [*checks, SpecCheck(spec, english)], maximum=spec.maximum,
                                   thousands=spec.thousands, **kw)
    raise ValueError(spec.kind)


class BasicFormBase(FlaskForm):
    ctype: CertType  # set on each type's form class

    cert_no = StringField("证书号", [Optional(), Length(max=24)], description="首次暂存时自动生成，之后可修改")
    version = IntegerField(validators=[Optional()], widget=HiddenField.widget)
    # 申请人承诺 (GACC Decree 270): confirmed with each 申报, not stored with a 暂存.
    undertaking = BooleanField("本人已阅读并承诺遵守以上申请人承诺")

    def validate_cert_no(self, field):
        message = numbering.check_cert_no(field.data) if field.data else None
        if message:
            raise ValidationError(message)

    def validate_collecting_authority(self, field):
        issuing = getattr(self, "issuing_authority", None)
        message = authority_problem(issuing.data if issuing is not None else None, field.data)
        if message:
            raise ValidationError(message)

    def validate_destination_country(self, field):
        if self.ctype.fixed_destination:
            return  # not the clerk's choice: the certificate always goes there (services._assign_basic)
        on = self.application_date.data if "application_date" in self and not self.application_date.errors else None
        message = destination_problem(self.ctype, field.data, on, agreement_data.members_of, search.name_of)
        if message:
            raise ValidationError(message)


@lru_cache(maxsize=None)
def basic_form_class(ctype: CertType) -> type[FlaskForm]:
    """The 基本信息 form of a certificate type, its fields in the registry's order."""
    many = ctype.destinations if len(ctype.destinations) > 1 else ()
    attrs = {name: _field(BASIC_FIELDS[name], name in ctype.required, ctype.language == "en",
                          allowed=many if name == "destination_country" else ())
             for name in ctype.basic_fields}
    return type(f"BasicForm_{ctype.code}", (BasicFormBase,), {**attrs, "ctype": ctype})


class GoodsFormBase(FlaskForm):
    version = IntegerField(validators=[Optional()], widget=HiddenField.widget)


@lru_cache(maxsize=None)
def goods_form_class(ctype: CertType) -> type[FlaskForm]:
    """One goods row of a certificate type (non-goods rows keep only the description)."""
    attrs = {name: _field(GOODS_FIELDS[name], name in ctype.goods_required, ctype.language == "en",
                          category=ctype.agreement if GOODS_FIELDS[name].table == "origin_criterion" else None)
             for name in ctype.goods_fields}
    return type(f"GoodsForm_{ctype.code}", (GoodsFormBase,), attrs)


class MaterialFormBase(FlaskForm):
    version = IntegerField(validators=[Optional()], widget=HiddenField.widget)


MaterialForm = type("MaterialForm", (MaterialFormBase,), {
    name: _field(spec, name in MATERIAL_REQUIRED, True, id_prefix="material_") for name, spec in MATERIAL_FIELDS.items()})


def spec_field(spec: FieldSpec, required: bool = False, english: bool = True, category=None):
    """The form field of any FieldSpec, with its one check (商品库 and other forms built outside a type)."""
    return _field(spec, required, english, category=category)
