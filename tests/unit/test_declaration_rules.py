"""原产地声明 rules (app/accounts/approval_rules.py): approvals, serials, approval numbers; no app."""
from dataclasses import dataclass
from datetime import date

import pytest

from app.accounts import approval_rules as d


@dataclass
class Approval:
    approval_no: str
    agreement_keys: tuple
    valid_from: date
    valid_until: date
    agreement_names: tuple = ()


SWISS = Approval("CH3100A0001", ("S", "I"), date(2025, 1, 1), date(2027, 12, 31), ("中国-瑞士自由贸易协定", "中国-冰岛自由贸易协定"))


def test_it_finds_the_approval_that_covers_the_agreement_and_the_day():
    assert d.approval_for([SWISS], "S", date(2026, 11, 20)) is SWISS
    assert d.approval_problem([SWISS], "S", "中国-瑞士自由贸易协定", date(2026, 11, 20)) is None


@pytest.mark.parametrize("on", [date(2025, 1, 1), date(2027, 12, 31)])
def test_both_ends_of_the_validity_count(on):
    assert d.approval_for([SWISS], "I", on) is SWISS


def test_of_two_overlapping_approvals_the_newer_applies():
    renewed = Approval("CH3100A0002", ("S",), date(2027, 6, 1), date(2030, 5, 31))
    assert d.approval_for([renewed, SWISS], "S", date(2027, 7, 1)) is renewed
    assert d.approval_for([renewed, SWISS], "S", date(2026, 7, 1)) is SWISS


def test_without_any_approval_the_clerk_is_sent_to_the_admin():
    message = d.approval_problem([], "S", "中国-瑞士自由贸易协定", date(2026, 11, 20))
    assert "尚未登记经核准出口商" in message and "企业管理员" in message and "“经核准出口商”" in message
    assert d.approval_for([], "S", date(2026, 11, 20)) is None


def test_an_approval_for_other_agreements_says_which_it_covers():
    message = d.approval_problem([SWISS], "RCEP", "区域全面经济伙伴关系协定（RCEP）", date(2026, 11, 20))
    assert "不适用于区域全面经济伙伴关系协定（RCEP）" in message
    assert "CH3100A0001" in message and "中国-瑞士自由贸易协定、中国-冰岛自由贸易协定" in message


def test_without_names_the_message_shows_the_agreement_keys():
    bare = Approval("CH3100A0001", ("S", "I"), date(2025, 1, 1), date(2027, 12, 31))
    assert "适用于S、I" in d.approval_problem([bare], "MU", "中国-毛里求斯自由贸易协定", date(2026, 1, 1))


def test_an_approval_not_yet_valid_gives_its_dates():
    message = d.approval_problem([SWISS], "S", "中国-瑞士自由贸易协定", date(2024, 12, 31))
    assert "2024-12-31 不在" in message and "2025-01-01 至 2027-12-31" in message and "尚未生效" in message


def test_an_expired_approval_gives_its_dates():
    message = d.approval_problem([SWISS], "S", "中国-瑞士自由贸易协定", date(2028, 1, 1))
    assert "2025-01-01 至 2027-12-31" in message and "已过期" in message and "更新有效期" in message


def test_several_approvals_outside_their_validity_are_all_listed():
    old = Approval("CH3100A0000", ("S",), date(2020, 1, 1), date(2022, 12, 31))
    message = d.approval_problem([SWISS, old], "S", "中国-瑞士自由贸易协定", date(2024, 6, 1))
    assert message.index("CH3100A0000") < message.index("CH3100A0001")  # in the order of their validity
    assert "已过期" in message and "尚未生效" in message


# ------------------------------------------------------------------ serials
def test_the_swiss_serial_has_23_characters():
    serial = d.declaration_serial("CH3100A0001", date(2026, 11, 20), 7, 23)
    assert serial == "CH3100A0001" + "20261120" + "0007"
    assert len(serial) == 23


