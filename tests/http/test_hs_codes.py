"""HS codes: known headings and subheadings, national codes checked by their 6-digit prefix."""
import pytest

from app.refdata.hs import check_hs_code


@pytest.mark.parametrize("typed,code", [("8517", "8517"), ("8517.13", "851713"), ("85171300", "85171300"),
                                        ("8517.13.00.10", "8517130010")])
def test_known_codes_are_accepted(app, typed, code):
    with app.app_context():
        assert check_hs_code(typed) == (code, None)


@pytest.mark.parametrize("typed,message", [("851", "HS编码应为 4、6、8 或 10 位数字"),
                                           ("85171", "HS编码应为 4、6、8 或 10 位数字"),
                                           ("851712", "HS编码 851712 不在 HS 2022 编码表中"),
                                           ("85171200", "HS编码 851712 不在 HS 2022 编码表中"),
                                           ("abcd", "HS编码应为 4、6、8 或 10 位数字")])
def test_unknown_or_malformed_codes_are_refused(app, typed, message):
    with app.app_context():
        assert check_hs_code(typed) == (None, message)
