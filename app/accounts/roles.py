"""Roles (DESIGN.md: who uses it)."""
import enum


class Role(str, enum.Enum):
    CLERK = "clerk"
    ENT_ADMIN = "ent_admin"
    OFFICER = "officer"
    SYSADMIN = "sysadmin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_enterprise(self) -> bool:
        return self in (Role.CLERK, Role.ENT_ADMIN)


ROLE_LABELS = {
    Role.CLERK: "企业操作员",
    Role.ENT_ADMIN: "企业管理员",
    Role.OFFICER: "签证机构审核员",
    Role.SYSADMIN: "系统管理员",
}

ENTERPRISE_ROLES = (Role.CLERK, Role.ENT_ADMIN)
