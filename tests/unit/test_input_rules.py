"""The pure rules behind "input never reaches a 500": integers a column holds, numbers within NUMERIC(p, s),
JSON attributes within depth and size, and which database errors mean "busy"."""
import sqlite3
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError, TimeoutError as PoolTimeout

from app.refdata.attrs import MAX_DEPTH, nesting_depth, parse_attrs
from app.web.busy import is_database_busy
from app.web.formfields import decimal_problem
from app.web.params import DB_INT_MAX, MAX_PAGE, db_int, int_arg, page_arg


@pytest.mark.parametrize("text, value", [("0", 0), ("42", 42), ("-7", -7), ("+7", 7), ("2147483647", DB_INT_MAX)])
def test_db_int_takes_what_an_integer_column_holds(text, value):
    assert db_int(text) == value


@pytest.mark.parametrize("text", ["2147483648", "-2147483649", "9223372036854775808", "9" * 5000, "1e3", " 1 ",
                                  "1_000", "١٢", "１２", "", "-", "0x10", "1.0", True])
def test_db_int_refuses_anything_else(text):
    with pytest.raises(ValueError):
        db_int(text)


def test_int_arg_and_page_arg_fall_back_and_clamp():
    args = {"limit": "-5", "big": "99999999999999999999", "page": "12"}
    assert int_arg(args, "limit", 12, 1, 50) == 1
    assert int_arg(args, "big", 12, 1, 50) == 12
    assert int_arg(args, "missing", 12, 1, 50) == 12
    assert page_arg(args) == 12 and page_arg({"page": "0"}) == 1 and page_arg({"page": str(DB_INT_MAX)}) == MAX_PAGE


@pytest.mark.parametrize("value, digits, places, message", [
    ("1", 18, 4, None), ("99999999999999.9999", 18, 4, None), ("-12.5", 18, 4, None), ("1E+13", 18, 4, None),
    ("100000000000000", 18, 4, "数值超出范围：整数部分最多 14 位"), ("1E+309", 18, 4, "数值超出范围"),
    ("1E+999999", 18, 4, "数值超出范围"), ("12.34567", 18, 4, "最多 4 位小数"), ("12.345", 18, 2, "最多 2 位小数"),
    ("12.3400", 18, 2, None), ("1E-400", 18, 4, "最多 4 位小数"), ("100000000000000", 18, 2, None),
    ("123456789012345678901234567890.12345", 18, 4, "数值超出范围"),
])
def test_decimal_problem_follows_numeric_precision_and_scale(value, digits, places, message):
    problem = decimal_problem(Decimal(value), digits, places)
    assert (problem is None) if message is None else (message in problem)


def test_nesting_depth_counts_brackets_outside_strings_without_recursion():
    assert nesting_depth('{"a": [1, {"b": "[[[[[["}]}') == 3
    assert nesting_depth("[" * 100_000) == 100_000  # a recursive parser would have given up long before
    assert nesting_depth('"\\"[["') == 0


@pytest.mark.parametrize("text, attrs, message", [
    ("", {}, None), ('{"phrase": "BY SEA"}', {"phrase": "BY SEA"}, None),
    ('{"a": {"b": {"c": {"d": {"e": 1}}}}}', {"a": {"b": {"c": {"d": {"e": 1}}}}}, None),
    ('{"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}', {}, f"最多 {MAX_DEPTH} 层"),
    ("[" * 3000 + "]" * 3000, {}, "嵌套过深"), ("[1]", {}, "JSON 对象"), ("{x", {}, "JSON 对象"),
    ('{"a": "' + "x" * 20_000 + '"}', {}, "附加属性过长"),
])
def test_parse_attrs_takes_small_objects_only(text, attrs, message):
    value, problem = parse_attrs(text)
    assert value == attrs
    assert (problem is None) if message is None else (message in problem)


class _PgError(Exception):
    def __init__(self, sqlstate, text="x"):
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("error, busy", [
    (OperationalError("SELECT 1", {}, _PgError("55P03", "canceling statement due to lock timeout")), True),
    (OperationalError("SELECT 1", {}, _PgError("57014", "canceling statement due to statement timeout")), True),
    (OperationalError("SELECT 1", {}, _PgError("08006", "server closed the connection")), True),
    (OperationalError("SELECT 1", {}, _PgError("53300", "too many connections")), True),
    (OperationalError("SELECT 1", {}, _PgError("42P01", "relation does not exist")), False),
    (OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked")), True),
    (OperationalError("SELECT", {}, sqlite3.OperationalError("LIKE or GLOB pattern too complex")), False),
    (OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")), False),
    (PoolTimeout("QueuePool limit reached"), True),
    (IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")), False),
])
def test_only_locks_timeouts_and_lost_connections_are_busy(error, busy):
    assert is_database_busy(error) is busy
