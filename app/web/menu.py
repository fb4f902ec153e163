"""The left menu (第五篇 通用功能): which items each role sees."""
from dataclasses import dataclass

from app.accounts.roles import Role

E = (Role.CLERK, Role.ENT_ADMIN)


@dataclass(frozen=True)
class MenuItem:
    label: str
    endpoint: str
    icon: str  # one character, shown alone when the menu is collapsed
    roles: tuple[Role, ...]


MENU = (
    MenuItem("新建证书", "certificates.new", "新", E),
    MenuItem("证书查询", "queries.search", "查", E),
    MenuItem("商品库", "certificates.products_list", "商", E),
    MenuItem("初始值设置", "certificates.initial_values", "初", E),
    MenuItem("我的资质", "accounts.qualification", "资", (Role.ENT_ADMIN,)),
    MenuItem("经核准出口商", "accounts.approved_exporters", "核", (Role.ENT_ADMIN,)),
    MenuItem("用户管理", "accounts.users", "用", (Role.ENT_ADMIN,)),
    MenuItem("API 令牌", "api.tokens_page", "令", (Role.ENT_ADMIN,)),
    MenuItem("审核工作台", "authority.desk", "审", (Role.OFFICER,)),
    MenuItem("企业管理", "accounts.enterprises", "企", (Role.SYSADMIN,)),
    MenuItem("审核员管理", "accounts.officers", "员", (Role.SYSADMIN,)),
    MenuItem("发送方登记", "authority.senders_page", "发", (Role.SYSADMIN,)),
    MenuItem("参数表", "refdata.tables", "参", (Role.SYSADMIN,)),
    MenuItem("系统设置", "settings.edit", "设", (Role.SYSADMIN,)),
    MenuItem("操作日志", "accounts.audit", "志", (Role.ENT_ADMIN, Role.SYSADMIN)),
)


def menu_for(role: Role) -> list[MenuItem]:
    return [item for item in MENU if role in item.roles]
