"""Redirect targets taken from user input must stay on this site."""
import re
from urllib.parse import urlsplit

CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # CR/LF would end the Location header; nothing legitimate has them
MAX_LENGTH = 2000


def safe_next(target: str | None) -> str | None:
    """`target` when it is a local path ("/…", not "//…") without control characters, else None."""
    if not target or len(target) > MAX_LENGTH or CONTROL.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
