"""经核准出口商 and their 原产地声明 (GACC Order 254): pure rules, no Flask, no database.

An approved exporter may make an origin declaration instead of applying for a certificate, under the agreements
whose 参数表 entry says `"declarations": true` (shared/reference/AGREEMENTS-2026.md § Approved exporters). Its
approval has a number, the agreements it covers and a validity; each declaration has its own serial.

An approval here is any object with `approval_no`, `agreement_keys` (a sequence of agreement keys), `valid_from`
and `valid_until` (dates, both days included); it may also carry `agreement_names` (the keys' Chinese names, in the
same order) for the messages. `app.accounts.approved_exporters.approvals_for` gives them for an enterprise.
"""
import re
from collections.abc import Iterable
from datetime import date

from app.textrules import half_width

APPROVAL_NO = re.compile(r"^[A-Z0-9]{4,20}$")
APPROVAL_NO_MAX = 20
DATE_DIGITS = 8  # the document date as YYYYMMDD
DEFAULT_COUNTER_DIGITS = 4  # an agreement without a serial_length
WHERE = "请企业管理员在“经核准出口商”中"


def normalise_approval_no(text: str | None) -> str:
    """An approval number as stored: half-width, upper case, without the spaces and hyphens people paste."""
    return re.sub(r"[\s\-—]", "", half_width(text or "")).upper()


def check_approval_no(text: str | None) -> str | None:
    """Why `text` is not an approval number (None: it is): 4–20 letters or digits, read upper case."""
    if not APPROVAL_NO.match(normalise_approval_no(text)):
        return "核准出口商编号为 4–20 位字母或数字（按海关核发的编号填写）"
    return None


def validity_problem(valid_from: date, valid_until: date) -> str | None:
    """Why a validity is impossible (None: it is fine): the last day may not come before the first."""
    if valid_from and valid_until and valid_until < valid_from:
        return f"有效期至（{valid_until.isoformat()}）不能早于有效期自（{valid_from.isoformat()}）"
    return None


def covers(approval, agreement: str, on: date) -> bool:
    """The approval covers `agreement` and `on` lies within its validity (both ends included)."""
    return agreement in approval.agreement_keys and approval.valid_from <= on <= approval.valid_until


def state(approval, on: date) -> str:
    """How an approval stands on a day, in the words of 经核准出口商: 有效, 尚未生效 or 已过期."""
    if on < approval.valid_from:
        return "尚未生效"
    return "已过期" if on > approval.valid_until else "有效"


def approval_for(approvals: Iterable, agreement: str, on: date):
    """The approval under which a declaration for `agreement` dated `on` is made, or None.

    When several apply (a renewed approval overlapping the old one), the one that became valid last.
    """
    valid = [a for a in approvals if covers(a, agreement, on)]
    return max(valid, key=lambda a: (a.valid_from, a.valid_until)) if valid else None


def _names(approval) -> str:
    names = getattr(approval, "agreement_names", None) or approval.agreement_keys
    return "、".join(names) or "未选择协定"


def _validity(approval, on: date) -> str:
    period = f"有效期 {approval.valid_from.isoformat()} 至 {approval.valid_until.isoformat()}"
    return f"编号 {approval.approval_no} {period}，{state(approval, on)}"


def approval_problem(approvals: Iterable, agreement: str, agreement_name: str, on: date) -> str | None:
    """Why the enterprise cannot make a declaration for `agreement` dated `on` (None: it can), for the clerk.

    :param approvals: the enterprise's approvals (see the module docstring).
    :param agreement: the agreement key (RCEP, S …); `agreement_name` is what the clerk reads.
    """
    approvals = list(approvals)
    if approval_for(approvals, agreement, on) is not None:
        return None
    if not approvals:
        return (f"本企业尚未登记经核准出口商资质，不能出具{agreement_name}原产地声明。"
                f"{WHERE}登记海关核准的核准出口商编号、适用协定和有效期。")
    covering = [a for a in approvals if agreement in a.agreement_keys]
    if not covering:
        held = "；".join(f"编号 {a.approval_no} 适用于{_names(a)}" for a in approvals)
        return (f"本企业的经核准出口商资质不适用于{agreement_name}（{held}）。"
                f"如海关已核准该协定，{WHERE}补充适用协定。")
    parts = "；".join(_validity(a, on) for a in sorted(covering, key=lambda a: a.valid_from))
    return (f"{on.isoformat()} 不在本企业{agreement_name}经核准出口商资质的有效期内（{parts}）。"
            f"{WHERE}更新有效期或登记新的核准。")


def declaration_serial(approval_no: str, document_date: date, counter: int, serial_length: int | None) -> str:
    """A declaration's serial: approval number + document date (YYYYMMDD) + document counter, zero-padded.

    With `serial_length` (the agreement's attrs; CN–Switzerland: 23) the counter fills the serial to exactly that
    many characters; without it the counter has 4 digits. AGREEMENTS-2026.md says only "23 characters = approval
    number + document date + document number" for Switzerland: the exact format beyond that (the date as YYYYMMDD,
    the number zero-padded, no separators) is unverified, as is any format for the other agreements.

    :raises ValueError: the approval number is not one, leaves no room for a counter, or the counter does not fit.
    """
    approval_no = normalise_approval_no(approval_no)
    problem = check_approval_no(approval_no)
    if problem:
        raise ValueError(problem)
    if serial_length:
        digits = serial_length - len(approval_no) - DATE_DIGITS
        if digits < 1:
            raise ValueError(f"核准出口商编号 {approval_no} 共 {len(approval_no)} 位，加上 {DATE_DIGITS} 位日期后"
                             f"已无位置编排声明序号（原产地声明编号共 {serial_length} 位）")
    else:
        digits = DEFAULT_COUNTER_DIGITS
    if counter < 1 or len(str(counter)) > digits:
        raise ValueError(f"原产地声明序号 {counter} 超出范围：此编号中序号为 {digits} 位（1 至 {10 ** digits - 1}）")
    return f"{approval_no}{document_date.strftime('%Y%m%d')}{counter:0{digits}d}"


def approval_of_serial(serial: str | None, document_date: date | None = None) -> str | None:
    """The approval number a declaration serial was made with (`declaration_serial` read backwards), or None.

    For whoever holds the serial but not the enterprise's approvals (the officer printing a declaration): the
    approval number is what comes before the document date (YYYYMMDD) that is followed by the counter's digits
    alone; the document date given (invoice date, else application date) is looked for first.
    """
    serial = normalise_approval_no(serial)

    def prefix_at(i: int) -> str | None:
        head, stamp, counter = serial[:i], serial[i:i + DATE_DIGITS], serial[i + DATE_DIGITS:]
        if not (counter.isdigit() and stamp.isdigit() and stamp[:2] == "20") or check_approval_no(head):
            return None
        try:
            date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))
        except ValueError:
            return None
        return head

    if document_date is not None:
        at = serial.rfind(document_date.strftime("%Y%m%d"))
        if at > 0 and prefix_at(at):
            return prefix_at(at)
    for i in range(len(serial) - DATE_DIGITS - 1, 3, -1):
        found = prefix_at(i)
        if found:
            return found
    return None
