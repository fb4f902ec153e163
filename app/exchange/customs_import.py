"""导出海关导入XML: a certificate as the customs CO data import interface takes it (GACC Announcement 2022 No. 1,
原产地证书数据及附件导入接口规范). Pure: a certificate snapshot (certificates.services.snapshot) in, XML bytes out.

What is known of that interface (docs/customs-import.md, with sources): one XML message per certificate, UTF-8,
with five sections — 表头, 表体, 更改证/重发证/更改重发证信息, 非缔约方公司信息, 发票信息 — and a root element whose
name begins with `Certificat`. Its field list was NOT available here, so no element name below is verified:
each row of MAPPING says so, and where it came from. To correct the mapping, edit the rows (element names,
`verified=True`, the source), then run `python -m app.exchange.customs_import` and paste its table into
docs/customs-import.md (tests/unit/test_customs_import.py holds the two to each other).

This is not our own exchange format (messages.py + schema/, validated by our XSD): that one stays as it is.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS

NOTICE = "海关总署公告2022年第1号（原产地证书数据及附件导入接口规范）"
OURS = "本系统暂定（公告附件字段表未取得）"
# A third-party service's JSON names for the same customs certificate (FTA 智证通, s.apifox.cn): not the customs
# spec, but a lead for whoever checks the element names against it.
HINT_SOURCE = "FTA 智证通 API（第三方，s.apifox.cn）"

ROOT = "Certificate"  # the sample's root element begins "<Certificat"; the rest of its name is not known
ROOT_VERIFIED = False
DATE_FORMAT = "%Y-%m-%d"  # unverified: the spec's date format is not known
TRUE, FALSE = "1", "0"  # unverified: how the spec writes yes/no


@dataclass(frozen=True)
class Section:
    element: str
    row: str | None  # the element of each row (表体: one per goods row), or None for a single block
    title: str  # the section as the notice's table 1 names it (verified)
    when: str  # always | change | third_party


SECTIONS: dict[str, Section] = {
    "head": Section("CertificateHead", None, "海关原产地证表头", "always"),
    "item": Section("CertificateList", "CertificateGoods", "海关原产地证表体", "always"),
    "change": Section("ChangeReissueInfo", None, "更改证、重发证、更改重发证信息", "change"),
    "non_party": Section("NonPartyCorp", None, "非缔约方公司信息", "third_party"),
    "invoice": Section("InvoiceInfo", None, "原产地证发票信息", "always"),
}


@dataclass(frozen=True)
class Mapped:
    section: str  # key of SECTIONS
    field: str  # our name: a snapshot key, or one of DERIVED
    element: str  # the element written
    kind: str = "text"  # text | date | bool | number | integer
    verified: bool = False
    source: str = OURS
    hint: str = ""  # the third-party name (HINT_SOURCE) that seems to be this field


def _hinted(section, field, element, hint, kind="text") -> Mapped:
    """A row whose field a third-party service names too (HINT_SOURCE): still unverified."""
    return Mapped(section, field, element, kind, hint=hint)


# ------------------------------------------------------------------ the mapping: correct it here
MAPPING: tuple[Mapped, ...] = (
    # 表头
    _hinted("head", "cert_no", "CertNo", "certNo"),
    _hinted("head", "cert_type", "CertType", "certType"),
    Mapped("head", "kind", "ApplyKind"),
    Mapped("head", "co_reg_no", "CoRegNo"),
    _hinted("head", "org_code", "OrgCode", "orgCode"),
    Mapped("head", "applicant_name_cn", "ApplicantNameCn"),
    Mapped("head", "declaration_no", "DeclarationNo"),
    _hinted("head", "exporter_name", "ExporterName", "exporter"),
    Mapped("head", "exporter_address", "ExporterAddress"),
    Mapped("head", "exporter_phone", "ExporterPhone"),
    Mapped("head", "exporter_fax", "ExporterFax"),
    Mapped("head", "exporter_email", "ExporterEmail"),
    Mapped("head", "producer_name", "ProducerName"),
    Mapped("head", "producer_address", "ProducerAddress"),
    Mapped("head", "producer_description", "ProducerDescription"),
    Mapped("head", "producer_confidential", "ProducerConfidential", "bool"),
    _hinted("head", "importer_name", "ConsigneeName", "consignee"),
    Mapped("head", "importer_address", "ConsigneeAddress"),
    Mapped("head", "importer_phone", "ConsigneePhone"),
    _hinted("head", "application_date", "ApplyDate", "aplDate", "date"),
    Mapped("head", "destination_country", "DestCountry"),
    Mapped("head", "issuing_authority", "IssueOrg"),
    Mapped("head", "collecting_authority", "CollectOrg"),
    Mapped("head", "trade_mode", "TradeMode"),
    Mapped("head", "port_of_loading", "LoadPort"),
    Mapped("head", "port_of_discharge", "DischargePort"),
    Mapped("head", "transport_mode", "TransportMode"),
    Mapped("head", "vessel_voyage", "VesselVoyage"),
    Mapped("head", "departure_date", "DepartureDate", "date"),
    Mapped("head", "transport_details", "TransportDetails"),
    _hinted("head", "marks", "Marks", "mark"),
    Mapped("head", "special_terms", "SpecialTerms"),
    Mapped("head", "remarks", "Remarks"),
    Mapped("head", "exhibition", "ExhibitionFlag", "bool"),
    Mapped("head", "exhibition_info", "ExhibitionInfo"),
    Mapped("head", "third_party_invoice", "ThirdPartyInvoiceFlag", "bool"),
    Mapped("head", "application_remarks", "ApplicationRemarks"),
    Mapped("head", "origin_country", "OriginCountry"),
    Mapped("head", "export_declaration_date", "ExportDeclarationDate", "date"),
    Mapped("head", "back_to_back", "BackToBackFlag", "bool"),
    Mapped("head", "btb_cert_no", "BackToBackCertNo"),
    Mapped("head", "btb_cert_date", "BackToBackCertDate", "date"),
    Mapped("head", "btb_party", "BackToBackParty"),
    Mapped("head", "btb_origin", "BackToBackOrigin"),
    Mapped("head", "de_minimis", "DeMinimisFlag", "bool"),
    Mapped("head", "undertaking_text", "UndertakingText"),
    Mapped("head", "undertaking_at", "UndertakingTime"),
    # 表体: one per goods row
    _hinted("item", "item_no", "GoodsNo", "sortNo", "integer"),
    _hinted("item", "hs_code", "HsCode", "hsCode"),
    Mapped("item", "importing_hs", "ImportingHsCode"),
    _hinted("item", "name_cn", "GoodsNameCn", "goodsName"),
    _hinted("item", "name_en", "GoodsNameEn", "goodsNameE"),
    _hinted("item", "quantity", "Quantity", "goodsQty", "number"),
    Mapped("item", "quantity_unit", "QuantityUnit"),
    Mapped("item", "package_count", "PackageCount", "integer"),
    Mapped("item", "package_unit", "PackageUnit"),
    Mapped("item", "gross_weight", "GrossWeight", "number"),
    Mapped("item", "net_weight", "NetWeight", "number"),
    Mapped("item", "weight_unit", "WeightUnit"),
    Mapped("item", "amount", "Amount", "number"),
    Mapped("item", "currency", "Currency"),
    _hinted("item", "origin_criterion", "OriginCriterion", "oriCriteria"),
    Mapped("item", "criterion_aux", "OriginCriterionAux"),
    Mapped("item", "criterion_extra", "OriginCriterionExtra"),
    Mapped("item", "origin_country", "OriginCountry"),
    Mapped("item", "description", "GoodsDescription"),
    Mapped("item", "non_goods", "NonGoodsFlag", "bool"),
    # 更改证、重发证、更改重发证信息: only on a change / reissue certificate
    Mapped("change", "kind", "ApplyKind"),
    Mapped("change", "original_cert_no", "OriginalCertNo"),
    Mapped("change", "reason", "Reason"),
    Mapped("change", "change_content", "ChangeContent"),
    # 非缔约方公司信息: only with a third-party invoice. The system keeps the company (name and country) in
    # 特殊条款 and the original invoice in 申请书备注, as the manual's guidance says; the spec likely has one element
    # per item of the company, which the system does not hold apart.
    Mapped("non_party", "special_terms", "NonPartyCorpInfo"),
    Mapped("non_party", "application_remarks", "OriginalInvoiceInfo"),
    # 发票信息
    _hinted("invoice", "invoice_no", "InvoiceNo", "invNo"),
    _hinted("invoice", "invoice_date", "InvoiceDate", "invDate", "date"),
    Mapped("invoice", "invoice_amount", "InvoiceAmount", "number"),
    Mapped("invoice", "invoice_currency", "InvoiceCurrency"),
)

# Fields the message takes from no column of its own (see `_values`), with their Chinese names.
DERIVED = {"invoice_amount": "发票金额（各项金额合计，仅一种币制时）", "invoice_currency": "发票币制（仅一种币制时）",
           "reason": "更改/重发原因", "change_content": "更改内容"}
OTHER_LABELS = {"cert_no": "证书号", "cert_type": "证书类型", "kind": "证书种类（新证/更改证/重发证/更改重发证）",
                "co_reg_no": "产地证备案号", "org_code": "组织机构代码", "applicant_name_cn": "公司中文名称",
                "declaration_no": "声明编号", "undertaking_text": "申请人承诺", "undertaking_at": "承诺时间（UTC）",
                "original_cert_no": "原证书号", "item_no": "项号"}
# What the system holds that the message leaves out, and why (tests/unit/test_customs_import.py fails on a
# basic-info or goods field that is neither mapped nor listed here).
NOT_MAPPED = {"japan_materials": "日本进料信息：公告所列五部分中没有（日本 2019 年起不再给予中国普惠制），只在本系统自己的申报报文中"}


def label(row: Mapped) -> str:
    specs = GOODS_FIELDS if row.section == "item" else BASIC_FIELDS
    return DERIVED.get(row.field) or OTHER_LABELS.get(row.field) or specs[row.field].label


def counts() -> tuple[int, int]:
    """(verified, unverified) rows of MAPPING."""
    verified = sum(row.verified for row in MAPPING)
    return verified, len(MAPPING) - verified


# ------------------------------------------------------------------ building
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def _text(value, kind: str) -> str:
    if kind == "bool":
        return TRUE if value else FALSE
    if value is None or value == "":
        return ""
    if kind == "date":
        return date.fromisoformat(str(value)[:10]).strftime(DATE_FORMAT)
    if kind in ("number", "integer"):
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except InvalidOperation:
            return str(value)
    return _ILLEGAL.sub("", str(value))


def _values(snapshot: dict) -> dict:
    """The snapshot flattened for the mapping: the change section's fields and the invoice totals added."""
    values = dict(snapshot)
    change = snapshot.get("change") or {}
    values["reason"], values["change_content"] = change.get("reason"), change.get("content")
    totals: dict[str, Decimal] = {}
    for item in snapshot.get("items") or ():
        if item.get("amount") not in (None, "") and item.get("currency"):
            totals[item["currency"]] = totals.get(item["currency"], Decimal(0)) + Decimal(str(item["amount"]))
    if len(totals) == 1:
        (values["invoice_currency"], values["invoice_amount"]), = totals.items()
    return values


