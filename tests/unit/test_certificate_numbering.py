"""Certificate numbers (DESIGN.md: type code + 2-digit year + 产地证备案号 + 4-character serial)."""
import pytest

from app.certificates import numbering
from app.certificates.numbering import SerialExhausted


@pytest.mark.parametrize("counter, serial", [(1, "0001"), (42, "0042"), (9999, "9999")])
def test_it_pads_the_counter_to_four_digits_without_a_prefix(counter, serial):
    assert numbering.serial("", counter) == serial


@pytest.mark.parametrize("prefix, counter, serial", [
    ("A", 5, "A005"),
    ("A", 999, "A999"),
    ("AB", 7, "AB07"),
    ("AB1", 9, "AB19"),
])
def test_it_puts_the_prefix_first_and_keeps_the_serial_four_characters(prefix, counter, serial):
    assert numbering.serial(prefix, counter) == serial


@pytest.mark.parametrize("prefix, capacity", [("", 9999), ("A", 999), ("AB", 99), ("AB1", 9)])
def test_it_leaves_fewer_serials_the_longer_the_prefix(prefix, capacity):
    assert numbering.capacity(prefix) == capacity
    assert len(numbering.serial(prefix, capacity)) == 4


@pytest.mark.parametrize("prefix, counter", [("AB1", 10), ("A", 1000), ("", 10000), ("", 0), ("A", 0), ("", -1)])
def test_it_refuses_a_counter_that_does_not_fit(prefix, counter):
    with pytest.raises(SerialExhausted):
        numbering.serial(prefix, counter)


def test_it_builds_a_sixteen_character_number_from_type_year_registration_and_serial():
    number = numbering.cert_no("C", 2026, "310000001", "", 1)
    assert number == "C263100000010001"
    assert len(number) == 16


def test_it_builds_the_number_with_the_enterprises_prefix():
    assert numbering.cert_no("E", 2030, "310000001", "SH", 3) == "E30310000001SH03"


@pytest.mark.parametrize("typed", ["C263100000010001", "c26 3100 0000 1 0001", "A" * 20, "E30310000001SH03"])
def test_it_accepts_letters_and_digits_up_to_twenty_ignoring_spaces_and_case(typed):
    assert numbering.check_cert_no(typed) is None


@pytest.mark.parametrize("typed", ["C26-3100000010001", "C26/310", "证书号", "A" * 21, "", "   "])
def test_it_refuses_other_characters_longer_numbers_and_an_empty_number(typed):
    assert numbering.check_cert_no(typed) == "证书号只能由字母和数字组成，最多 20 位"


@pytest.mark.parametrize("typed", ["C263100000010002", "c26 310000001 0A1B", "C26310000001ZZZZ"])
def test_an_edited_number_may_change_its_serial(typed):
    assert numbering.check_edited(typed, "C263100000010001") is None


@pytest.mark.parametrize("typed", ["C263100000020001", "E263100000010001", "C253100000010001", "C26310000001001",
                                   "C2631000000100011", "C26310000001-001"])
def test_an_edited_number_keeps_type_year_and_registration_number(typed):
    assert numbering.check_edited(typed, "C263100000010001") is not None
