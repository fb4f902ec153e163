"""Agreements in force, by date and destination (AGREEMENTS-2026.md). Pure: no Flask, no database.

Each agreement lists its members (参数表 协定成员): the destination, the date its origin rules apply from
(`valid_from`, inclusive) and, where it ended, the first day it no longer applies (`valid_until`). A type offers a
destination only while that member is in force on the application date. An agreement with no member rows in
the table falls back to the registry's static destinations (so an admin who deletes them does not open a type
to every country silently: the registry still holds).
"""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from .types import CertType


@dataclass(frozen=True)
class Member:
    country: str
    valid_from: date | None = None
    valid_until: date | None = None  # first day not in force
    note: str = ""

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or on >= self.valid_from) and (self.valid_until is None or on < self.valid_until)


Members = Callable[[str], list[Member] | None]  # agreement → its members (None: the table has none)
NameOf = Callable[[str, str], str]


def no_members(_agreement: str) -> None:
    return None


def _iso(text) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def member_from(code: str, attrs: dict) -> Member:
    """A member from a 参数表 entry's attributes (a malformed date reads as no date)."""
    return Member(code, _iso(attrs.get("valid_from")), _iso(attrs.get("valid_until")), attrs.get("note") or "")


def _code(_table: str, code: str) -> str:
    return code


def in_force_on(members: list[Member], on: date) -> list[str]:
    return [m.country for m in members if m.in_force(on)]


def destination_problem(ctype: CertType, country: str | None, on: date | None, members: Members = no_members,
                        name_of: NameOf = _code) -> str | None:
    """Why `ctype` cannot go to `country` on `on` (the application date; today when not given), or None.

    Types without an agreement (一般原产地证 …) go anywhere; the rest only to a member in force on the date.
    """
    if not country:
        return None
    listed = members(ctype.agreement) if ctype.agreement else None
    if listed is None:
        if ctype.destinations and country not in ctype.destinations:
            return (f"{ctype.name}的目的地只能是：" + "、".join(name_of("country", c) for c in ctype.destinations)
                    + f"，不能是{name_of('country', country)}")
        return None
    on = on or date.today()
    name = name_of("country", country)
    member = next((m for m in listed if m.country == country), None)
    if member is not None and member.in_force(on):
        return None
    open_now = [name_of("country", c) for c in in_force_on(listed, on)]
    where = ("目前可发往：" + "、".join(open_now)) if open_now else "该日期没有可发往的国家/地区"
    if member is not None and member.valid_from and on < member.valid_from:
        return f"{ctype.name}对{name}自 {member.valid_from.isoformat()} 起适用，申请日期 {on.isoformat()} 尚不能申请；{where}"
    if member is not None and member.valid_until:
        ended = member.note or f"{name}自 {member.valid_until.isoformat()} 起不再适用{ctype.name}"
        return f"{ended}；{where}"
    if open_now:
        return f"{ctype.name}的目的地只能是：" + "、".join(open_now) + f"，不能是{name}"
    return f"{ctype.name}不适用于{name}；{where}"


def offered(ctype: CertType, country: str | None, on: date, members: Members = no_members) -> bool:
    """Is the type offered on 新建证书 for this destination (any destination when None) on this date?"""
    if country:
        return destination_problem(ctype, country, on, members) is None
    listed = members(ctype.agreement) if ctype.agreement else None
    return listed is None or bool(in_force_on(listed, on))


def open_destinations(ctype: CertType, on: date, members: Members = no_members) -> tuple[str, ...]:
    """The destinations a type may go to on `on` (empty: any)."""
    listed = members(ctype.agreement) if ctype.agreement else None
    return ctype.destinations if listed is None else tuple(in_force_on(listed, on))


def japan_materials_apply(ctype: CertType, destination: str | None, on: date | None,
                          members: Members = no_members) -> bool:
    """日本进料信息 applies to GSP certificates to Japan dated while Japan gave China GSP (manual; ended 2019-04)."""
    if not (ctype.japan_materials and destination == "JP"):
        return False
    japan = next((m for m in members(ctype.agreement) or () if m.country == "JP"), None)
    return japan is None or on is None or japan.in_force(on)


def working_days_between(start: date, end: date) -> int:
    """Working days (Monday–Friday) after `start` up to and including `end`."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += day.weekday() < 5
    return days


RETROACTIVE_AFTER_WORKING_DAYS = 3  # RCEP Art. 3.17 / Form E Rule 10: issued later than 3 working days after shipment


def issued_retroactively(departure: date | None, application: date | None) -> bool:
    """The certificate is applied for more than three working days after shipment: it is issued retroactively
    (ISSUED RETROACTIVELY is ticked on the forms that have the box)."""
    return bool(departure and application and working_days_between(departure, application) > RETROACTIVE_AFTER_WORKING_DAYS)


@dataclass(frozen=True)
class Offer:
    """One type on 新建证书: offered (reason None) or not, with the reason a person reads."""

    ctype: CertType
    reason: str | None = None

    @property
    def offered(self) -> bool:
        return self.reason is None


def offers(types, country: str | None, on: date, members: Members = no_members, name_of: NameOf = _code,
           declaration_problem: Callable[[CertType, date], str | None] = lambda _t, _d: None) -> list[Offer]:
    """Every type with whether 新建证书 offers it for `country` (any, when None) on `on`, and why not."""
    found = []
    for ctype in types:
        if not ctype.ready:
            continue
        if country:
            reason = destination_problem(ctype, country, on, members, name_of)
        else:
            reason = None if offered(ctype, None, on, members) else f"{ctype.name}在 {on.isoformat()} 没有适用的目的地"
        if reason is None and ctype.is_declaration:
            reason = declaration_problem(ctype, on)
        found.append(Offer(ctype, reason))
    return found


def member_countries(types, members: Members) -> list[str]:
    """Every destination some agreement lists (the 目的地 choice of 新建证书), in first-seen order."""
    seen: dict[str, None] = {}
    for ctype in types:
        for member in (members(ctype.agreement) if ctype.agreement else None) or ():
            seen.setdefault(member.country)
        for country in ctype.destinations:
            seen.setdefault(country)
    return list(seen)