def present(section: str, values: dict) -> bool:
    """Whether the certificate has this section at all (change info, a non-party company)."""
    when = SECTIONS[section].when
    return (when == "always" or (when == "change" and values.get("kind") not in (None, "", "new", "normal"))
            or (when == "third_party" and bool(values.get("third_party_invoice"))))


def _fill(parent, section: str, values: dict) -> None:
    """Every mapped element of the section, in table order; an empty value gives an empty element."""
    for row in MAPPING:
        if row.section == section:
            etree.SubElement(parent, row.element).text = _text(values.get(row.field), row.kind)


def build(snapshot: dict) -> bytes:
    """The import message of one certificate, UTF-8 with an XML declaration."""
    values = _values(snapshot)
    root = etree.Element(ROOT)
    root.append(etree.Comment(f" {NOTICE}：元素名未经核实，对照规范修改 app/exchange/customs_import.py，"
                              "见 docs/customs-import.md "))
    for key, section in SECTIONS.items():
        if not present(key, values):
            continue
        block = etree.SubElement(root, section.element)
        if section.row is None:
            _fill(block, key, values)
        else:
            for item in values.get("items") or ():
                _fill(etree.SubElement(block, section.row), key, item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ------------------------------------------------------------------ the table in docs/customs-import.md
TABLE_START, TABLE_END = "<!-- mapping: start -->", "<!-- mapping: end -->"


def markdown_table() -> str:
    """MAPPING as the Markdown table of docs/customs-import.md (between its two markers)."""
    lines = ["| 部分 | 本系统字段 | 中文名称 | 元素名 | 已核实 | 来源 | 线索（第三方名称） |",
             "|---|---|---|---|---|---|---|"]
    for row in MAPPING:
        section = SECTIONS[row.section]
        hint = f"`{row.hint}`" if row.hint else ""
        lines.append(f"| {section.title} | `{row.field}` | {label(row)} | `{row.element}` | "
                     f"{'是' if row.verified else '否'} | {row.source} | {hint} |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m app.exchange.customs_import: the table to paste into the doc
    print(TABLE_START)
    print(markdown_table())
    print(TABLE_END)
