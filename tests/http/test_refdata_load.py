"""flask refdata load: real tables with real names; re-running changes nothing; local edits survive."""
import sqlalchemy as sa

from app.extensions import db
from app.refdata import loaders, search, services
from app.refdata.models import CodeEntry


def _count(table, **where):
    query = sa.select(sa.func.count()).select_from(CodeEntry).where(CodeEntry.table == table)
    for key, value in where.items():
        query = query.where(getattr(CodeEntry, key) == value)
    return db.session.scalar(query)


def test_countries_have_chinese_names_as_trade_documents_write_them(app):
    with app.app_context():
        assert _count("country") >= 249
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CodeEntry).where(
            CodeEntry.table == "country", CodeEntry.name_zh == "")) == 0
        names = {c: search.get("country", c).name_zh for c in ("JP", "KR", "TW", "HK", "MO", "DE", "US")}
        assert names == {"JP": "日本", "KR": "韩国", "TW": "中国台湾", "HK": "中国香港", "MO": "中国澳门",
                         "DE": "德国", "US": "美国"}
        assert search.get("country", "JP").attrs["alpha3"] == "JPN"


def test_currencies_carry_chinese_names_and_customs_codes(app):
    with app.app_context():
        usd = search.get("currency", "USD")
        assert usd.name_zh == "美元" and usd.attrs["customs"] == "502"
        assert search.get("currency", "CAD").attrs["customs"] == "501"
        assert _count("currency") >= 170


def test_hs_2022_headings_and_subheadings(app):
    with app.app_context():
        assert _count("hs", category="hs4") == 1228  # 9999 ("unknown") is no heading a certificate may name
        assert _count("hs", category="hs6") == 5612
        assert "smartphones" in search.get("hs", "851713").name_en.lower()


def test_chinas_tariff_is_the_hs_table_with_chinese_names_and_units(app):
    with app.app_context():
        assert _count("hs", category="hs8") == 8957
        toothbrush = search.get("hs", "96032100")
        assert toothbrush.name_zh == "牙刷，包括齿板刷" and toothbrush.label == "9603.2100 牙刷，包括齿板刷"
        assert toothbrush.attrs["unit1_zh"] == "把" and toothbrush.attrs["unit1"] == "PCS"
        assert search.get("hs", "85171300").attrs["unit1"] == "UNITS"  # 台


def test_the_curated_tables_are_there_with_sources(app):
    with app.app_context():
        assert search.get("authority", "2200").name_zh == "上海海关"
        assert search.get("port", "CNSHA").name_zh == "上海" and search.get("port", "DEHAM").category == "DE"
        assert _count("port") >= 2500  # the curated ports, every UN/LOCODE place in China and its land neighbours
        assert search.get("port", "CNAKL").name_zh == "阿拉山口" and search.get("port", "DEFRA").name_zh == "法兰克福"
        assert search.get("transport_mode", "2").attrs["phrase"] == "BY SEA"
        assert search.get("trade_mode", "0110").name_zh == "一般贸易"
        nude = search.get("package_unit", "IN NUDE")
        assert nude.name_en == "PCS IN NUDE"
        assert search.get("package_unit", "PACKAGES") is None and search.get("package_unit", "PACKAGE") is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CodeEntry).where(CodeEntry.source == "")) == 0


def test_origin_criteria_follow_each_agreement(app):
    with app.app_context():
        korea = [e.code for e in search.all_entries("origin_criterion", "K")]
        assert korea == ["WO", "WP", "PSR"]
        gsp_w = search.get("origin_criterion", "W", "G")
        assert gsp_w.attrs.get("aux") == "hs4" and gsp_w.attrs["explanation"]
        assert search.all_entries("origin_criterion", "C") == []


def test_loading_again_changes_nothing(app):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.max(CodeEntry.updated_at)))
        result = services.load_tables()
        db.session.commit()
        assert all(set(counts) == {"same"} for counts in result.values()), result
        assert db.session.scalar(sa.select(sa.func.max(CodeEntry.updated_at))) == before


def test_a_newer_package_updates_entries_but_keeps_local_edits(app, monkeypatch):
    with app.app_context():
        edited = search.get("country", "FR")
        services.save_entry(edited, name_zh="法兰西（本地）", name_en=edited.name_en, category="", attrs=edited.attrs,
                            active=True, source="local", sort=edited.sort)
        db.session.commit()
        original = loaders.countries

        def newer():
            items = original()
            for item in items:
                if item.code in ("FR", "IT"):
                    item.name_zh += "（新版）"
            return items

        monkeypatch.setitem(loaders.LOADERS, "country", newer)
        result = services.load_table("country")
        db.session.commit()
        assert result == {"same": 247, "update": 1, "keep_local": 1}
        assert search.get("country", "IT").name_zh == "意大利（新版）"
        assert search.get("country", "FR").name_zh == "法兰西（本地）"


def test_the_cli_loads_and_reports(app):
    result = app.test_cli_runner().invoke(args=["refdata", "load", "--table", "weight_unit"])
    assert result.exit_code == 0 and "weight_unit" in result.output and "same 4" in result.output
