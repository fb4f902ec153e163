"""发票号 as 证书查询 compares it. Pure."""
import re
import unicodedata

DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d\u30fc]")
INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")


def normalise_invoice(text: str | None) -> str:
    """Full-width → half-width, no spaces or hidden characters, one kind of dash, upper case.

    `ＩＮＶ－２０２６ ００１`, `inv‐2026-001` and `INV-2026-001\\u200b` all become `INV-2026-001`
    (a common reason a certificate is "not found").
    """
    text = unicodedata.normalize("NFKC", text or "")
    return INVISIBLE.sub("", DASHES.sub("-", text)).upper()
