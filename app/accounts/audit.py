"""The audit log (操作日志): who did what, when, to which object, from where.

`record` adds the row to the caller's session, so it is committed with the change it describes and a change
that is rolled back leaves no row. `record_refusal` is for requests that change nothing (a failed CSRF check,
a denied page): it writes in its own short transaction and never raises.
"""
import json
import logging
from types import SimpleNamespace

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db
from app.web import errors

from .models import AuditLog

log = logging.getLogger(__name__)

ACTION_LABELS = {
    "enterprise.create": "创建企业",
    "enterprise.enable": "启用企业",
    "enterprise.disable": "停用企业",
    "user.create": "创建用户",
    "user.update": "修改用户",
    "user.disable": "停用用户",
    "user.enable": "启用用户",
    "user.reset_password": "重置密码",
    "user.change_password": "修改本人密码",
    "qualification.update": "资质备案",
    "approved_exporter.create": "登记经核准出口商",
    "approved_exporter.update": "修改经核准出口商",
    "approved_exporter.delete": "删除经核准出口商",
    "products.import": "导入商品库",
    "products.from_history": "从历史货物导入商品库",
    "settings.update": "系统设置",
    "session.end": "结束登录会话",
    "session.end_others": "结束其他登录会话",
    "user.two_factor_enable": "启用双重认证",
    "user.two_factor_disable": "关闭双重认证",
    "user.two_factor_reset": "重置双重认证",
    "user.recovery_codes": "重新生成恢复码",
    "user.recovery_code_used": "使用恢复码登录",
    "certificate.create": "新建证书",
    "certificate.declare": "申报证书",
    "certificate.delete": "删除证书",
    "certificate.copy": "复制证书",
    "certificate.change": "办理更改证",
    "certificate.reissue": "办理重发证",
    "certificate.change_reissue": "办理更改重发证",
    "certificate.update": "修改证书（API）",
    "certificate.goods_add": "新增货物（API）",
    "certificate.goods_update": "修改货物（API）",
    "certificate.goods_delete": "删除货物（API）",
    "api_token.create": "生成 API 令牌",
    "api_token.revoke": "撤销 API 令牌",
    "declaration.accept": "受理",
    "declaration.approve": "审核通过",
    "declaration.return": "退证",
    "refdata.create": "新增参数",
    "refdata.update": "修改参数",
    "refdata.enable": "启用参数",
    "refdata.disable": "停用参数",
    "refdata.import": "导入参数表",
    "refdata.tariff": "载入新年度税则",
    "sender.register": "登记发送方",
    "sender.reset_password": "重置发送方密码",
    "sender.enable": "启用发送方",
    "sender.disable": "停用发送方",
    "security.csrf": "安全令牌校验失败（CSRF）",
    "security.denied": "拒绝访问（无权限）",
}

# Column widths of audit_log: longer values are cut, never refused (an audit row must not fail on a long URL).
_TARGET, _ACTOR, _IP = 200, 64, 45


def record(action: str, target: str, enterprise_id: int | None = None, actor=None, **detail) -> AuditLog:
    """Add an audit row to the session (the caller's transaction commits it)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    name = getattr(actor, "username", None) or ("未登录用户" if has_request_context() else "系统")
    ip = (request.remote_addr or "")[:_IP] or None if has_request_context() else None
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        actor_name=name[:_ACTOR],
        enterprise_id=enterprise_id,
        action=action,
        target=(target or "")[:_TARGET],
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else "",
        ip=ip,
    )
    db.session.add(entry)
    return entry


def record_certificate(action: str, cert, **detail) -> AuditLog:
    """An action on a certificate, visible to its enterprise's administrators."""
    return record(action, f"certificate:{cert.cert_no}", enterprise_id=cert.enterprise_id,
                  cert_type=cert.cert_type, **detail)


def changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def record_refusal(action: str, **detail) -> None:
    """Record a refused request in its own short transaction; a failure is logged, never raised.

    The refused request changed nothing, so whatever its session holds is rolled back first. The audit row
    must never turn a 400 or 403 into a 500: a locked or unreachable database only costs the row.
    """
    try:
        user = current_user if current_user and current_user.is_authenticated else None
        actor = SimpleNamespace(id=user.id, username=user.username) if user else None
        enterprise_id = user.enterprise_id if user else None
        db.session.rollback()
        record(action, f"path:{request.method} {request.path}", enterprise_id=enterprise_id,
               actor=actor, **detail)
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 — the refusal is answered whatever happens here
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001
            pass
        # Only the class: a database error's text may carry bound parameters.
        log.warning("audit row for %s not written: %s", action, exc.__class__.__name__)


# Flask-WTF's reasons, in the words of the log.
CSRF_REASONS = {
    "The CSRF token is missing.": "缺少安全令牌",
    "The CSRF token has expired.": "安全令牌已过期",
    "The CSRF token is invalid.": "安全令牌无效",
    "The CSRF session token is missing.": "会话中没有安全令牌（会话已过期或 Cookie 被拦截）",
    "The CSRF tokens do not match.": "安全令牌与会话不符",
    "The referrer header is missing.": "缺少来源页（Referer）",
    "The referrer does not match the host.": "来源页（Referer）不是本站",
}


def _on_refusal(kind: str, reason: str | None = None, **_detail) -> None:
    if kind == "csrf":
        record_refusal("security.csrf", reason=CSRF_REASONS.get(reason or "", reason))
    elif kind == "denied":
        record_refusal("security.denied")


errors.on_refusal(_on_refusal)
