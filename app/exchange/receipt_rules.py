"""How a receipt (回执) moves a certificate. Pure: no database.

Receipts are numbered per certificate (回执序号). A receipt is applied at most once: one whose number is not
above the highest already applied changes nothing, so a duplicate or a late, older receipt never overrides a
newer state. The move it asks for must be reachable through the authority's events of the state machine.
"""
from app.certificates.states import TRANSITIONS, Status

from .receipt_status import ReceiptStatus

AUTHORITY_EVENTS = ("accept", "approve", "return")


def reachable(start: Status, target: Status) -> bool:
    """Whether the authority's events (受理, 审核通过, 退证) can lead from `start` to `target`."""
    seen, frontier = {start}, [start]
    while frontier:
        status = frontier.pop()
        if status == target:
            return True
        for event in AUTHORITY_EVENTS:
            following = TRANSITIONS[event].get(status)
            if following is not None and following not in seen:
                seen.add(following)
                frontier.append(following)
    return False


def decide(current: Status, applied_seq: int, seq: int, receipt_status: str) -> Status | None:
    """The certificate's status after this receipt, or None when the receipt must not change it."""
    if seq <= applied_seq:
        return None
    status = ReceiptStatus.of(receipt_status)
    if status is None or not reachable(current, status.certificate_status):
        return None
    return status.certificate_status
