"""参数表 admin forms."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.web.formfields import ChineseIntegerField

from .attrs import parse_attrs

REQUIRED = "此项为必填项"


class EntryForm(FlaskForm):
    code = StringField("代码", [DataRequired(REQUIRED), Length(max=20)])
    name_zh = StringField("中文名称", [Length(max=200)])
    name_en = StringField("英文名称", [Length(max=600)])
    category = StringField("分类", [Optional(), Length(max=20)], description="港口：国家代码；原产地标准：证书类型代码；HS：hs4/hs6")
    sort = ChineseIntegerField("排序", [Optional()], default=1000, description="数字小的排在前面")
    attrs = TextAreaField("附加属性（JSON）", [Optional()], default="{}")
    source = StringField("来源", [Length(max=500)])
    active = BooleanField("启用", default=True)

    def validate_attrs(self, field):
        message = parse_attrs(field.data)[1]
        if message:
            raise ValidationError(message)

    def validate_name_en(self, field):
        if not (field.data or "").strip() and not (self.name_zh.data or "").strip():
            raise ValidationError("中文名称和英文名称至少填写一项")


class TariffForm(FlaskForm):
    """载入新年度税则: the file and the year it applies from (1 January)."""

    file = FileField("税则文件（CSV）", [FileRequired("请选择税则文件")],
                     description="表头含 code,name_zh,name_en（可有 unit1_zh,unit2_zh）；UTF-8 或 GB18030 编码")
    year = ChineseIntegerField("适用年度", [InputRequired("请填写适用年度"),
                                         NumberRange(2000, 2100, "年度应在 2000 至 2100 之间")], thousands=False,
                        description="自该年 1 月 1 日起适用；文件中没有的编码自该日起不再有效")


class ImportForm(FlaskForm):
    file = FileField("CSV 或 Excel 文件", [FileRequired("请选择要导入的 CSV 或 Excel（.xlsx）文件")],
                     render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


def tab_ids(form, prefix: str):
    """Give the form's fields ids of their own (names stay): the shell's tabs keep several pages in one
    document, so two pages with the same form (新增用户 of two enterprises, 新增审核员 …) must not share ids."""
    for f in form:
        if f.type != "CSRFTokenField":
            f.id = f"{prefix}-{f.name}"
            f.label.field_id = f.id
    return form
