"""Account operations: they take domain objects and form data, flush, and never commit."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.crypto import encrypt
from app.exceptions import Conflict, FieldError
from app.extensions import db
from app.timeutil import utcnow

from . import audit, sessions
from .models import Enterprise, Qualification, User
from .passwords import hash_password, verify_password
from .roles import Role
from .rules import normalise_code, normalise_username


def initial_password_expiry():
    """When a password an admin sets now stops working (ASVS 2.3.1: initial passwords expire soon)."""
    return utcnow() + timedelta(hours=current_app.config["INITIAL_PASSWORD_HOURS"])


def initial_password_expired(user: User) -> bool:
    """The admin-set password was not replaced in time: it no longer logs in."""
    return bool(user.must_change_password and user.password_expires_at and user.password_expires_at <= utcnow())


def _require_free_username(username: str, field: str = "username") -> None:
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise FieldError(field, "该用户名已被使用")


def create_user(*, username: str, display_name: str, role: Role, password: str,
                enterprise: Enterprise | None = None, authority_code: str | None = None,
                must_change_password: bool = True, actor=None) -> User:
    """Create an account. Enterprise roles need an enterprise; officers need an authority code.

    :raises FieldError: the username is taken.
    """
    username = normalise_username(username)
    if role.is_enterprise and enterprise is None:
        raise ValueError("enterprise roles need an enterprise")
    if role == Role.OFFICER and not authority_code:
        raise ValueError("officers need an authority code")
    _require_free_username(username)
    user = User(username=username, display_name=display_name.strip(), role=role,
                enterprise=enterprise if role.is_enterprise else None,
                authority_code=authority_code if role == Role.OFFICER else None,
                password_hash=hash_password(password), must_change_password=must_change_password,
                password_expires_at=initial_password_expiry() if must_change_password else None)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", f"user:{user.username}", enterprise_id=user.enterprise_id, actor=actor,
                 role=role.value, display_name=user.display_name, authority_code=user.authority_code)
    return user


def create_enterprise(*, name: str, admin_username: str, admin_display_name: str,
                      admin_password: str, actor=None) -> Enterprise:
    """Create an enterprise with an empty qualification and its first administrator.

    :raises FieldError: the name or the admin username is taken.
    """
    name = name.strip()
    if db.session.scalar(sa.select(Enterprise.id).where(Enterprise.name == name)):
        raise FieldError("name", "该企业名称已存在")
    _require_free_username(normalise_username(admin_username), field="admin_username")
    enterprise = Enterprise(name=name, qualification=Qualification())
    db.session.add(enterprise)
    db.session.flush()
    audit.record("enterprise.create", f"enterprise:{name}", enterprise_id=enterprise.id, actor=actor)
    create_user(username=admin_username, display_name=admin_display_name, role=Role.ENT_ADMIN,
                password=admin_password, enterprise=enterprise, actor=actor)
    return enterprise


def _active_admins(enterprise_id: int) -> int:
    """Count the enterprise's active admins, holding its row so that two admins cannot disable each other
    at the same moment (PostgreSQL row lock; SQLite's write transaction already serializes)."""
    db.session.execute(sa.select(Enterprise.id).where(Enterprise.id == enterprise_id).with_for_update())
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.enterprise_id == enterprise_id, User.role == Role.ENT_ADMIN, User.is_active.is_(True)))


def _guard_last_admin(user: User, actor) -> None:
    if user.role == Role.ENT_ADMIN and user.is_active and _active_admins(user.enterprise_id) <= 1:
        raise Conflict("这是本企业唯一启用的管理员，不能停用或改为操作员；请先设置另一位管理员")
    if actor is not None and actor.id == user.id:
        raise Conflict("不能停用自己或修改自己的角色")


def update_user(user: User, *, display_name: str, role: Role, actor) -> None:
    """Change the display name and, within the enterprise roles, the role.

    :raises Conflict: the change would leave the enterprise without an active admin, or targets oneself.
    """
    changes = {}
    if role != user.role:
        if not role.is_enterprise or not user.role.is_enterprise:
            raise Conflict("只能在企业操作员和企业管理员之间切换角色")
        _guard_last_admin(user, actor)
        changes["role"] = [user.role.value, role.value]
        user.role = role
    if display_name.strip() != user.display_name:
        changes["display_name"] = [user.display_name, display_name.strip()]
        user.display_name = display_name.strip()
    if changes:
        db.session.flush()
        audit.record("user.update", f"user:{user.username}", enterprise_id=user.enterprise_id, actor=actor,
                     **changes)


