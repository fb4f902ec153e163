"""How many goods rows one certificate may hold: 系统设置 `certificate.max_goods_rows` (issue 13, medium 3).

The form's own item cap (types.py `item_cap`: 20 for most FTA forms) counts goods only and is the agreement's
rule; this cap counts every row, 非货物项 too, and protects the system: every row is printed, and an 800-row
certificate took seconds of a print worker. One rule, used when a row is added or copied, at 申报, and before
printing (`rows.py`, `rules.check`, `printing/service.py`).
"""
from flask import has_app_context

SETTING = "certificate.max_goods_rows"
DEFAULT_MAX_GOODS_ROWS = 200
WINDOW_SETTING = "certificate.application_window_days"
DEFAULT_WINDOW_DAYS = 365
DATE_SPAN_DAYS = 3 * 365  # an invoice or departure date this far from today is a mistyped year


def goods_rows_problem(count: int, cap: int, adding: int = 0) -> str | None:
    """Why `count` goods rows (plus `adding` new ones) are too many for one certificate, or None. Pure.

    :param count: rows the certificate has now, 非货物项 included.
    :param cap: the configured maximum.
    :param adding: rows about to be added (1 for 保存 of a new row or 复制), 0 for 申报 and printing.
    """
    if count + adding <= cap:
        return None
    if adding:
        return (f"每份证书最多 {cap} 项货物（含非货物项），本证书已有 {count} 项，不能再添加。"
                "其余货物请另开一份证书申报。")
    return (f"每份证书最多 {cap} 项货物（含非货物项），本证书有 {count} 项，"
            f"请删去 {count - cap} 项（可另开一份证书申报）后再申报或打印。")


def max_goods_rows() -> int:
    """The configured cap (系统设置); its default outside an application, e.g. in unit tests of the rules."""
    if not has_app_context():
        return DEFAULT_MAX_GOODS_ROWS
    from app.settings import get_setting  # when called: the package brings its views, which the rules never need

    return int(get_setting(SETTING))


def problem_for(count: int, adding: int = 0) -> str | None:
    """`goods_rows_problem` against the configured cap."""
    return goods_rows_problem(count, max_goods_rows(), adding)


def application_window_days() -> int:
    """How far back an application date may lie (系统设置); its default outside an application."""
    if not has_app_context():
        return DEFAULT_WINDOW_DAYS
    from app.settings import get_setting

    return int(get_setting(WINDOW_SETTING))
