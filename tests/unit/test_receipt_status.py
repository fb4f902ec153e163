"""One vocabulary of 审核状态 for both sides (issue 13)."""
from app.certificates.states import Status
from app.exchange.receipt_status import ReceiptStatus, desk_label_of, label_of


def test_each_status_reports_its_certificate_status_and_back():
    for status in ReceiptStatus:
        assert ReceiptStatus.for_certificate(status.certificate_status) is status


def test_the_two_sides_name_a_waiting_declaration_differently():
    assert label_of("received") == "已接收" and desk_label_of("received") == "待审核"
    assert label_of("issued") == desk_label_of("issued") == "审核通过"
    assert ReceiptStatus.RETURNED.certificate_status == Status.RETURNED


def test_an_unknown_value_is_shown_as_it_came():
    assert ReceiptStatus.of("lost") is None and label_of("lost") == "lost"
