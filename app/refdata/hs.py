"""HS codes on certificates: HS 2022 headings and subheadings, national 8/10-digit codes by their prefix."""
import re

from . import search
from .tables import hs_code


def check_hs_code(typed: str) -> tuple[str | None, str | None]:
    """(normalised code, None) when the code is known, else (None, the message shown beside the field).

    4- and 6-digit codes must be in the HS 2022 table; 8- and 10-digit national codes are accepted
    when their first six digits are a known subheading.
    """
    code = hs_code(typed or "")
    if not re.fullmatch(r"\d{4}|\d{6}|\d{8}|\d{10}", code):
        return None, "HS编码应为 4、6、8 或 10 位数字"
    known = search.get("hs", code[:6] if len(code) > 6 else code)
    if known is None:
        return None, f"HS编码 {code[:6] if len(code) > 6 else code} 不在 HS 2022 编码表中"
    return code, None
