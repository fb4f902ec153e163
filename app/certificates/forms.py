"""Certificate forms. For now: 初始值设置."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from app.refdata.fields import LookupField

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="邮箱格式不正确")
PHONE = Regexp(r"^[0-9+()\-\s/#转]*$", message="电话号码只能包含数字、空格和 + - ( ) /")


class InitialValuesForm(FlaskForm):
    issuing_authority = LookupField("签证机构", table="authority")
    collecting_authority = LookupField("领证机构", table="authority", description="必须与签证机构一致")
    trade_mode = LookupField("贸易方式", table="trade_mode")
    serial_prefix = StringField("证书号序列自定义前缀", [Optional(), Regexp(
        r"^[A-Za-z0-9]{1,3}$", message="最多 3 位字母或数字（大小写均可）")],
        description="证书号后四位以此开头，其余为流水号；1–3 位字母或数字")
    exporter_name = StringField("出口商名称", [Optional(), Length(max=200)])
    exporter_address = TextAreaField("出口商地址", [Optional(), Length(max=400)])
    exporter_phone = StringField("出口商电话", [Optional(), Length(max=40), PHONE])
    exporter_fax = StringField("出口商传真", [Optional(), Length(max=40), PHONE])
    exporter_email = StringField("出口商邮箱", [Optional(), Length(max=100), EMAIL])
    producer_name = StringField("生产商名称", [Optional(), Length(max=200)])
    producer_address = TextAreaField("生产商地址", [Optional(), Length(max=400)])
    transport_mode = LookupField("运输方式", table="transport_mode")
    port_of_loading = LookupField("启运港", table="port")
    marks = TextAreaField("唛头", [Optional(), Length(max=400)], description="无唛头时填 N/M")
    currency = LookupField("币制", table="currency")
    quantity_unit = LookupField("数量单位", table="quantity_unit")
    package_unit = LookupField("包装单位", table="package_unit")
    weight_unit = LookupField("重量单位", table="weight_unit")
    version = IntegerField(validators=[Optional()], widget=HiddenField.widget)

    def validate_collecting_authority(self, field):
        if field.data and self.issuing_authority.data and field.data != self.issuing_authority.data:
            raise ValidationError("签证机构和领证机构必须一致，否则会影响后续申报")

    def validate_marks(self, field):
        if (field.data or "").strip().upper() == "AS PER INVOICE":
            raise ValidationError("唛头不能填写 AS PER INVOICE")
