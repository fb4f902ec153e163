"""打印设置 offsets (app/printing/rules.py): anything typed gets a value or a message, never an exception."""
from decimal import Decimal

import pytest

from app.printing.rules import parse_offset

NOT_A_NUMBER = "请填写数字（毫米），如 1.5 或 -2"
OUT_OF_RANGE = "偏移应在 -30 至 30 毫米之间"


@pytest.mark.parametrize("raw, value", [("1.5", "1.5"), ("-2", "-2.0"), ("", "0.0"), ("  ", "0.0"), ("30", "30.0"),
                                        ("-30", "-30.0"), ("1.55", "1.6"), ("0E-1000000000", "0.0"),
                                        ("１.５", "1.5")])
def test_it_reads_millimetres(raw, value):
    assert parse_offset(raw) == (Decimal(value), None)


@pytest.mark.parametrize("raw, message", [
    ("abc", NOT_A_NUMBER), ("NaN", NOT_A_NUMBER), ("-nan", NOT_A_NUMBER), ("sNaN", NOT_A_NUMBER),
    ("Infinity", NOT_A_NUMBER), ("-Infinity", NOT_A_NUMBER), ("inf", NOT_A_NUMBER), ("1" * 41, NOT_A_NUMBER),
    ("1e309", OUT_OF_RANGE), ("1E+1000", OUT_OF_RANGE), ("-1e309", OUT_OF_RANGE), ("30.01", OUT_OF_RANGE),
    ("99", OUT_OF_RANGE)])
def test_it_answers_a_message_for_anything_else(raw, message):
    assert parse_offset(raw) == (None, message)
