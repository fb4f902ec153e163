"""Account forms, with Chinese labels and messages."""
from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, PasswordField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from .roles import ENTERPRISE_ROLES, Role
from app.refdata import search
from app.textrules import CHINESE, half_width
from app.refdata.fields import LookupField
from app.refdata.forms import tab_ids  # noqa: F401 (the account views use it too)

from .password_policy import MIN_LENGTH, POLICY_TEXT
from .rules import CO_REG_NO_FORMAT, check_co_reg_no, check_org_code, check_password, check_username, normalise_code

REQUIRED = "此项为必填项"


class InitialPasswordHelp:
    """Help text of an initial password, saying how long it lasts (INITIAL_PASSWORD_HOURS, read when shown)."""

    def __init__(self, who: str, extra: str = ""):
        self.who, self.extra = who, extra

    def __str__(self) -> str:
        hours = current_app.config["INITIAL_PASSWORD_HOURS"]
        return (f"至少 {MIN_LENGTH} 位，不能是常见密码；{self.who}须在 {hours} 小时内登录并改为自己的密码"
                f"{self.extra}，否则初始密码失效")



def rule(check, *other_fields):
    """Wrap a pure rule (value → message or None) as a WTForms validator."""
    def validator(form, field):
        args = [getattr(form, name).data or "" for name in other_fields]
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


class LoginCodeForm(FlaskForm):
    """The second step of the login: the authenticator app's code, or a recovery code."""
    code = StringField("验证码", [DataRequired("请输入验证码"), Length(max=20, message="验证码太长")],
                       description="打开手机上的身份验证器应用，输入本系统当前显示的 6 位数字；"
                                   "手机不在身边时，可输入一个恢复码（形如 abcde-12345）")


class EnrolForm(FlaskForm):
    token = HiddenField()
    code = StringField("验证码", [DataRequired("请输入应用中显示的 6 位数字"), Length(max=20, message="验证码太长")],
                       description="添加后，应用会显示一个每 30 秒更新的 6 位数字，请输入它")


class TwoFactorCodeForm(FlaskForm):
    """Confirms an action on the second factor with a current code (or a recovery code)."""
    code = StringField("验证码", [DataRequired("请输入验证码"), Length(max=20, message="验证码太长")],
                       description="身份验证器应用中当前的 6 位数字，或一个恢复码")


NEW_PASSWORD = {"autocomplete": "new-password"}  # password managers may offer a generated one


class PasswordPairMixin:
    new = PasswordField("新密码", [DataRequired(REQUIRED)], description=POLICY_TEXT, render_kw=NEW_PASSWORD)
    confirm = PasswordField("确认新密码", [DataRequired(REQUIRED), EqualTo("new", "两次输入的密码不一致")],
                            render_kw=NEW_PASSWORD)


class ChangePasswordForm(PasswordPairMixin, FlaskForm):
    current = PasswordField("当前密码", [DataRequired(REQUIRED)], render_kw={"autocomplete": "current-password"})


class ResetPasswordForm(PasswordPairMixin, FlaskForm):
    """An admin sets a new password; the user must change it at the next login."""


ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in ENTERPRISE_ROLES]


class UserCreateForm(FlaskForm):
    username = StringField("用户名", [DataRequired(REQUIRED), rule(check_username)],
                           description="3–32 位字母、数字、下划线、点或短横线")
    display_name = StringField("姓名", [DataRequired(REQUIRED), Length(max=50)])
    role = SelectField("角色", choices=ROLE_CHOICES, default=Role.CLERK.value)
    password = PasswordField("初始密码", [DataRequired(REQUIRED), rule(check_password, "username")],
                             description=InitialPasswordHelp("用户"))


class UserEditForm(FlaskForm):
    display_name = StringField("姓名", [DataRequired(REQUIRED), Length(max=50)])
    role = SelectField("角色", choices=ROLE_CHOICES)


class EnterpriseCreateForm(FlaskForm):
    name = StringField("企业名称", [DataRequired(REQUIRED), Length(max=100)])
    admin_username = StringField("管理员用户名", [DataRequired(REQUIRED), rule(check_username)])
    admin_display_name = StringField("管理员姓名", [DataRequired(REQUIRED), Length(max=50)])
    admin_password = PasswordField("管理员初始密码",
                                   [DataRequired(REQUIRED), rule(check_password, "admin_username")],
                                   description=InitialPasswordHelp("管理员"))


class OfficerCreateForm(FlaskForm):
    username = StringField("用户名", [DataRequired(REQUIRED), rule(check_username)])
    display_name = StringField("姓名", [DataRequired(REQUIRED), Length(max=50)])
    authority_code = LookupField("所属签证机构", [DataRequired(REQUIRED)], table="authority",
                                 description="参数表“质检机构代码”中的机构")
    password = PasswordField("初始密码", [DataRequired(REQUIRED), rule(check_password, "username")],
                             description=InitialPasswordHelp("审核员", "、设置双重认证"))


def _english(field) -> None:
    """English as the certificate prints it: no Chinese, no full-width characters."""
    if field.data and CHINESE.search(field.data):
        raise ValidationError("请用英文填写，不能含中文或全角字符")


class QualificationForm(FlaskForm):
    co_reg_no = StringField("产地证备案号", [DataRequired(REQUIRED)], description=CO_REG_NO_FORMAT)
    org_code = StringField("组织机构代码", [DataRequired(REQUIRED), rule(check_org_code)],
                           description="18 位统一社会信用代码，或 9 位组织机构代码")
    name_cn = StringField("公司中文名称", [DataRequired(REQUIRED), Length(max=100)])
    name_en = StringField("公司英文名称", [Optional(), Length(max=200, message="不能超过 200 个字符")],
                          filters=[half_width],
                          description="与营业执照、发票一致；证书的出口商名称须与此完全一致")
    address_en = TextAreaField("公司英文地址", [Optional(), Length(max=400, message="不能超过 400 个字符")],
                               filters=[half_width],
                               description="证书的出口商地址须与此完全一致")
    platform_account = StringField("质检通讯平台帐号", [Optional(), Length(max=64)])
    platform_password = PasswordField("质检通讯平台密码", [Optional(), Length(max=128)],
                                      description="留空则保持原密码不变")
    clear_platform_password = BooleanField("清除已保存的平台密码")
    version = IntegerField(widget=HiddenField.widget)

    def validate_co_reg_no(self, field):
        message = check_co_reg_no(field.data or "", lambda code: search.get("authority", code) is not None)
        if message:
            raise ValidationError(message)

    def validate_name_en(self, field):
        _english(field)

    def validate_address_en(self, field):
        _english(field)

    def validate_name_cn(self, field):
        if not any("\u4e00" <= ch <= "\u9fff" for ch in field.data or ""):
            raise ValidationError("请填写公司的中文名称")
