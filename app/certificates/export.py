"""A certificate with its goods as an Excel workbook (导出Excel on the certificate and in 证书查询's detail).

Sheets: 基本信息 (label → value: the header from 资质备案, then the type's basic-info fields in page order, code
fields as `DE 德国`), 货物信息 (one row per goods row, the type's goods columns, numbers as numbers) and
日本进料信息 when the certificate has such rows. Labels are the field specs' (fieldspecs.py), the fields the
type's (types.py), so a new type or field needs nothing here.
"""
from app.web.spreadsheets import Sheet

from .changes import KIND_LABELS, REASON_LABELS
from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS
from .types import GENERAL_GOODS, CertType

BASIC_SHEET, GOODS_SHEET, MATERIALS_SHEET = "基本信息", "货物信息", "日本进料信息"


def _value(spec, value):
    """A field's value as the read-only page shows it; numbers stay numbers."""
    from . import code_label  # the package's own helper (defined after it imports its views)

    if spec.kind == "bool":
        return "是" if value else "否"
    if spec.kind == "date":
        return value.isoformat() if value else ""
    if spec.kind == "lookup":
        return code_label(spec, value)
    return "" if value is None else value


def header_lines(cert, ctype: CertType | None) -> list[list]:
    """证书号 and what identifies the certificate, before its basic information."""
    declaration = bool(ctype and ctype.is_declaration)
    lines = [["申报编号" if declaration else "证书号", cert.cert_no],
             ["证书类型", ctype.name if ctype else cert.cert_type],
             ["证书种类", KIND_LABELS.get(cert.kind, cert.kind)], ["状态", cert.status.label]]
    if declaration:
        lines.append(["声明编号", cert.declaration_no or ""])
    if cert.original_cert_no:
        lines.append(["原证书号", cert.original_cert_no])
    if cert.reason:
        lines.append([REASON_LABELS.get(cert.kind, "原因"), cert.reason])
    if cert.change_content:
        lines.append(["更改内容", cert.change_content])
    return lines + [["产地证备案号", cert.co_reg_no], ["组织机构代码", cert.org_code],
                    ["公司中文名称", cert.applicant_name_cn]]


def basic_sheet(cert, ctype: CertType | None) -> Sheet:
    fields = ctype.basic_fields if ctype else tuple(BASIC_FIELDS)
    rows = header_lines(cert, ctype) + [[BASIC_FIELDS[name].label, _value(BASIC_FIELDS[name], getattr(cert, name))]
                                        for name in fields]
    return Sheet(BASIC_SHEET, ["栏目", "内容"], rows, widths={0: 26, 1: 70})


def _rows_sheet(title: str, specs: dict, fields, rows) -> Sheet:
    """One row per goods (or materials) row: 项号, then the fields; code fields keep their codes (PCS, USD)."""
    body = [[row.position] + [_row_value(specs[name], getattr(row, name)) for name in fields] for row in rows]
    return Sheet(title, ["项号"] + [specs[name].label for name in fields], body)


def _row_value(spec, value):
    if spec.kind == "bool":
        return "是" if value else "否"
    return "" if value is None else value


def sheets(cert, ctype: CertType | None) -> list[Sheet]:
    """The workbook of one certificate; 日本进料信息 only when the type has it and the certificate holds rows."""
    goods_fields = ctype.goods_fields if ctype else GENERAL_GOODS
    result = [basic_sheet(cert, ctype), _rows_sheet(GOODS_SHEET, GOODS_FIELDS, goods_fields, cert.items)]
    if ctype and ctype.japan_materials and cert.materials:
        result.append(_rows_sheet(MATERIALS_SHEET, MATERIAL_FIELDS, tuple(MATERIAL_FIELDS), cert.materials))
    return result


def filename(cert, ctype: CertType | None) -> str:
    return f"{ctype.name if ctype else '原产地证书'}_{cert.cert_no}.xlsx"
