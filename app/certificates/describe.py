"""Texts the 生成 buttons compose. Pure: names are resolved by the caller."""
from decimal import Decimal

from num2words import num2words


def number_words(n: int) -> str:
    """2000 → "TWO THOUSAND"; 1234 → "ONE THOUSAND TWO HUNDRED AND THIRTY-FOUR" (no commas, as on certificates)."""
    return num2words(n).upper().replace(",", "")


def goods_description(name_en: str, package_count: int | None, unit_code: str, unit_attrs: dict) -> str:
    """货物描述 from the English name, package count and unit.

    `TWO THOUSAND (2000) CTNS OF TOOTHBRUSH`; goods without packaging: `… PCS IN NUDE OF …`;
    bulk cargo: `WHEAT IN BULK`.
    """
    name = (name_en or "").strip().upper()
    if unit_attrs.get("bulk"):
        return f"{name} IN BULK"
    unit = "PCS IN NUDE" if unit_attrs.get("nude") else unit_code.upper()
    count = int(package_count or 0)
    return f"{number_words(count)} ({count}) {unit} OF {name}"


def place(port_name: str, country_code: str, country_name: str) -> str:
    """A port as transport details write it: `SHANGHAI, CHINA`; Hong Kong, Macao, Taiwan as `…, CHINA`."""
    country = {"CN": "CHINA", "HK": "HONG KONG, CHINA", "MO": "MACAO, CHINA", "TW": "TAIWAN, CHINA"}.get(
        country_code, (country_name or country_code).upper())
    port = (port_name or "").upper()
    # Singapore, Hong Kong, Macao: the port bears the name of its country or region.
    return country if not port or country.split(",")[0] == port else f"{port}, {country}"


def transport_details(loading: str, discharge: str, phrase: str, vessel_voyage: str | None) -> str:
    """`FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA`, with the vessel and voyage when given."""
    text = f"FROM {loading} TO {discharge}"
    if phrase:
        text += f" {phrase.upper()}"
    if vessel_voyage and vessel_voyage.strip():
        text += f", VESSEL/VOYAGE: {vessel_voyage.strip().upper()}"
    return text


def decimal_text(value: Decimal | None) -> str:
    """A quantity without trailing zeros: 12.5000 → "12.5"."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text
