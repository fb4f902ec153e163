"""Time helpers: the database stores naive UTC; pages show the configured local time."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Current time as naive UTC (the form every timestamp column holds)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(value: datetime | None, tz_name: str) -> datetime | None:
    """Naive-UTC `value` as a naive datetime in `tz_name`."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)


def local_today(tz_name: str) -> date:
    """Today's date where the users are (application dates, certificate-number years)."""
    return datetime.now(ZoneInfo(tz_name)).date()
