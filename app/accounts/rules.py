"""Pure account rules: identifiers, password policy, registration numbers, throttling.

Each check returns None when the value is good, else the Chinese message shown beside the field.
"""
import re
from datetime import datetime, timedelta

from .password_policy import check_password  # noqa: F401 (the password policy has its own module)

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,31}$")


def normalise_username(value: str) -> str:
    return (value or "").strip().lower()


def check_username(value: str) -> str | None:
    if not USERNAME_RE.match(normalise_username(value)):
        return "用户名为 3–32 位字母、数字、下划线、点或短横线，以字母或数字开头"
    return None


# 产地证备案号 (DESIGN.md): the 4-digit code of the authority that registered the enterprise (it must be in 质检机构代码),
# then its 5-digit serial there: 9 digits in all, e.g. 310000001.
CO_REG_NO_FORMAT = "9 位数字：4 位签证机构代码 + 5 位序号，例如 310000001"


def normalise_code(value: str) -> str:
    """Upper case with spaces and hyphens removed (how people paste registration numbers)."""
    return re.sub(r"[\s\-－—]", "", value or "").upper()


def check_co_reg_no(value: str, authority_known=None) -> str | None:
    """Why a 产地证备案号 is refused (None: accepted). `authority_known(code) -> bool` checks the first 4 digits
    against 质检机构代码 where the caller has the table."""
    code = normalise_code(value)
    wrong = sorted(set(ch for ch in code if not ch.isdigit() or not ch.isascii()))
    if wrong:
        return f"产地证备案号只能由数字组成（{CO_REG_NO_FORMAT}），不能含“{''.join(wrong)[:10]}”"
    if len(code) != 9:
        return f"产地证备案号为 {CO_REG_NO_FORMAT}；您填写的是 {len(code)} 位"
    if authority_known is not None and not authority_known(code[:4]):
        return f"产地证备案号前 4 位应为签证机构代码，参数表“质检机构代码”中没有 {code[:4]}"
    return None


# GB 32100-2015: 18-character unified social credit code (统一社会信用代码).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997: 9-character organisation code (组织机构代码), 8 characters and a check character.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def check_org_code(value: str) -> str | None:
    """Accept a USCC (18) or a legacy organisation code (9, hyphen optional); verify the check character."""
    code = normalise_code(value)
    if len(code) == 18:
        if any(c not in USCC_CHARS for c in code):
            return "统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）"
        if uscc_check_char(code[:17]) != code[17]:
            return "统一社会信用代码校验位不正确，请核对"
        return None
    if len(code) == 9:
        if not re.match(r"^[0-9A-Z]{8}[0-9X]$", code):
            return "组织机构代码格式不正确"
        if org_code_check_char(code[:8]) != code[8]:
            return "组织机构代码校验位不正确，请核对"
        return None
    return "请填写 18 位统一社会信用代码或 9 位组织机构代码"


def lockout_remaining(failure_times: list[datetime], limit: int, window: timedelta,
                      now: datetime) -> timedelta | None:
    """How long a throttled key stays locked, or None when it may try again.

    `failure_times` are the key's failures since its last success. The key is locked while at
    least `limit` of them fall inside the sliding `window`; it frees when the oldest of those
    leaves the window.
    """
    recent = sorted(at for at in failure_times if at > now - window)
    if limit <= 0 or len(recent) < limit:
        return None
    oldest_counted = recent[-limit]
    return oldest_counted + window - now


def minutes_text(remaining: timedelta) -> str:
    minutes = max(1, -(-int(remaining.total_seconds()) // 60))
    return f"{minutes} 分钟"
