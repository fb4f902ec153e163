"""Loading shipped code tables: what happens to each entry (pure planning, no database)."""
import pytest

from app.refdata.sync import Item, Known, plan, summary

JP = Item(code="JP", name_zh="日本", name_en="Japan", source="pycountry")


def test_a_new_entry_is_added():
    assert plan({}, [JP]) == [("add", JP)]


def test_an_unchanged_entry_is_left_alone_so_a_rerun_writes_nothing():
    known = {JP.key: Known(JP.fingerprint, False)}
    assert summary(plan(known, [JP])) == {"same": 1}


def test_a_changed_package_entry_is_updated():
    known = {JP.key: Known("old-fingerprint", False)}
    assert plan(known, [JP]) == [("update", JP)]


def test_a_locally_edited_entry_keeps_its_values_when_the_package_changes():
    known = {JP.key: Known("old-fingerprint", True)}
    assert plan(known, [JP]) == [("keep_local", JP)]


def test_the_fingerprint_follows_every_shipped_field():
    changed = Item(code="JP", name_zh="日本国", name_en="Japan", source="pycountry")
    assert changed.fingerprint != JP.fingerprint
    assert Item(code="JP", name_zh="日本", name_en="Japan", source="pycountry").fingerprint == JP.fingerprint


def test_the_same_code_may_repeat_across_categories_but_not_within_one():
    wo_korea, wo_peru = Item(code="WO", category="K"), Item(code="WO", category="R")
    assert summary(plan({}, [wo_korea, wo_peru])) == {"add": 2}
    with pytest.raises(ValueError):
        plan({}, [wo_korea, Item(code="WO", category="K")])
