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
    count = int(package_count or 0)
    if unit_attrs.get("nude"):
        unit = "PC IN NUDE" if count == 1 else "PCS IN NUDE"
    else:
        unit = singular_unit(unit_code, unit_attrs) if count == 1 else unit_code.upper()
    return f"{number_words(count)} ({count}) {unit} OF {name}"


def singular_unit(unit_code: str, unit_attrs: dict) -> str:
    """The package word for one: `CTNS` → `CTN`, `BOXES` → `BOX`, `WOODEN CASES` → `WOODEN CASE` (the table's
    singular when the code is the plural word, else the code without its plural S)."""
    code = (unit_code or "").upper()
    if unit_attrs.get("singular") and code == (unit_attrs.get("plural") or "").upper():
        return unit_attrs["singular"].upper()
    if code.endswith(("XES", "SHES", "CHES", "SSES")):
        return code[:-2]
    if code.endswith("S") and not code.endswith("SS") and len(code) > 2:
        return code[:-1]
    return code


def goods_description_zh(name_cn: str, package_count: int | None, unit_name_zh: str, unit_attrs: dict) -> str:
    """货物描述 for a certificate filled in Chinese (海峡两岸): `牙刷 2000 纸箱`; `小麦（散装）`; `… 件（裸装）`."""
    name = (name_cn or "").strip()
    if unit_attrs.get("bulk"):
        return f"{name}（散装）"
    count = int(package_count or 0)
    unit = "件（裸装）" if unit_attrs.get("nude") else unit_name_zh
    return f"{name} {count} {unit}"


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


def transport_details_zh(loading: str, discharge: str, phrase: str, vessel_voyage: str | None) -> str:
    """海峡两岸 (ECFA, filled in Chinese): `由上海经海运至基隆`, with the vessel and voyage when given."""
    text = f"由{loading}" + (f"经{phrase}" if phrase else "") + f"至{discharge}"
    if vessel_voyage and vessel_voyage.strip():
        text += f"，船名航次：{vessel_voyage.strip()}"
    return text


def decimal_text(value: Decimal | int | None) -> str:
    """A quantity without trailing zeros: 12.5000 → "12.5" (a whole number as it is)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return format(value.normalize(), "f")


AVAILABLE_UPON_REQUEST = "AVAILABLE UPON REQUEST"


def producer_box(name: str | None, address: str | None, description: str | None, confidential: bool) -> str:
    """What the producer box shows: `AVAILABLE UPON REQUEST` when 生产商保密 is ticked (the real text is kept)."""
    if confidential:
        return AVAILABLE_UPON_REQUEST
    return "\n".join(part for part in (name, address, description) if part and part.strip())


def importer_box(name: str | None, address: str | None, exhibition: bool, exhibition_info: str | None) -> str:
    """The importer box; an exhibition certificate (中国-东盟) adds the exhibition's name and address after it."""
    lines = [part for part in (name, address) if part and part.strip()]
    if exhibition and exhibition_info and exhibition_info.strip():
        lines.append(exhibition_info.strip())
    return "\n".join(lines)
