"""The password policy (ASVS V2.1): length, not common, no composition rule — pure, without Flask."""
import pytest

from app.accounts.password_policy import MAX_LENGTH, MIN_LENGTH, check_password


def test_it_needs_twelve_characters_and_says_how_many_there_are():
    assert MIN_LENGTH == 12
    assert check_password("Xq7#mR2!vL9") == "密码至少 12 位（现在 11 位）；可以用几个词或一句话，空格和汉字都可以"
    assert check_password("Xq7#mR2!vL9w") is None


@pytest.mark.parametrize("password", ["kettle river mountain", "我家的猫每天早上六点叫醒我", "purple-tractor-sings",
                                      "ZEBRAMOUNTAINCLOCK", "lowercase only phrase"])
def test_it_has_no_composition_rule(password):
    """No 'letters and digits': a passphrase of lower-case words, or Chinese, is a good password."""
    assert check_password(password) is None


@pytest.mark.parametrize("password", ["Password123!", "qwertyuiop12", "1qaz2wsx3edc", "Passw0rd-test",
                                      "iloveyou1234", "123456789012", "abc123abc123"])
def test_it_refuses_common_and_breached_passwords(password):
    message = check_password(password)
    assert message and message.startswith("密码太容易被猜到")


@pytest.mark.parametrize("password, reason", [
    ("aaaaaaaaaaaaaa", "重复"), ("abcdefghijklm", "顺序"), ("Password123!", "常见密码"), ("1qaz2wsx3edc", "常见密码"),
])
def test_it_says_why_in_chinese(password, reason):
    assert reason in check_password(password)


def test_it_allows_long_passwords_and_any_characters():
    long_one = "correct horse battery staple " * 4 + "终"
    assert MAX_LENGTH >= 64 and len(long_one) > 64
    assert check_password(long_one) is None
    assert check_password("🐼 熊猫吃竹子 bamboo 🎋") is None
    assert check_password("x" * (MAX_LENGTH + 1)) == f"密码不能超过 {MAX_LENGTH} 位"


def test_it_refuses_the_username_and_words_of_the_account():
    assert check_password("zhangwei-river-2291", "zhangwei") == "密码不能包含用户名"
    assert check_password("Zhangwei-River-2291".upper(), "zhangwei") == "密码不能包含用户名"
    assert "密码太容易被猜到" in check_password("jiamaoyi2024!", "clerk_a", ("jiamaoyi",))


def test_a_long_repetitive_password_is_judged_quickly():
    import time

    started = time.perf_counter()
    assert check_password("a" * MAX_LENGTH) is not None
    assert time.perf_counter() - started < 1.0
