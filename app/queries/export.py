"""证书查询 导出Excel: the conditions used, then exactly the columns of the results table, for every matching row.

Pure: the rows come from `service.all_of`, the labels from the caller; the workbook is `web.spreadsheets`'.
"""
from datetime import datetime

from app.certificates.changes import KIND_LABELS
from app.web.spreadsheets import Sheet

from .filters import Conditions

DEFAULT_MAX_ROWS = 10_000  # one file; more is refused with the count (app config QUERY_EXPORT_MAX_ROWS)
# The results table's columns (templates/queries/_results.html), in its order.
COLUMNS = ("证书号", "类型", "申请日期", "目的地", "发票号", "状态", "更新时间")
TITLE = "证书查询"


def too_many(total: int, cap: int) -> str:
    """What the clerk reads when the conditions match more certificates than one file takes."""
    return (f"符合条件的证书共 {total} 票，超过一次导出 {cap} 票的上限，未导出；"
            "请缩小条件（如申请日期、证书类型、状态）后分批导出。")


def condition_lines(c: Conditions, *, type_names: dict, status_labels: dict, destination: str) -> list[list[str]]:
    """The conditions the list was narrowed by, as the query form names them (label, value); a condition the
    query had to ignore says so. `destination`: the country as pages show it (`DE 德国`), or what was typed."""
    lines = []

    def add(label, value):
        if value:
            lines.append([label, value])

    add("证书号", c.cert_no)
    add("证书类型", type_names.get(c.cert_type, c.cert_type))
    add("状态", status_labels.get(c.status, c.status))
    add("申请日期 从", c.date_from.isoformat() if c.date_from else "")
    add("申请日期 至", c.date_to.isoformat() if c.date_to else "")
    if c.destination:
        error = c.errors.get("destination")
        add("目的地国家/地区", f"{c.destination}（{error}，未作为条件）" if error else destination)
    add("发票号", c.invoice)
    add("货物名称/HS", c.goods)
    add("创建人", f"\"{c.creator}\"（仅此用户名）" if c.creator_exact else c.creator)
    return lines or [["查询条件", "无（全部证书）"]]


def result_row(row, *, type_names: dict, countries: dict, updated: str) -> list:
    """One certificate as the results table shows it (number with its kind and 声明编号, names beside codes)."""
    number = row.cert_no + (f" {KIND_LABELS.get(row.kind, row.kind)}" if row.kind and row.kind != "new" else "")
    if row.declaration_no:
        number += f"\n声明编号 {row.declaration_no}"
    return [number, type_names.get(row.cert_type, row.cert_type),
            row.application_date.isoformat() if row.application_date else "",
            countries.get(row.destination_country, row.destination_country or ""), row.invoice_no or "",
            row.status.label, updated]


def sheet(conditions: list[list[str]], rows: list[list], *, enterprise: str, exported_at: datetime, total: int,
          cap: int, sort_label: str) -> Sheet:
    """The workbook's one sheet: who and when, the conditions, the count, a blank line, then the table."""
    before = [["导出", f"{enterprise} {exported_at:%Y-%m-%d %H:%M}"], *conditions, ["排序", sort_label]]
    before.append(["结果", too_many(total, cap) if total > cap else f"共 {total} 票"])
    before.append([])
    return Sheet(TITLE, list(COLUMNS), rows if total <= cap else [], before=before,
                 widths={0: 24, 3: 18, 4: 20, 6: 17})


def filename(exported_at: datetime) -> str:
    return f"{TITLE}_{exported_at:%Y%m%d-%H%M}.xlsx"
