"""操作日志, pure helpers: a row's details as readable 字段: 值 lines, its target in words, the page's filters."""
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .roles import ROLE_LABELS, Role

FIELD_LABELS = {
    "role": "角色", "display_name": "姓名", "authority_code": "签证机构",
    "co_reg_no": "产地证备案号", "org_code": "组织机构代码", "name_cn": "公司中文名称",
    "platform_account": "质检通讯平台帐号", "platform_password": "质检通讯平台密码",
    "cert_type": "证书类型", "original": "原证书号", "new_cert_no": "新证书号", "reason": "原因",
    "table": "参数表", "code": "代码", "name_zh": "中文名称", "name_en": "英文名称", "category": "分类",
    "active": "启用", "sort": "排序", "attrs": "属性", "source": "来源",
    "added": "新增条数", "updated": "更新条数", "file": "文件",
    "path": "请求地址", "method": "请求方式",
    "session": "会话编号", "remaining": "剩余恢复码", "replacing": "更换手机",
}
TARGET_KINDS = {"user": "用户", "enterprise": "企业", "certificate": "证书", "declaration": "申报",
                "refdata": "参数表", "path": "请求", "sender": "发送方"}
TARGET_WORDS = {"system": "系统设置"}
EMPTY = "（空）"


def value_text(key: str, value) -> str:
    """One stored value in words: 是/否, role names, nested mappings as 字段: 值, never JSON."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "role" and value in {r.value for r in Role}:
        return ROLE_LABELS[Role(value)]
    if isinstance(value, dict):
        return "；".join(f"{FIELD_LABELS.get(k, k)}: {value_text(k, v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(key, v) for v in value) or EMPTY
    return str(value)


def detail_lines(detail: str) -> list[tuple[str, str]]:
    """The stored detail (JSON text, or older plain text) as (字段, 值) pairs; a change reads 旧 → 新."""
    if not detail:
        return []
    try:
        data = json.loads(detail)
    except ValueError:
        return [("详情", detail)]
    if not isinstance(data, dict):
        return [("详情", value_text("", data))]
    lines = []
    for key, value in data.items():
        label = FIELD_LABELS.get(key, key)
        if isinstance(value, list) and len(value) == 2:  # [old, new]
            lines.append((label, f"{value_text(key, value[0])} → {value_text(key, value[1])}"))
        elif value is not None:
            lines.append((label, value_text(key, value)))
    return lines


def target_text(target: str) -> str:
    """`certificate:C26…` → `证书 C26…`; unknown kinds are shown as stored."""
    if target in TARGET_WORDS:
        return TARGET_WORDS[target]
    kind, sep, name = (target or "").partition(":")
    if sep and kind in TARGET_KINDS:
        return f"{TARGET_KINDS[kind]} {name}"
    return target or ""


@dataclass(frozen=True)
class Filters:
    action: str = ""
    user: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def args(self) -> dict:
        """The filters as query parameters (for the 更早的记录 link)."""
        values = {"action": self.action, "user": self.user,
                  "date_from": self.date_from.isoformat() if self.date_from else "",
                  "date_to": self.date_to.isoformat() if self.date_to else ""}
        return {k: v for k, v in values.items() if v}


def _date(text: str | None) -> date | None:
    try:
        day = date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None
    return day if 1900 <= day.year <= 9998 else None  # no overflow at the calendar's ends


def parse_filters(args, actions) -> Filters:
    """Filters from the query string; anything unknown or malformed is ignored rather than refused."""
    action = args.get("action", "")
    return Filters(action=action if action in actions else "", user=(args.get("user") or "").strip()[:64],
                   date_from=_date(args.get("date_from")), date_to=_date(args.get("date_to")))


def utc_bounds(filters: Filters, tz_name: str) -> tuple[datetime | None, datetime | None]:
    """The local days from–to as naive-UTC [start, end) (the column holds naive UTC)."""
    zone = ZoneInfo(tz_name)

    def utc(day: date) -> datetime:
        return datetime.combine(day, time(), zone).astimezone(timezone.utc).replace(tzinfo=None)

    return (utc(filters.date_from) if filters.date_from else None,
            utc(filters.date_to + timedelta(days=1)) if filters.date_to else None)
