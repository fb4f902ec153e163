"""附加属性 (attrs) of a code entry: a small JSON object. Pure.

An entry's attrs hold a phrase, a flag or a short list (the shipped data nests two levels and the longest is
about 200 characters). What an administrator types or imports is checked before it is parsed: a deeply
nested document (`[[[[…` 100,000 deep) made json.loads raise RecursionError, a 500.
"""
import json

MAX_DEPTH = 5
MAX_LENGTH = 10_000
EXAMPLE = '例如 {"phrase": "BY SEA"}'


def nesting_depth(text: str) -> int:
    """How deeply `{`/`[` nest in a JSON text (brackets inside strings do not count); linear, no recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_attrs(text: str | None) -> tuple[dict, str | None]:
    """(attrs, None) for a JSON object within the limits, else ({}, the message shown beside the field)."""
    text = (text or "").strip()
    if not text:
        return {}, None
    if len(text) > MAX_LENGTH:
        return {}, f"附加属性过长：最多 {MAX_LENGTH} 个字符"
    if nesting_depth(text) > MAX_DEPTH:
        return {}, f"附加属性嵌套过深：最多 {MAX_DEPTH} 层"
    try:
        value = json.loads(text)
    except ValueError:
        return {}, "请填写 JSON 对象，" + EXAMPLE
    if not isinstance(value, dict):
        return {}, "请填写 JSON 对象，" + EXAMPLE
    return value, None
