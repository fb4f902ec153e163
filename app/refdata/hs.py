"""HS codes on certificates: China's 8-digit tariff codes (10-digit ones by their first 8 digits) and the HS 2022
headings and subheadings they extend, each valid while the tariff in force on the certificate's date has it."""
import re
from datetime import date

from . import search
from .tables import dotted_hs, hs_code


def in_force(attrs: dict, on: date | None) -> str | None:
    """None when an entry with these attributes is in the tariff on `on`; else why not (shown to the clerk)."""
    if on is None:
        on = date.today()
    since, until = attrs.get("valid_from"), attrs.get("valid_until")
    if until and on.isoformat() >= until:
        return f"自 {until} 起已不在税则中"
    if since and on.isoformat() < since:
        return f"自 {since} 起才列入税则"
    return None


def check_hs_code(typed: str, on: date | None = None) -> tuple[str | None, str | None]:
    """(normalised code, None) when the code is in the tariff on `on` (default today), else (None, the message
    shown beside the field).

    8- and 10-digit codes must be (or start with) an 8-digit code of China's tariff; 4- and 6-digit codes must be
    an HS 2022 heading or subheading that the tariff has national codes under (so 9999 is no code).
    """
    code = hs_code(typed or "")
    if not re.fullmatch(r"\d{4}|\d{6}|\d{8}|\d{10}", code):
        return None, "HS编码应为 4、6、8 或 10 位数字"
    if len(code) >= 8:
        entry = search.get("hs", code[:8], "hs8")
        if entry is None:
            return None, f"HS编码 {dotted_hs(code[:8])} 不在中国海关税则中"
        stale = in_force(entry.attrs, on)
        return (None, f"HS编码 {dotted_hs(code[:8])} {stale}") if stale else (code, None)
    entry = search.get("hs", code, f"hs{len(code)}")
    if entry is None or not any(in_force(attrs, on) is None for attrs in search.attrs_under("hs", code, "hs8")):
        return None, f"HS编码 {dotted_hs(code)} 不在 HS 2022 编码表或中国海关税则中"
    return code, None


def tariff_units(code: str) -> tuple[str, str]:
    """(first, second) 数量单位 code the tariff gives for an HS code ("" where it has none or the code is short)."""
    code = hs_code(code or "")
    entry = search.get("hs", code[:8], "hs8") if len(code) >= 8 and code.isdigit() else None
    attrs = entry.attrs if entry else {}
    return attrs.get("unit1", ""), attrs.get("unit2", "")
