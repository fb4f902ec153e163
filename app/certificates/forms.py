"""Certificate forms. For now: 初始值设置."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Optional, Regexp, ValidationError

from app.refdata.fields import LookupField
from app.web.formfields import ChineseDateField

from .entry_forms import spec_text_field
from .fieldspecs import BASIC_FIELDS
from .rules import authority_problem


def _basic(name: str, **kw):
    """A text default of 初始值设置: the same field (length, characters, pattern) as on the certificate."""
    return spec_text_field(BASIC_FIELDS[name], True, **kw)


class InitialValuesForm(FlaskForm):
    issuing_authority = LookupField("签证机构", table="authority")
    collecting_authority = LookupField("领证机构", table="authority", description="必须与签证机构一致")
    trade_mode = LookupField("贸易方式", table="trade_mode")
    serial_prefix = StringField("证书号序列自定义前缀", [Optional(), Regexp(
        r"^[A-Za-z0-9]{1,3}$", message="最多 3 位字母或数字（大小写均可）")],
        description="证书号后四位以此开头，其余为流水号；1–3 位字母或数字")
    exporter_name = _basic("exporter_name")
    exporter_address = _basic("exporter_address")
    exporter_phone = _basic("exporter_phone")
    exporter_fax = _basic("exporter_fax")
    exporter_email = _basic("exporter_email")
    producer_name = _basic("producer_name")
    producer_address = _basic("producer_address")
    transport_mode = LookupField("运输方式", table="transport_mode")
    port_of_loading = LookupField("启运港", table="port")
    marks = _basic("marks", description="无唛头时填 N/M")
    currency = LookupField("币制", table="currency")
    quantity_unit = LookupField("数量单位", table="quantity_unit")
    package_unit = LookupField("包装单位", table="package_unit")
    weight_unit = LookupField("重量单位", table="weight_unit")
    version = IntegerField(validators=[Optional()], widget=HiddenField.widget)

    def validate_collecting_authority(self, field):
        message = authority_problem(self.issuing_authority.data, field.data)
        if message:
            raise ValidationError(message + "，否则会影响后续申报")


OTHER_DESTINATION = "other"


class ChooseTypeForm(FlaskForm):
    """新建证书: which types apply to a destination on a date (a GET form: no CSRF, nothing is changed)."""

    class Meta:
        csrf = False

    # ids of their own: 证书查询 in another tab has a 目的地 field too
    destination = SelectField("目的地国家/地区", choices=[], validate_choice=True, id="new-type-destination",
                              description="选择后只列出该目的地在申请日期适用的证书类型")
    on = ChineseDateField("申请日期", [Optional()], id="new-type-on", description="协定按申请日期判断是否适用")
