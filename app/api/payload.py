"""Request bodies: JSON read strictly, then turned into the form data the pages post, so that the API runs exactly
the checks typing runs (the entry forms of certificates/entry_forms.py, built from the type registry).

A JSON value becomes the text a person would type: strings as they are, numbers as digits, true/false for the
tick boxes and 是/否 fields, null (or a missing key on create) for an empty field. What cannot be read that way —
not JSON, not an object, a list where a value belongs, a key the certificate type does not have — is a 400 with
the path of each offending value; what the forms refuse is a 422 with their messages (views decide).
"""
import hashlib
import json
from datetime import date
from decimal import Decimal

from flask import request
from werkzeug.datastructures import MultiDict

from app.certificates.fieldspecs import FieldSpec

from .errors import ApiError, error

MAX_KEY_SHOWN = 60
NOT_OBJECT = "请求内容须为 JSON 对象（{…}）"


def _constant(name: str):
    raise ValueError(f"不支持 {name}")


def read_json(empty_ok: bool = False) -> dict:
    """The request body as a JSON object (an empty body as {} where `empty_ok`). :raises ApiError: 400 when it is
    not one."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if empty_ok:
            return {}
        raise ApiError(400, NOT_OBJECT)
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal, parse_constant=_constant)
    except UnicodeDecodeError:
        raise ApiError(400, "请求内容须为 UTF-8 编码的 JSON")
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"请求内容不是合法的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有误")
    except (ValueError, RecursionError):  # NaN / Infinity, a number of more than 4,300 digits, nesting too deep
        raise ApiError(400, "请求内容不是合法的 JSON（不支持 NaN、Infinity、过长的数字或过深的嵌套）")
    if not isinstance(data, dict):
        raise ApiError(400, NOT_OBJECT)
    return data


def request_hash(data) -> str:
    """The same body, however its keys are ordered or spaced, hashes the same (idempotency keys)."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def key_path(prefix: str, key) -> str:
    """A path for a key the client sent, made safe to echo (no control characters, no lone surrogates)."""
    text = str(key)[:MAX_KEY_SHOWN]
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return f"{prefix}{text}"


def clean_text(value: str, path: str, errors: list) -> str | None:
    """A string as the pages receive typed text: NUL dropped (as web/requests.py does), no lone surrogates."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        errors.append(error(path, "包含无法识别的字符（单独的代理项），请检查编码"))
        return None
    return value.replace("\x00", "")


def _typed(spec: FieldSpec, value, path: str, errors: list) -> str | None:
    """One JSON value as form text for the field `spec`; None (and an error) when its JSON type is wrong."""
    if spec.kind == "bool":
        if isinstance(value, bool):
            return "true" if value else "false"
        errors.append(error(path, f"{spec.label}应为 true 或 false"))
        return None
    if spec.kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
            errors.append(error(path, f"{spec.label}应为数字（或数字字符串）"))
            return None
        if isinstance(value, Decimal):
            return format(value, "f") if abs(value.adjusted()) < 60 else str(value)
        return clean_text(value, path, errors) if isinstance(value, str) else str(value)
    if not isinstance(value, str):
        hint = "日期字符串，格式 YYYY-MM-DD" if spec.kind == "date" else "字符串"
        errors.append(error(path, f"{spec.label}应为{hint}"))
        return None
    return clean_text(value, path, errors)


def stored_text(spec: FieldSpec, value) -> str | None:
    """A stored value (or a default) as the form text that reads back as the same value."""
    if value is None:
        return None
    if spec.kind == "bool":
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def form_data(body: dict, specs: dict[str, FieldSpec], allowed: tuple[str, ...], base: dict, prefix: str,
              errors: list, skip: tuple[str, ...] = ()) -> MultiDict:
    """`base` (stored values or defaults) overlaid with the body's values for the `allowed` fields, as form data.

    A key outside `allowed` (and not in `skip`, which the caller reads itself) is an error at its path; null
    empties the field.
    """
    values = {name: stored_text(specs[name], base.get(name)) for name in allowed}
    for key, value in body.items():
        if key in skip:
            continue
        path = key_path(prefix, key)
        if key not in allowed:
            known = key in specs
            errors.append(error(path, "该证书类型没有此字段" if known else "未知字段"))
            continue
        values[key] = None if value is None else _typed(specs[key], value, path, errors)
    return MultiDict([(name, text) for name, text in values.items() if text is not None])


def form_errors(form, prefix: str = "") -> list[dict]:
    """A validated form's messages at their paths (the form's own, not tied to a field, at the prefix)."""
    found = []
    for name, messages in form.errors.items():
        if name is None:
            found.extend(error(prefix.rstrip("."), message) for message in messages)
            continue
        for message in messages if isinstance(messages, list) else [messages]:
            found.append(error(f"{prefix}{name}", str(message)))
    return found


def version_of(body: dict, path: str = "version") -> int:
    """The `version` a change is based on (optimistic locking). :raises ApiError: 400 when missing or not one."""
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 0 < version < 2 ** 31:
        raise ApiError(400, [error(path, "请提供 version：读取时返回的版本号（整数），修改以它为准")])
    return version


def bool_of(body: dict, name: str, errors: list) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        errors.append(error(name, "应为 true 或 false"))
        return False
    return value


def problem_path(problem) -> str:
    """Where a 申报 problem (certificates.rules.Problem) points, as a request path."""
    if problem.tab == "goods":
        if problem.field == "items" or problem.item is None:
            return "goods"
        return f"goods[{problem.item - 1}].{problem.field}"
    if problem.tab == "materials":
        if problem.field == "items" or problem.item is None:
            return "japan_materials"
        return f"japan_materials[{problem.item - 1}].{problem.field}"
    return problem.field
