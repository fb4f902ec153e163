"""Redirect targets taken from user input must stay on this site."""
from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """`target` when it is a local path ("/…", not "//…"), else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
