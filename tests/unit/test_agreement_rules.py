"""Agreements in force by date and destination (app/certificates/agreements.py), with the shipped member data."""
import csv
import json
from datetime import date
from pathlib import Path

import pytest

from app.certificates.agreements import (Member, destination_problem, issued_retroactively, japan_materials_apply,
                                         member_from, offers, working_days_between)
from app.certificates.types import TYPES

DATA = Path(__file__).parents[2] / "app" / "refdata" / "data" / "agreement_members.csv"


def shipped_members(agreement):
    with open(DATA, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["agreement"] == agreement]
    return [member_from(r["code"], json.loads(r["attrs"])) for r in rows] or None


def test_every_shipped_member_row_has_a_source_and_a_readable_date():
    with open(DATA, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(r["source"].strip() for r in rows)
    for row in rows:
        attrs = json.loads(row["attrs"])
        for key in ("valid_from", "valid_until"):
            if key in attrs:
                date.fromisoformat(attrs[key])
        assert "verified" in attrs  # what is unverified says so


@pytest.mark.parametrize("on, refused", [(date(2022, 12, 30), True), (date(2023, 1, 1), True),
                                         (date(2023, 1, 2), False)])
def test_rcep_to_indonesia_applies_from_2_january_2023(on, refused):
    problem = destination_problem(TYPES["RC"], "ID", on, shipped_members)
    assert (problem is not None) is refused
    if refused:
        assert "2023-01-02" in problem


def test_rcep_to_japan_applies_from_2022_and_never_to_china_or_india():
    assert destination_problem(TYPES["RC"], "JP", date(2022, 1, 1), shipped_members) is None
    assert "不能是IN" in destination_problem(TYPES["RC"], "IN", date(2026, 12, 1), shipped_members)


@pytest.mark.parametrize("country", ["NO", "NZ", "AU"])
def test_form_a_goes_to_the_donors_that_still_give_china_gsp(country):
    assert destination_problem(TYPES["G"], country, date(2026, 12, 1), shipped_members) is None


@pytest.mark.parametrize("country", ["DE", "FR", "GB", "CA", "TR", "JP", "RU", "US"])
def test_form_a_elsewhere_is_refused_with_the_reason(country):
    problem = destination_problem(TYPES["G"], country, date(2026, 12, 1), shipped_members)
    assert problem and all(donor in problem for donor in ("NO", "NZ", "AU"))  # names where it still goes
    if country == "DE":
        assert "2021-12-01" in problem
    if country == "JP":
        assert "2019" in problem


def test_form_a_to_germany_was_fine_before_december_2021():
    assert destination_problem(TYPES["G"], "DE", date(2021, 11, 30), shipped_members) is None


def test_a_type_without_member_rows_falls_back_to_its_registry_destinations():
    assert destination_problem(TYPES["K"], "KR", date(2026, 1, 1), lambda _a: None) is None
    assert "只能是：KR" in destination_problem(TYPES["K"], "JP", date(2026, 1, 1), lambda _a: None)


def test_the_newer_ftas_apply_from_their_dates():
    for code, since in (("GE", date(2018, 1, 1)), ("MU", date(2021, 1, 1)), ("KH", date(2022, 1, 1)),
                        ("NI", date(2023, 5, 1)), ("EC", date(2024, 5, 1)), ("RS", date(2024, 7, 1)),
                        ("MV", date(2025, 1, 1))):
        assert destination_problem(TYPES[code], code, since, shipped_members) is None
        assert since.isoformat() in destination_problem(TYPES[code], code, date.fromordinal(since.toordinal() - 1),
                                                        shipped_members)


def test_offers_list_only_what_applies_to_the_destination_on_the_date():
    found = {o.ctype.code: o for o in offers(TYPES.values(), "ID", date(2022, 12, 30), shipped_members)}
    assert not found["RC"].offered and found["E"].offered and found["C"].offered
    found = {o.ctype.code: o for o in offers(TYPES.values(), "ID", date(2023, 1, 2), shipped_members)}
    assert found["RC"].offered


def test_declarations_need_what_the_caller_says():
    found = {o.ctype.code: o for o in offers(TYPES.values(), "CH", date(2026, 12, 1), shipped_members,
                                             declaration_problem=lambda t, d: "没有核准出口商资格")}
    assert found["VS"].reason == "没有核准出口商资格" and found["S"].offered


def test_japan_materials_only_for_gsp_to_japan_dated_before_the_end():
    assert japan_materials_apply(TYPES["G"], "JP", date(2019, 3, 29), shipped_members)
    assert not japan_materials_apply(TYPES["G"], "JP", date(2019, 4, 1), shipped_members)
    assert not japan_materials_apply(TYPES["G"], "NO", date(2019, 3, 29), shipped_members)
    assert not japan_materials_apply(TYPES["C"], "JP", date(2019, 3, 29), shipped_members)


def test_issued_retroactively_after_three_working_days():
    friday = date(2026, 11, 20)
    assert working_days_between(friday, date(2026, 11, 25)) == 3  # Mon, Tue, Wed
    assert not issued_retroactively(friday, date(2026, 11, 25))
    assert issued_retroactively(friday, date(2026, 11, 26))
    assert not issued_retroactively(None, date(2026, 11, 26))


def test_a_member_reads_its_dates_and_ignores_a_malformed_one():
    member = member_from("ID", {"valid_from": "2023-01-02", "valid_until": "not a date"})
    assert member == Member("ID", date(2023, 1, 2), None, "")
