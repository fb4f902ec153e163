"""Forms built from the type registry: 基本信息 and one goods row, for any certificate type."""
from functools import lru_cache

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from app.refdata.fields import LookupField
from app.web.formfields import ChineseDateField, ChineseDecimalField, ChineseIntegerField, MarkRequired, YesNoField

from . import numbering
from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS, MATERIAL_REQUIRED, FieldSpec
from .rules import CHINESE, FORBIDDEN_MARKS
from .types import CertType

PHONE = Regexp(r"^[0-9+()\-\s/#转,，]*$", message="电话号码只能包含数字、空格和 + - ( ) /")
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="邮箱格式不正确")


def english_only(form, field):
    if field.data and isinstance(field.data, str) and CHINESE.search(field.data):
        raise ValidationError(f"{field.label.text}须用英文填写，不能含中文或全角字符")


def _field(spec: FieldSpec, required: bool, english: bool, category=None, id_prefix=""):
    kw = {"description": spec.help, "id": id_prefix + spec.name}
    checks = [MarkRequired()] if required else []
    if spec.kind in ("text", "textarea", "phone", "email"):
        checks += [Optional(), Length(max=spec.max_length, message=f"不能超过 {spec.max_length} 个字符")]
        if english and spec.english:
            checks.append(english_only)
        if spec.kind == "phone":
            checks.append(PHONE)
        if spec.kind == "email":
            checks.append(EMAIL)
        cls = TextAreaField if spec.kind == "textarea" else StringField
        return cls(spec.label, checks, **kw)
    if spec.kind == "date":
        return ChineseDateField(spec.label, checks, **kw)
    if spec.kind == "lookup":
        return LookupField(spec.label, checks, table=spec.table, category=category, **kw)
    if spec.kind == "bool" and spec.yes_no:
        return YesNoField(spec.label, **kw)
    if spec.kind == "bool":
        return BooleanField(spec.label, **kw)
    if spec.kind == "number":
        return ChineseDecimalField(spec.label, checks, **kw)
    if spec.kind == "integer":
        return ChineseIntegerField(spec.label, checks, **kw)
    raise ValueError(spec.kind)


class BasicFormBase(FlaskForm):
    cert_no = StringField("证书号", [Optional(), Length(max=24)], description="首次暂存时自动生成，之后可修改")
    version = IntegerField(validators=[Optional()], widget=HiddenField.widget)

    def validate_cert_no(self, field):
        message = numbering.check_cert_no(field.data) if field.data else None
        if message:
            raise ValidationError(message)

    def validate_collecting_authority(self, field):
        issuing = getattr(self, "issuing_authority", None)
        if field.data and issuing is not None and issuing.data and field.data != issuing.data:
            raise ValidationError("签证机构和领证机构必须一致")

    def validate_marks(self, field):
        if (field.data or "").strip().upper() in FORBIDDEN_MARKS:
            raise ValidationError("唛头不能填写 AS PER INVOICE；无唛头请填 N/M")


@lru_cache(maxsize=None)
def basic_form_class(ctype: CertType) -> type[FlaskForm]:
    """The 基本信息 form of a certificate type, its fields in the registry's order."""
    attrs = {name: _field(BASIC_FIELDS[name], name in ctype.required, ctype.language == "en")
             for name in ctype.basic_fields}
    return type(f"BasicForm_{ctype.code}", (BasicFormBase,), attrs)


class GoodsFormBase(FlaskForm):
    version = IntegerField(validators=[Optional()], widget=HiddenField.widget)


@lru_cache(maxsize=None)
def goods_form_class(ctype: CertType) -> type[FlaskForm]:
    """One goods row of a certificate type (non-goods rows keep only the description)."""
    attrs = {name: _field(GOODS_FIELDS[name], name in ctype.goods_required, ctype.language == "en",
                          category=ctype.agreement if name == "origin_criterion" else None)
             for name in ctype.goods_fields}
    return type(f"GoodsForm_{ctype.code}", (GoodsFormBase,), attrs)


class MaterialFormBase(FlaskForm):
    version = IntegerField(validators=[Optional()], widget=HiddenField.widget)


MaterialForm = type("MaterialForm", (MaterialFormBase,), {
    name: _field(spec, name in MATERIAL_REQUIRED, True, id_prefix="material_") for name, spec in MATERIAL_FIELDS.items()})
