"""审核状态: the one vocabulary of a receipt's status, shared by both sides. Pure: no database.

The authority's declarations carry the same four values (a declaration's status is that of its last receipt).
Each value knows its label on each side and the certificate status it reports to the enterprise.
"""
import enum

from app.certificates.states import Status


class ReceiptStatus(str, enum.Enum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    ISSUED = "issued"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        """As the enterprise reads it on a receipt (回执)."""
        return _LABELS[self][0]

    @property
    def desk_label(self) -> str:
        """As the officer reads it on 审核工作台 (a declaration's status)."""
        return _LABELS[self][1]

    @property
    def certificate_status(self) -> Status:
        """The certificate status this receipt reports."""
        return _LABELS[self][2]

    @classmethod
    def of(cls, value) -> "ReceiptStatus | None":
        try:
            return cls(value)
        except ValueError:
            return None

    @classmethod
    def for_certificate(cls, status: Status) -> "ReceiptStatus":
        return next(s for s in cls if s.certificate_status == status)


_LABELS = {
    ReceiptStatus.RECEIVED: ("已接收", "待审核", Status.DECLARED),
    ReceiptStatus.ACCEPTED: ("已受理", "已受理", Status.ACCEPTED),
    ReceiptStatus.ISSUED: ("审核通过", "审核通过", Status.ISSUED),
    ReceiptStatus.RETURNED: ("退证", "退证", Status.RETURNED),
}
WAITING = (ReceiptStatus.RECEIVED, ReceiptStatus.ACCEPTED)  # still before the officer's decision
DECIDED = (ReceiptStatus.ISSUED, ReceiptStatus.RETURNED)


def label_of(value: str) -> str:
    status = ReceiptStatus.of(value)
    return status.label if status else value


def desk_label_of(value: str) -> str:
    status = ReceiptStatus.of(value)
    return status.desk_label if status else value
