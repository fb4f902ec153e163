from app.refdata.tables import TABLES, fold, hs_code


def test_fold_makes_full_width_and_case_irrelevant():
    assert fold("  ＪＰ  日本 ") == "jp 日本"


def test_hs_codes_lose_dots_and_spaces():
    assert hs_code("8517.13") == "851713"
    assert hs_code("8517 13 00") == "85171300"
    assert hs_code("abc") == "ABC"


def test_every_table_the_issue_names_exists():
    assert {"country", "authority", "trade_mode", "transport_mode", "port", "package_unit", "quantity_unit",
            "weight_unit", "currency", "hs", "origin_criterion", "agreement", "agreement_member"} == set(TABLES)


def test_long_tables_are_not_selects():
    assert not TABLES["country"].short and not TABLES["port"].short and not TABLES["hs"].short
    assert TABLES["authority"].short and TABLES["transport_mode"].short
