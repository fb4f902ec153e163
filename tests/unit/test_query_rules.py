"""证书查询 rules without Flask: invoice normalisation, conditions, list-action selection."""
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from app.certificates.invoice import normalise_invoice
from app.queries.filters import parse
from app.queries.selection import ACTIONS, selection_problem

TYPES, STATUSES = {"C", "E"}, {"draft", "issued"}


@pytest.mark.parametrize("typed", ["INV-2026-001", "ＩＮＶ－２０２６－００１", "inv‐2026‑001", " INV-2026-001\u200b",
                                   "INV – 2026 — 001", "INV\u00a0-2026-001", "ｉｎｖ－2026－001"])
def test_invoice_numbers_match_whatever_the_width_spaces_and_dashes(typed):
    assert normalise_invoice(typed) == "INV-2026-001"


def test_no_condition_means_all():
    c = parse(MultiDict(), TYPES, STATUSES)
    assert not c.any and c.sort == "new" and c.page == 1 and c.errors == {}


def test_conditions_are_read_and_cleaned():
    c = parse(MultiDict({"cert_no": " c2631 ", "cert_type": "E", "status": "issued", "date_from": "2026/11/01",
                         "date_to": "２０２６-11-30", "invoice": "ｉｎｖ－１", "goods": "牙刷", "sort": "cert_no",
                         "page": "3"}), TYPES, STATUSES)
    assert (c.cert_no, c.cert_type, c.status, c.invoice, c.goods, c.sort, c.page) == (
        "C2631", "E", "issued", "INV-1", "牙刷", "cert_no", 3)
    assert (c.date_from, c.date_to) == (date(2026, 11, 1), date(2026, 11, 30))


def test_unknown_choices_are_ignored_and_bad_dates_reported():
    c = parse(MultiDict({"cert_type": "Q", "status": "lost", "sort": "x", "page": "-2", "date_from": "yesterday"}),
              TYPES, STATUSES)
    assert (c.cert_type, c.status, c.sort, c.page) == ("", "", "new", 1)
    assert c.errors == {"date_from": "日期格式应为 2026-11-27"}


def test_a_reversed_date_range_is_reported():
    c = parse(MultiDict({"date_from": "2026-11-30", "date_to": "2026-11-01"}), TYPES, STATUSES)
    assert c.errors == {"date_to": "结束日期不能早于开始日期"}


@pytest.mark.parametrize("op", sorted(ACTIONS))
def test_every_action_needs_a_selection(op):
    assert "请先勾选" in selection_problem(op, 0)
    assert selection_problem(op, 1) is None


@pytest.mark.parametrize("op", sorted(set(ACTIONS) - {"fetch"}))
def test_only_fetching_receipts_takes_many(op):
    assert "一次只能选择一票证书" in selection_problem(op, 3)


def test_fetching_receipts_takes_many_and_an_unknown_action_is_refused():
    assert selection_problem("fetch", 50) is None
    assert selection_problem("launch", 1) == "请选择要执行的操作"


@pytest.mark.parametrize("typed", ['"clerk_a"', "“clerk_a”", "＂clerk_a＂", "'clerk_a'", ' " clerk_a " '])
def test_a_creator_in_quotes_asks_for_exactly_that_username(typed):
    c = parse(MultiDict({"creator": typed}), TYPES, STATUSES)
    assert (c.creator, c.creator_exact, c.any) == ("clerk_a", True, True)


@pytest.mark.parametrize("typed", ["clerk_a", '"clerk_a', '""', "王"])
def test_a_creator_without_quotes_matches_any_name_containing_it(typed):
    c = parse(MultiDict({"creator": typed}), TYPES, STATUSES)
    assert (c.creator, c.creator_exact) == (typed, False)