def test_a_short_approval_number_leaves_a_longer_counter():
    serial = d.declaration_serial("AB12", date(2026, 1, 2), 42, 23)
    assert serial == "AB12" "20260102" "00000000042" and len(serial) == 23


def test_without_a_serial_length_the_counter_has_four_digits():
    assert d.declaration_serial("rc 3100-0001", date(2026, 3, 4), 12, None) == "RC31000001" "20260304" "0012"


def test_an_approval_number_too_long_for_the_serial_is_refused():
    with pytest.raises(ValueError, match="已无位置"):
        d.declaration_serial("A" * 15, date(2026, 1, 1), 1, 23)


@pytest.mark.parametrize("counter", [0, -1, 10000])
def test_a_counter_outside_its_digits_is_refused(counter):
    with pytest.raises(ValueError, match="超出范围"):
        d.declaration_serial("CH3100A0001", date(2026, 1, 1), counter, None)


def test_the_largest_counter_that_fits_is_accepted():
    assert d.declaration_serial("CH3100A0001", date(2026, 1, 1), 9999, 23).endswith("9999")
    with pytest.raises(ValueError, match="1 至 9999"):
        d.declaration_serial("CH3100A0001", date(2026, 1, 1), 10000, 23)


def test_a_serial_needs_a_real_approval_number():
    with pytest.raises(ValueError, match="4–20 位"):
        d.declaration_serial("", date(2026, 1, 1), 1, 23)


# ------------------------------------------------------------------ approval number and validity
@pytest.mark.parametrize("text", ["CH3100A0001", "ab12", " rc-3100 0001 ", "ＣＨ１２３４", "A" * 20])
def test_it_accepts_approval_numbers(text):
    assert d.check_approval_no(text) is None


@pytest.mark.parametrize("text", ["", "AB1", "A" * 21, "CH/3100", "核准123456", "CH_3100"])
def test_it_rejects_bad_approval_numbers(text):
    assert "4–20 位字母或数字" in d.check_approval_no(text)


def test_approval_numbers_are_stored_upper_case_and_half_width():
    assert d.normalise_approval_no(" ｃｈ-3100 a0001 ") == "CH3100A0001"


def test_the_validity_may_be_a_single_day_but_not_end_before_it_starts():
    assert d.validity_problem(date(2026, 1, 1), date(2026, 1, 1)) is None
    assert d.validity_problem(date(2026, 1, 1), date(2028, 12, 31)) is None
    assert d.validity_problem(date(2026, 1, 2), date(2026, 1, 1)) == \
        "有效期至（2026-01-01）不能早于有效期自（2026-01-02）"


@pytest.mark.parametrize("on, expected", [(date(2024, 12, 31), "尚未生效"), (date(2025, 1, 1), "有效"),
                                          (date(2027, 12, 31), "有效"), (date(2028, 1, 1), "已过期")])
def test_an_approval_states_how_it_stands_on_a_day(on, expected):
    assert d.state(SWISS, on) == expected


@pytest.mark.parametrize("approval, day, counter, length", [
    ("CH3100A0001", date(2026, 11, 20), 7, 23),  # Swiss: the counter fills the serial to 23
    ("CH3100A0001", date(2026, 11, 20), 12, None),  # four digits
    ("NZ20261120", date(2026, 11, 20), 3, None),  # an approval number that itself ends like a date
    ("AB12", date(2025, 1, 2), 9999, None),
])
def test_the_approval_number_is_read_back_from_the_serial(approval, day, counter, length):
    serial = d.declaration_serial(approval, day, counter, length)
    assert d.approval_of_serial(serial, day) == approval
    if approval != "NZ20261120":  # without the date, the last date-and-counter tail is taken
        assert d.approval_of_serial(serial) == approval


@pytest.mark.parametrize("serial", [None, "", "CH3100", "CH3100A000120261320" + "0001", "20261120"])
def test_a_serial_without_an_approval_number_gives_none(serial):
    assert d.approval_of_serial(serial) is None
