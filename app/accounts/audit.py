"""The account audit log: every state change to enterprises and users is written here."""
import json

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db

from .models import AuditLog

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
    "settings.update": "系统设置",
}


def record(action: str, target: str, enterprise_id: int | None = None, actor=None, **detail) -> AuditLog:
    """Add an audit row to the session (the caller's transaction commits it)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or "系统",
        enterprise_id=enterprise_id,
        action=action,
        target=target,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else "",
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
