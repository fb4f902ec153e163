"""The certificate state machine (DESIGN.md). Pure: no database."""
import enum


class Status(str, enum.Enum):
    DRAFT = "draft"
    DECLARED = "declared"
    ACCEPTED = "accepted"
    ISSUED = "issued"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Status.DRAFT: "暂存",
    Status.DECLARED: "已申报",
    Status.ACCEPTED: "已受理",
    Status.ISSUED: "审核通过",
    Status.RETURNED: "退证",
}

# event → {from status: to status}
TRANSITIONS = {
    "edit": {Status.DRAFT: Status.DRAFT, Status.RETURNED: Status.DRAFT},  # a returned certificate, once edited, is a draft again
    "declare": {Status.DRAFT: Status.DECLARED},
    "accept": {Status.DECLARED: Status.ACCEPTED},
    "approve": {Status.ACCEPTED: Status.ISSUED},
    "return": {Status.DECLARED: Status.RETURNED, Status.ACCEPTED: Status.RETURNED},
}

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
DELETABLE = frozenset({Status.DRAFT, Status.RETURNED})


class IllegalTransition(Exception):
    def __init__(self, status: Status, event: str):
        super().__init__(f"cannot {event} a certificate in status {status.value}")
        self.status, self.event = status, event


def next_status(status: Status, event: str) -> Status:
    """The status after `event`; raises IllegalTransition when the event does not apply."""
    target = TRANSITIONS.get(event, {}).get(status)
    if target is None:
        raise IllegalTransition(status, event)
    return target


def can_edit(status: Status) -> bool:
    return status in EDITABLE


def can_delete(status: Status) -> bool:
    return status in DELETABLE
