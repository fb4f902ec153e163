"""What the 申请书 (application form) says. Pure: names come through `zh(table, code)` (the Chinese name of a code).

It follows the paper 原产地证明书申请书: the applicant and its numbers, 申请人郑重声明, a grid of the shipment's
particulars (商品名称, H.S.编码, 商品FOB总值, 发票号, 最终目的地国家/地区, 拟出运日期, 贸易方式, 包装数量或毛重,
证书种类, 签证机构 …), the goods, the applicant undertaking (申请人承诺, GACC Decree 270) with the time it was
confirmed, the list of what is submitted, and the stamp and signature block. 签证机构 prints as the authority's
Chinese name from the code table (上海海关), never as the English place on the certificate.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from app.certificates.describe import AVAILABLE_UPON_REQUEST, decimal_text

Zh = Callable[[str, str | None], str]
KIND_LABELS = {"new": "新证", "change": "更改证", "reissue": "重发证", "change_reissue": "更改重发证"}
STATEMENT = ("本人是被正式授权代表出口单位办理和签署本申请书的。\n"
             "本申请书及{form}所列内容正确无误，如发现弄虚作假，冒充证书所列货物，擅改证书，自愿接受签证机构的处罚并承担"
             "法律责任。现将有关情况申报如下：")


@dataclass
class Application:
    title: str
    header: list[tuple[str, str]]  # (label, value) above the declaration
    statement: str
    grid: list[list[tuple[str, str, int]]]  # rows of (label, value, value colspan: 1 or 3)
    goods_criteria: bool  # the goods list has an origin criterion column
    undertaking: str
    undertaking_title: str
    submitted: str
    signature: list[tuple[str, str]] = field(default_factory=list)


def totals(items) -> str:
    """商品FOB总值 per currency: "USD 10000"; "USD 500；EUR 80"."""
    sums = defaultdict(lambda: 0)
    for item in items:
        if item.amount is not None and not item.non_goods:
            sums[item.currency or ""] += item.amount
    return "；".join(f"{currency} {decimal_text(total)}".strip() for currency, total in sorted(sums.items()))


def packages(items, zh: Zh) -> str:
    """包装数量或毛重: package count per unit, then the gross weight per unit: "2000 纸箱；毛重 1200 千克"."""
    counts, weights = defaultdict(lambda: 0), defaultdict(lambda: 0)
    for item in items:
        if item.non_goods:
            continue
        if item.package_count:
            counts[item.package_unit or ""] += item.package_count
        if item.gross_weight is not None:
            weights[item.weight_unit or ""] += item.gross_weight
    parts = [f"{count} {zh('package_unit', unit) or unit}".strip() for unit, count in sorted(counts.items())]
    parts += [f"毛重 {decimal_text(w)} {zh('weight_unit', unit) or unit}".strip() for unit, w in sorted(weights.items())]
    return "；".join(parts)


def goods_names(items) -> str:
    """商品名称 of the first goods (the list below has them all): "牙刷 等 3 项"."""
    names = [item.name_cn or item.name_en or "" for item in items if not item.non_goods]
    if not names:
        return ""
    return names[0] + (f" 等 {len(names)} 项" if len(names) > 1 else "")


def hs_codes(items) -> str:
    codes = []
    for item in items:
        if item.hs_code and not item.non_goods and item.hs_code not in codes:
            codes.append(item.hs_code)
    return "、".join(codes[:6]) + ("…" if len(codes) > 6 else "")


def _date(value) -> str:
    return value.isoformat() if value else ""


def build(cert, ctype, zh: Zh, undertaking_at: str, approval_no: str = "") -> Application:
    """The 申请书 of `cert` (更改/重发申请书 for change and reissue certificates)."""
    kind = KIND_LABELS.get(cert.kind, cert.kind)
    title = ctype.name + ("申报单" if ctype.is_declaration else "申请书" if cert.kind == "new" else f"{kind}申请书")
    form = ctype.name if not ctype.is_declaration else "原产地声明"
    header = [("申请单位（盖章）", cert.applicant_name_cn or ""), ("产地证备案号", cert.co_reg_no or ""),
              ("组织机构代码", cert.org_code or ""), ("证书号", cert.cert_no)]
    producer = ""
    if "producer_name" in ctype.basic_fields:
        producer = AVAILABLE_UPON_REQUEST if getattr(cert, "producer_confidential", False) else \
            "\n".join(p for p in (cert.producer_name, cert.producer_address) if p) or "同出口商"
    grid = [[("出口商", "\n".join(p for p in (cert.exporter_name, cert.exporter_address) if p), 3)]]
    if producer:
        grid.append([("生产单位", producer, 3)])
    grid += [
        [("收货人", "\n".join(p for p in (cert.importer_name, cert.importer_address) if p), 3)],
        [("商品名称", goods_names(cert.items), 1), ("H.S.编码", hs_codes(cert.items), 1)],
        [("商品FOB总值", totals(cert.items), 1), ("发票号及日期", " ".join(p for p in (cert.invoice_no or "",
                                                                      _date(cert.invoice_date)) if p), 1)],
    ]
    if not ctype.is_declaration:
        grid.append([("最终目的地国家/地区", zh("country", cert.destination_country), 1),
                     ("拟出运日期", _date(cert.departure_date), 1)])
    if not ctype.is_declaration:
        grid += [
            [("启运港", zh("port", cert.port_of_loading), 1), ("卸货港", zh("port", cert.port_of_discharge), 1)],
            [("运输方式及路线", " ".join(p for p in (zh("transport_mode", cert.transport_mode),
                                             cert.transport_details or "") if p), 3)],
            [("贸易方式", zh("trade_mode", cert.trade_mode), 1), ("证书种类", kind, 1)],
            [("签证机构", zh("authority", cert.issuing_authority), 1),
             ("领证机构", zh("authority", cert.collecting_authority), 1)],
            [("包装数量或毛重", packages(cert.items, zh), 3)],
        ]
    else:
        grid += [[("最终目的地国家/地区", zh("country", cert.destination_country), 1),
                  ("声明日期", _date(cert.application_date), 1)],
                 [("声明编号", cert.declaration_no or "", 1), ("核准出口商编号", approval_no, 1)]]
    if "back_to_back" in ctype.basic_fields and getattr(cert, "back_to_back", False):
        grid.append([("背对背原产地证书", f"原始证书 {cert.btb_cert_no or ''} {_date(cert.btb_cert_date)}，签发方 "
                     f"{zh('country', cert.btb_party)}" + (f"，原产国 {zh('country', cert.btb_origin)}"
                                                        if getattr(cert, "btb_origin", None) else ""), 3)])
    if cert.kind != "new":
        grid.append([("原证书号", cert.original_cert_no or "", 1), ("更改/重发原因", cert.reason or "", 1)])
        if cert.change_content:
            grid.append([("更改内容", cert.change_content, 3)])
    if getattr(cert, "application_remarks", None):
        grid.append([("申请书备注", cert.application_remarks, 3)])
    undertaking = (cert.undertaking_text or "").strip() or "（申报时由申请人确认申请人承诺。）"
    confirmed = f"（{undertaking_at} 确认）" if undertaking_at and cert.undertaking_text else "（尚未申报）"
    submitted = f"现提交中国出口货物商业发票副本一份、{form}及其他附件，请予审核签证。" if not ctype.is_declaration \
        else "现将原产地声明及所附商业发票报备如下，请予备案。"
    signature = [("申领人（签名）", ""), ("电话", cert.exporter_phone or ""), ("日期", _date(cert.application_date))]
    return Application(title, header, STATEMENT.format(form=form), grid, ctype.has_criteria, undertaking,
                       "申请人承诺" + confirmed, submitted, signature)
