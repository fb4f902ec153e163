"""参数表 admin forms."""
import json

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

REQUIRED = "此项为必填项"


class EntryForm(FlaskForm):
    code = StringField("代码", [DataRequired(REQUIRED), Length(max=20)])
    name_zh = StringField("中文名称", [Length(max=200)])
    name_en = StringField("英文名称", [Length(max=400)])
    category = StringField("分类", [Optional(), Length(max=20)], description="港口：国家代码；原产地标准：证书类型代码；HS：hs4/hs6")
    sort = IntegerField("排序", [Optional()], default=1000, description="数字小的排在前面")
    attrs = TextAreaField("附加属性（JSON）", [Optional()], default="{}")
    source = StringField("来源", [Length(max=500)])
    active = BooleanField("启用", default=True)

    def validate_attrs(self, field):
        try:
            value = json.loads(field.data or "{}")
        except ValueError:
            raise ValidationError("请填写 JSON 对象，例如 {\"phrase\": \"BY SEA\"}")
        if not isinstance(value, dict):
            raise ValidationError("请填写 JSON 对象，例如 {\"phrase\": \"BY SEA\"}")

    def validate_name_en(self, field):
        if not (field.data or "").strip() and not (self.name_zh.data or "").strip():
            raise ValidationError("中文名称和英文名称至少填写一项")


class ImportForm(FlaskForm):
    file = FileField("CSV 文件", [FileRequired("请选择要导入的 CSV 文件")])
