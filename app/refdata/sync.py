"""Deciding what a (re)load of the shipped code tables does to each entry. Pure: no database here."""
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

FIELDS = ("name_zh", "name_en", "attrs", "source", "sort")


@dataclass
class Item:
    """One entry as the shipped data (a package or a project CSV) gives it."""

    code: str
    name_zh: str = ""
    name_en: str = ""
    category: str = ""
    attrs: dict = field(default_factory=dict)
    source: str = ""
    sort: int = 1000

    @property
    def key(self) -> tuple[str, str]:
        return (self.category, self.code)

    @property
    def fingerprint(self) -> str:
        data = {name: getattr(self, name) for name in FIELDS}
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Known:
    """What the database holds of an entry: the fingerprint it was loaded with and whether it was edited."""

    package_hash: str | None
    locally_edited: bool


def plan(known: dict[tuple[str, str], Known], items: list[Item]) -> list[tuple[str, Item]]:
    """For each shipped item: "add", "update", "keep_local" (record the new fingerprint only) or "same".

    An entry a sysadmin edited keeps its values when the package changes; an unchanged one is
    left alone, so loading twice writes nothing the second time.
    """
    actions = []
    seen = set()
    for item in items:
        if item.key in seen:
            raise ValueError(f"duplicate code in shipped data: {item.key}")
        seen.add(item.key)
        current = known.get(item.key)
        if current is None:
            actions.append(("add", item))
        elif current.package_hash == item.fingerprint:
            actions.append(("same", item))
        elif current.locally_edited:
            actions.append(("keep_local", item))
        else:
            actions.append(("update", item))
    return actions


def summary(actions: list[tuple[str, Item]]) -> Counter:
    return Counter(action for action, _ in actions)
