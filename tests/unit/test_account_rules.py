"""Pure account rules, tested without Flask."""
from datetime import datetime, timedelta

import pytest

from app.accounts import rules


@pytest.mark.parametrize("name", ["demo_admin", "abc", "a.b-c_1", "USER01"])
def test_it_accepts_sensible_usernames(name):
    assert rules.check_username(name) is None


@pytest.mark.parametrize("name", ["ab", "_lead", "有中文", "a b", "x" * 33, ""])
def test_it_rejects_bad_usernames(name):
    assert "用户名" in rules.check_username(name)


def test_it_refuses_a_password_containing_the_username():
    assert rules.check_password("clerk_a-river-2291", "clerk_a") == "密码不能包含用户名"


def test_co_reg_no_is_four_digits_and_five_more():
    assert rules.check_co_reg_no("310000001") is None
    assert rules.check_co_reg_no(" 3100-00001 ") is None  # pasted with a dash and spaces
    assert "ABCD" in rules.check_co_reg_no("31000ABCD")  # 9 characters, yet letters: says which
    assert rules.check_co_reg_no("３１０００００１２") is not None  # full-width digits
    assert "9 位" in rules.check_co_reg_no("3100001")
    assert "没有 1234" in rules.check_co_reg_no("123400001", lambda code: code == "3100")
    assert rules.check_co_reg_no("310000001", lambda code: code == "3100") is None
    assert rules.check_co_reg_no("31000001") is not None  # 8 characters
    assert rules.check_co_reg_no("A10000001") is not None  # authority code not numeric
    assert rules.check_co_reg_no("3100000012") is not None


def test_it_accepts_a_unified_social_credit_code_with_the_right_check_character():
    assert rules.check_org_code("91350100M000100Y43") is None
    assert rules.check_org_code("91350100m000100y43") is None


def test_it_rejects_a_credit_code_with_a_wrong_check_character():
    assert rules.check_org_code("91350100M000100Y44") == "统一社会信用代码校验位不正确，请核对"


def test_it_rejects_letters_the_credit_code_never_uses():
    assert "无效字符" in rules.check_org_code("91350100M000100O43")


def test_it_accepts_a_legacy_organisation_code_with_or_without_hyphen():
    assert rules.check_org_code("D2143569-X") is None
    assert rules.check_org_code("D2143569X") is None


def test_it_rejects_a_legacy_code_with_a_wrong_check_character():
    assert rules.check_org_code("D2143569-1") == "组织机构代码校验位不正确，请核对"


def test_it_rejects_other_lengths():
    assert rules.check_org_code("12345") == "请填写 18 位统一社会信用代码或 9 位组织机构代码"


NOW = datetime(2026, 11, 27, 12, 0, 0)
WINDOW = timedelta(minutes=15)


def test_it_is_not_locked_below_the_limit():
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert rules.lockout_remaining(failures, 5, WINDOW, NOW) is None


def test_it_locks_at_the_limit_until_the_oldest_counted_failure_leaves_the_window():
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4, 5)]
    assert rules.lockout_remaining(failures, 5, WINDOW, NOW) == timedelta(minutes=10)


def test_failures_older_than_the_window_do_not_count():
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4, 20, 30)]
    assert rules.lockout_remaining(failures, 5, WINDOW, NOW) is None


def test_minutes_text_rounds_up():
    assert rules.minutes_text(timedelta(seconds=61)) == "2 分钟"
    assert rules.minutes_text(timedelta(seconds=5)) == "1 分钟"
