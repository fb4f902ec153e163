"""A person's name for the device of a login session, from its User-Agent (pure; shown on 登录会话)."""
import re

# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", every browser says "Mozilla".
_BROWSERS = (
    ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
    ("Opera", r"OPR/(\d+)"),
    ("微信", r"MicroMessenger/(\d+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
    ("Internet Explorer", r"(?:MSIE |Trident/.*rv:)(\d+)"),
    ("Safari", r"Version/(\d+).*Safari/"),
)
_SYSTEMS = (
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("Linux", r"Linux|X11"),
)


def describe(user_agent: str | None) -> str:
    """"Chrome 120 · Windows", "Safari 17 · iPhone"; "未知设备" when nothing is recognised."""
    ua = user_agent or ""
    browser = next((f"{name} {m.group(1)}" for name, pattern in _BROWSERS if (m := re.search(pattern, ua))), None)
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, ua)), None)
    if browser is None and system is None:
        return "未知设备" if not ua else ua[:40]
    return " · ".join(part for part in (browser, system) if part)
