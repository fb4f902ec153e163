"""Accounts: enterprises, their qualification (资质备案), users, login sessions and the audit log."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

from .roles import Role


class Enterprise(db.Model):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    qualification: Mapped["Qualification"] = relationship(back_populates="enterprise", uselist=False)
    users: Mapped[list["User"]] = relationship(back_populates="enterprise", order_by="User.username")


class Qualification(db.Model):
    """质检原产地证资质备案: filled by the enterprise admin before any certificate work."""

    __tablename__ = "qualifications"

    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), primary_key=True)
    co_reg_no: Mapped[str | None] = mapped_column(sa.String(9), unique=True)
    org_code: Mapped[str | None] = mapped_column(sa.String(18))
    name_cn: Mapped[str | None] = mapped_column(sa.String(100))
    # As filed: a certificate's 出口商名称/地址 must read exactly so (certificates/rules.py filed_problems).
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    address_en: Mapped[str | None] = mapped_column(sa.String(400))
    platform_account: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # the sender at the authority
    platform_password_enc: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    enterprise: Mapped[Enterprise] = relationship(back_populates="qualification")
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_complete(self) -> bool:
        """The three facts every certificate header needs are present."""
        return bool(self.co_reg_no and self.org_code and self.name_cn)

    @property
    def has_platform_password(self) -> bool:
        return bool(self.platform_password_enc)


class ApprovedExporter(db.Model):
    """经核准出口商 (GACC Order 254): the enterprise's approval to make origin declarations under some agreements."""

    __tablename__ = "approved_exporters"
    __table_args__ = (sa.UniqueConstraint("approval_no", name="uq_approved_exporters_approval_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    approval_no: Mapped[str] = mapped_column(sa.String(20))
    agreements: Mapped[str] = mapped_column(sa.String(200), default="")  # agreement keys, comma-separated
    valid_from: Mapped[date]
    valid_until: Mapped[date]  # last day of validity
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    @property
    def agreement_keys(self) -> list[str]:
        return [a for a in (self.agreements or "").split(",") if a]


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(32), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(50))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=16, values_callable=lambda e: [r.value for r in e],
                validate_strings=True)
    )
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    authority_code: Mapped[str | None] = mapped_column(sa.String(10))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # An initial password set by an admin stops working at this time unless the user has chosen their own.
    password_expires_at: Mapped[datetime | None]
    # 双重认证 (TOTP): the secret encrypted with DATA_ENCRYPTION_KEYS; the last time step used (a code works once).
    totp_secret_enc: Mapped[str | None] = mapped_column(sa.Text)
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    menu_collapsed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # 通知: receipts received after this are new to the user (None: never looked, all are new).
    notices_seen_at: Mapped[datetime | None]

    enterprise: Mapped[Enterprise | None] = relationship(back_populates="users")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None


class RecoveryCode(db.Model):
    """A one-time 恢复码 of the second factor, stored argon2id-hashed; `used_at` is set when it is spent."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class UserSession(db.Model):
    """A login session held on the server: logout or expiry ends it, whatever the cookie says."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """One login try; failures in the recent past throttle the account and the client address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    username: Mapped[str] = mapped_column(sa.String(64))
    ip: Mapped[str] = mapped_column(sa.String(45))
    outcome: Mapped[str] = mapped_column(sa.String(16))  # ok | password | captcha | locked | disabled | expired | code


class Captcha(db.Model):
    """A one-time login captcha; the row is deleted when an answer is checked."""

    __tablename__ = "captchas"

    id: Mapped[str] = mapped_column(sa.String(43), primary_key=True)
    answer: Mapped[str] = mapped_column(sa.String(8))
    ip: Mapped[str] = mapped_column(sa.String(45), index=True, default="-")
    expires_at: Mapped[datetime] = mapped_column(index=True)


class AuditLog(db.Model):
    """Who changed which account, when, from where."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_enterprise_id_at", "enterprise_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(sa.String(64))
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    target: Mapped[str] = mapped_column(sa.String(200))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    ip: Mapped[str | None] = mapped_column(sa.String(45))
