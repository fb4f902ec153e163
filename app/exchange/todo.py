"""首页 of an enterprise user: the certificates THEY created by status, their 退证, and new 回执 (通知).

Registered with web.home at app start. Every query is limited to the user's enterprise and to
certificates the user created, so another enterprise (or a colleague) never counts.
"""
from dataclasses import dataclass, field
from typing import ClassVar

import sqlalchemy as sa

from app.accounts.roles import ENTERPRISE_ROLES
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.extensions import db
from app.web import home

from .models import OutboxMessage, Receipt
from .receipt_status import DECIDED, ReceiptStatus

NOTICE_STATUSES = tuple(s.value for s in DECIDED)  # 审核状态 of the answers the clerk waits for
LIST_CAP = 10  # rows a list on 首页 shows; the full list is one link away
OPEN = (Status.DRAFT, Status.DECLARED, Status.ACCEPTED, Status.RETURNED)


@dataclass
class EnterpriseTodo:
    statuses: ClassVar = Status  # templates read the labels from the enum
    counts: dict = field(default_factory=dict)  # Status → number of the user's certificates
    sending: int = 0  # 已申报 whose message is not sent yet (待发送 / 发送失败)
    sending_rows: list = field(default_factory=list)
    returned_rows: list = field(default_factory=list)  # (Certificate, reason of the latest 退证 receipt)
    issued_rows: list = field(default_factory=list)  # (Receipt, Certificate): 审核通过 since last looked
    notices: home.Notices = field(default_factory=home.Notices)


def _mine(user):
    return (Certificate.enterprise_id == user.enterprise_id, Certificate.created_by_id == user.id)


def _new_receipts(user, *columns):
    """SELECT of the user's new answers: index ix_receipts_enterprise_id_status_received_at, then the
    certificate by its key."""
    query = (sa.select(*columns).join(Certificate, Certificate.id == Receipt.certificate_id)
             .where(Receipt.enterprise_id == user.enterprise_id, Receipt.status.in_(NOTICE_STATUSES), *_mine(user)))
    if user.notices_seen_at is not None:
        query = query.where(Receipt.received_at > user.notices_seen_at)
    return query


def new_notice_count(user) -> int:
    """The header mark: how many new answers, counted up to home.MARK_CAP + 1 (one query)."""
    if user.enterprise_id is None:
        return 0
    capped = _new_receipts(user, Receipt.id).limit(home.MARK_CAP + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(capped))


def notices(user) -> home.Notices:
    """The 通知 section: counts per status and the newest LIST_CAP answers."""
    if user.enterprise_id is None:
        return home.Notices()
    by_status = _new_receipts(user, Receipt.status, sa.func.count()).group_by(Receipt.status)
    counts = dict(db.session.execute(by_status).all())
    result = home.Notices(total=sum(counts.values()), issued=counts.get(ReceiptStatus.ISSUED.value, 0),
                          returned=counts.get(ReceiptStatus.RETURNED.value, 0))
    if result.total:
        result.rows = db.session.execute(_new_receipts(user, Receipt, Certificate).order_by(
            Receipt.received_at.desc(), Receipt.id.desc()).limit(LIST_CAP)).all()
        result.newest_at = result.rows[0][0].received_at
    return result


def enterprise_todo(user) -> EnterpriseTodo:
    """我的证书: counts by status (with 待发送), the latest 退证 with their reasons, new 审核通过."""
    todo = EnterpriseTodo(notices=notices(user))
    if user.enterprise_id is None:
        return todo
    unsent = sa.exists().where(OutboxMessage.certificate_id == Certificate.id, OutboxMessage.status != "sent")
    for status, count, sending in db.session.execute(
            sa.select(Certificate.status, sa.func.count(), sa.func.sum(sa.case((unsent, 1), else_=0)))
            .where(*_mine(user), Certificate.status.in_(OPEN)).group_by(Certificate.status)):
        todo.counts[status] = count
        if status == Status.DECLARED:
            todo.sending = int(sending or 0)
    if todo.sending:
        todo.sending_rows = list(db.session.scalars(
            sa.select(Certificate).where(*_mine(user), Certificate.status == Status.DECLARED, unsent)
            .order_by(Certificate.declared_at.desc(), Certificate.id.desc()).limit(LIST_CAP)))
    if todo.counts.get(Status.RETURNED):
        reason = (sa.select(Receipt.text).where(Receipt.certificate_id == Certificate.id, Receipt.status == ReceiptStatus.RETURNED)
                  .order_by(Receipt.seq.desc()).limit(1).correlate(Certificate).scalar_subquery())
        todo.returned_rows = db.session.execute(
            sa.select(Certificate, reason).where(*_mine(user), Certificate.status == Status.RETURNED)
            .order_by(Certificate.updated_at.desc(), Certificate.id.desc()).limit(LIST_CAP)).all()
    if todo.notices.issued:
        todo.issued_rows = [row for row in todo.notices.rows if row[0].status == ReceiptStatus.ISSUED]
        if len(todo.issued_rows) < min(todo.notices.issued, LIST_CAP):
            todo.issued_rows = db.session.execute(_new_receipts(user, Receipt, Certificate).where(
                Receipt.status == ReceiptStatus.ISSUED).order_by(Receipt.received_at.desc(), Receipt.id.desc())
                .limit(LIST_CAP)).all()
    return todo


home.register_todo(ENTERPRISE_ROLES, enterprise_todo)
home.register_notices(new_notice_count, notices)
