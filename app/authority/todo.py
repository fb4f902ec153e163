"""首页 of an officer: the queue of their own authority by status, and today's decisions.

Registered with web.home at app start. One query over ix_authority_declarations_authority_code_status_decided_at.
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.accounts.roles import Role
from app.exchange import receipt_status
from app.extensions import db
from app.web import home

from .models import Declaration

WAITING = tuple(s.value for s in receipt_status.WAITING)  # 待受理 (已申报), 已受理待审核
DECIDED = tuple(s.value for s in receipt_status.DECIDED)  # counted when decided today


@dataclass
class DeskTodo:
    authority_code: str = ""
    counts: dict = field(default_factory=dict)  # desk status filter → number


def start_of_today(tz_name: str) -> datetime:
    """Local midnight as naive UTC (the form decided_at is stored in)."""
    midnight = datetime.now(ZoneInfo(tz_name)).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(timezone.utc).replace(tzinfo=None)


def desk_todo(user) -> DeskTodo:
    """Counts of the officer's authority only: waiting by status, and issued / returned since midnight."""
    todo = DeskTodo(authority_code=user.authority_code or "")
    if not user.authority_code:
        return todo
    today = start_of_today(current_app.config["DISPLAY_TIMEZONE"])
    todo.counts = {status: 0 for status in WAITING + DECIDED}
    mine = sa.select(Declaration.status, sa.func.count()).where(Declaration.authority_code == user.authority_code)
    # Two index ranges in one statement (an OR would read every declaration the authority ever had)
    waiting = mine.where(Declaration.status.in_(WAITING)).group_by(Declaration.status)
    decided = mine.where(Declaration.status.in_(DECIDED), Declaration.decided_at >= today).group_by(Declaration.status)
    todo.counts.update(db.session.execute(sa.union_all(waiting, decided)).all())
    return todo


home.register_todo((Role.OFFICER,), desk_todo)