def set_active(user: User, active: bool, *, actor) -> None:
    """Enable or disable an account; disabling ends its sessions at once.

    :raises Conflict: disabling oneself or the last active admin.
    """
    if active == user.is_active:
        return
    if not active:
        _guard_last_admin(user, actor)
        sessions.revoke_all(user)
    user.is_active = active
    db.session.flush()
    audit.record("user.enable" if active else "user.disable", f"user:{user.username}",
                 enterprise_id=user.enterprise_id, actor=actor)


def reset_password(user: User, new_password: str, *, actor) -> None:
    """Set a new password chosen by an admin; the user must change it at the next login."""
    user.password_hash = hash_password(new_password)
    user.must_change_password = True
    user.password_expires_at = initial_password_expiry()
    sessions.revoke_all(user)
    db.session.flush()
    audit.record("user.reset_password", f"user:{user.username}", enterprise_id=user.enterprise_id, actor=actor)


def change_own_password(user: User, current: str, new: str) -> None:
    """:raises FieldError: the current password is wrong, or the new one equals it."""
    if not verify_password(user.password_hash, current):
        raise FieldError("current", "当前密码不正确")
    if current == new:
        raise FieldError("new", "新密码不能与当前密码相同")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_expires_at = None
    sessions.revoke_all(user, keep_current=True)
    db.session.flush()
    audit.record("user.change_password", f"user:{user.username}", enterprise_id=user.enterprise_id, actor=user)


def update_qualification(qual: Qualification, *, co_reg_no: str, org_code: str, name_cn: str,
                         platform_account: str, name_en: str = "", address_en: str = "", new_platform_password: str | None,
                         clear_platform_password: bool, actor) -> None:
    """Save 资质备案. The platform password is replaced only when a new one is given.

    :raises FieldError: the 产地证备案号, the 组织机构代码 or the platform account belongs to another enterprise.
    """
    co_reg_no = normalise_code(co_reg_no)
    taken = db.session.scalar(sa.select(Qualification.enterprise_id).where(
        Qualification.co_reg_no == co_reg_no, Qualification.enterprise_id != qual.enterprise_id))
    if taken:
        raise FieldError("co_reg_no", "该产地证备案号已被其他企业备案")
    org_code = normalise_code(org_code)
    if db.session.scalar(sa.select(Qualification.enterprise_id).where(
            Qualification.org_code == org_code, Qualification.enterprise_id != qual.enterprise_id)):
        raise FieldError("org_code", "该组织机构代码（统一社会信用代码）已被其他企业备案：一家企业只能备案一次，"
                                     "如确属本企业，请联系签证机构核实")
    account = platform_account.strip()
    if account and db.session.scalar(sa.select(Qualification.enterprise_id).where(
            Qualification.platform_account == account, Qualification.enterprise_id != qual.enterprise_id)):
        raise FieldError("platform_account", "该质检通讯平台帐号已被其他企业使用")
    before = {"co_reg_no": qual.co_reg_no, "org_code": qual.org_code, "name_cn": qual.name_cn,
              "name_en": qual.name_en, "address_en": qual.address_en, "platform_account": qual.platform_account}
    qual.co_reg_no = co_reg_no
    qual.org_code = org_code
    qual.name_cn = name_cn.strip()
    qual.name_en, qual.address_en = name_en.strip() or None, address_en.strip() or None
    qual.platform_account = platform_account.strip() or None
    changes = {k: [v, getattr(qual, k)] for k, v in before.items() if getattr(qual, k) != v}
    if new_platform_password:
        qual.platform_password_enc = encrypt(new_platform_password)
        changes["platform_password"] = "已更换"  # never the secret itself
    elif clear_platform_password and qual.platform_password_enc:
        qual.platform_password_enc = None
        changes["platform_password"] = "已清除"
    qual.updated_at = utcnow()
    qual.updated_by_id = actor.id
    db.session.flush()
    audit.record("qualification.update", f"enterprise:{qual.enterprise.name}",
                 enterprise_id=qual.enterprise_id, actor=actor, **changes)
