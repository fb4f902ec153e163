"""Account forms, with Chinese labels and messages."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from .roles import ENTERPRISE_ROLES, Role
from app.refdata import search
from app.refdata.fields import LookupField

from .rules import check_co_reg_no, check_org_code, check_password, check_username, normalise_code

REQUIRED = "此项为必填项"


def rule(check, *other_fields):
    """Wrap a pure rule (value → message or None) as a WTForms validator."""
    def validator(form, field):
        args = [getattr(form, name).data for name in other_fields]
        message = check(field.data or "", *args)
        if message:
            raise ValidationError(message)
    return validator


class LoginForm(FlaskForm):
    username = StringField("用户名", [DataRequired(REQUIRED), Length(max=64)])
    password = PasswordField("密码", [DataRequired(REQUIRED), Length(max=128)])
    captcha_id = HiddenField()
    captcha = StringField("验证码", [Length(max=8)])
    next = HiddenField()


class PasswordPairMixin:
    new = PasswordField("新密码", [DataRequired(REQUIRED)])
    confirm = PasswordField("确认新密码", [DataRequired(REQUIRED), EqualTo("new", "两次输入的密码不一致")])


class ChangePasswordForm(PasswordPairMixin, FlaskForm):
    current = PasswordField("当前密码", [DataRequired(REQUIRED)])


class ResetPasswordForm(PasswordPairMixin, FlaskForm):
    """An admin sets a new password; the user must change it at the next login."""


ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in ENTERPRISE_ROLES]


class UserCreateForm(FlaskForm):
    username = StringField("用户名", [DataRequired(REQUIRED), rule(check_username)],
                           description="3–32 位字母、数字、下划线、点或短横线")
    display_name = StringField("姓名", [DataRequired(REQUIRED), Length(max=50)])
    role = SelectField("角色", choices=ROLE_CHOICES, default=Role.CLERK.value)
    password = PasswordField("初始密码", [DataRequired(REQUIRED), rule(check_password, "username")],
                             description="至少 8 位，含字母和数字；用户首次登录须修改")


class UserEditForm(FlaskForm):
    display_name = StringField("姓名", [DataRequired(REQUIRED), Length(max=50)])
    role = SelectField("角色", choices=ROLE_CHOICES)


class EnterpriseCreateForm(FlaskForm):
    name = StringField("企业名称", [DataRequired(REQUIRED), Length(max=100)])
    admin_username = StringField("管理员用户名", [DataRequired(REQUIRED), rule(check_username)])
    admin_display_name = StringField("管理员姓名", [DataRequired(REQUIRED), Length(max=50)])
    admin_password = PasswordField("管理员初始密码",
                                   [DataRequired(REQUIRED), rule(check_password, "admin_username")],
                                   description="至少 8 位，含字母和数字；首次登录须修改")


class OfficerCreateForm(FlaskForm):
    username = StringField("用户名", [DataRequired(REQUIRED), rule(check_username)])
    display_name = StringField("姓名", [DataRequired(REQUIRED), Length(max=50)])
    authority_code = LookupField("所属签证机构", [DataRequired(REQUIRED)], table="authority",
                                 description="参数表“质检机构代码”中的机构")
    password = PasswordField("初始密码", [DataRequired(REQUIRED), rule(check_password, "username")])


class QualificationForm(FlaskForm):
    co_reg_no = StringField("产地证备案号", [DataRequired(REQUIRED), rule(check_co_reg_no)],
                            description="9 位：4 位签证机构代码 + 5 位")
    org_code = StringField("组织机构代码", [DataRequired(REQUIRED), rule(check_org_code)],
                           description="18 位统一社会信用代码，或 9 位组织机构代码")
    name_cn = StringField("公司中文名称", [DataRequired(REQUIRED), Length(max=100)])
    platform_account = StringField("质检通讯平台帐号", [Optional(), Length(max=64)])
    platform_password = PasswordField("质检通讯平台密码", [Optional(), Length(max=128)],
                                      description="留空则保持原密码不变")
    clear_platform_password = BooleanField("清除已保存的平台密码")
    version = IntegerField(widget=HiddenField.widget)

    def validate_co_reg_no(self, field):
        authority = normalise_code(field.data)[:4]
        if authority.isdigit() and search.get("authority", authority) is None:
            raise ValidationError(f"产地证备案号前 4 位应为签证机构代码，参数表“质检机构代码”中没有 {authority}")

    def validate_name_cn(self, field):
        if not any("\u4e00" <= ch <= "\u9fff" for ch in field.data or ""):
            raise ValidationError("请填写公司的中文名称")
