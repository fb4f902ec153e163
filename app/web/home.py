"""首页's to-do lists and the header's 通知 mark, supplied by the areas that own the data.

web/ sits below certificates, exchange and authority and never imports them: each of those registers its
provider at app start (`app.exchange.todo`, `app.authority.todo`, imported by create_app).
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from app.accounts.roles import Role
from app.timeutil import utcnow


@dataclass
class Notices:
    """New answers (审核通过 / 退证) on the user's certificates since they last looked."""

    total: int = 0
    issued: int = 0
    returned: int = 0
    rows: list = field(default_factory=list)  # (Receipt, Certificate), newest first, at most a screenful
    newest_at: datetime | None = None  # received_at of the newest: 全部标为已读 marks up to here


MARK_CAP = 99  # the header mark shows 99+ beyond this, so that its query stays bounded
TODO: dict[Role, Callable[[Any], Any]] = {}
_notices: dict[str, Callable] = {}


def register_todo(roles, provider: Callable[[Any], Any]) -> None:
    """`provider(user)` builds the to-do list of 首页 for users of these roles."""
    for role in roles:
        TODO[role] = provider


def register_notices(count: Callable[[Any], int], listing: Callable[[Any], Notices]) -> None:
    """`count(user)` is the header mark's number (one cheap query); `listing(user)` the 通知 section."""
    _notices["count"], _notices["listing"] = count, listing


def todo_for(user):
    provider = TODO.get(user.role)
    return provider(user) if provider else None


def notice_count(user) -> int:
    return _notices["count"](user) if "count" in _notices and user.role.is_enterprise else 0


def notices_for(user) -> Notices:
    return _notices["listing"](user) if "listing" in _notices and user.role.is_enterprise else Notices()


def mark_read(user, upto: str) -> None:
    """全部标为已读 up to `upto` (the newest answer the page showed, ISO time in UTC); never backwards.

    Marking up to what was shown, not up to now, keeps an answer that arrived meanwhile new. Flushes nothing:
    the caller commits.
    """
    now = utcnow()
    try:
        given = datetime.fromisoformat(upto) if upto else now
        if given.tzinfo is not None:
            given = given.astimezone(timezone.utc).replace(tzinfo=None)
        seen = min(given, now)
    except ValueError:
        seen = now
    if user.notices_seen_at is None or seen > user.notices_seen_at:
        user.notices_seen_at = seen
