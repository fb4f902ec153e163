"""The XML messages exchanged with the issuing authority (docs/exchange.md). Pure: lxml, no Flask, no database.

A declaration (申报报文) carries one certificate snapshot (certificates.services.snapshot) in the five
sections of the customs CO data import interface: Head, Goods, ChangeReissue, ThirdParty (非当事方) and
Invoice, plus JapanMaterials for GSP to Japan. A receipt batch (回执) carries the authority's answers.
Every message is checked against its XSD (schema/) when built and when parsed.
"""
import threading
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable

from lxml import etree

from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS
from app.exchange.receipt_status import ReceiptStatus

NS = "urn:co-declaration:exchange:1"
VERSION = "1"
SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMAS = {"declaration": "declaration.xsd", "receipt": "receipt.xsd"}

# Where the fields go. Everything of fieldspecs lands in a section by rule, so a new field needs only its
# element in the XSD (tests/unit/test_exchange_messages.py fails until it is there).
IDENTITY = ("cert_no", "cert_type", "kind", "original_cert_no", "co_reg_no", "org_code", "applicant_name_cn")
INVOICE = ("invoice_no", "invoice_date")
THIRD_PARTY_FLAG = "third_party_invoice"  # the ThirdParty section is present exactly when this is true
KIND_ALIASES = {None: "normal", "new": "normal"}


# Section → {field name: kind}, in element order. The single table both the builder and parser walk.
LAYOUT: dict[str, dict[str, str]] = {
    "Head": dict.fromkeys(IDENTITY, "text") | {
        name: spec.kind for name, spec in BASIC_FIELDS.items() if name not in INVOICE and name != THIRD_PARTY_FLAG}
    | {"declaration_no": "text", "undertaking_text": "text", "undertaking_at": "text"},
    "Item": {name: spec.kind for name, spec in GOODS_FIELDS.items()},
    "Invoice": {name: BASIC_FIELDS[name].kind for name in INVOICE},
    "Material": {name: spec.kind for name, spec in MATERIAL_FIELDS.items()},
}
ROW_NO = {"item_no": "integer"}  # goods rows and materials: the no="…" attribute
CHANGE = {"reason": "text", "content": "text"}  # the ChangeReissue section (original_cert_no is in Head)
# A receipt's fields; "raw" strings keep "" (an empty element) apart from None (no element).
RECEIPT: dict[str, str] = {
    "receipt_id": "integer", "message_id": "raw", "cert_no": "raw", "seq": "integer", "time": "instant",
    "code": "raw", "text": "raw", "status": "raw", "issue_date": "raw", "officer": "raw",
}
STATUSES = tuple(s.value for s in ReceiptStatus)


class MessageError(ValueError):
    """Raised for XML that is not well-formed or not valid against the XSD; str(e) says why in plain words
    (Chinese message + the lxml detail)."""


def tag(name: str) -> str:
    """The element name of a field: UpperCamelCase (exporter_name → ExporterName)."""
    return "".join(part.capitalize() for part in name.split("_"))


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


# ---------------------------------------------------------------- normalised values
def normal_decimal(value) -> str:
    """A number as its shortest exact string: "1200.000" → "1200", "12.50" → "12.5"."""
    return format(Decimal(str(value).strip()).normalize(), "f")


def _plain(value, kind: str):
    """A snapshot value in the form a round trip gives back (None for empty, False for an unset bool)."""
    if kind == "bool":
        return bool(value)
    if value is None or value == "":
        return None
    return {"number": normal_decimal, "integer": int}.get(kind, str)(value)  # str(date) is ISO


def _plain_row(row: dict, kinds: dict[str, str]) -> dict:
    plain = {}
    for name, kind in kinds.items():
        try:
            plain[name] = _plain(row.get(name), kind)
        except (ValueError, TypeError, InvalidOperation) as e:
            raise MessageError(f"字段 {name} 的值无效：{row.get(name)!r}") from e
    return plain


def normalise_snapshot(snapshot: dict) -> dict:
    """The snapshot as parse_declaration returns it: only the keys the message carries, every basic field
    present, numbers normalised, dates ISO strings, bools bool, "" → None, kind None/"new" → "normal"."""
    data = _plain_row(snapshot, LAYOUT["Head"] | LAYOUT["Invoice"] | {THIRD_PARTY_FLAG: "bool"})
    data["kind"] = KIND_ALIASES.get(data["kind"], data["kind"])
    data["items"] = [_plain_row(row, ROW_NO | LAYOUT["Item"]) for row in snapshot.get("items") or ()]
    if snapshot.get("japan_materials") is not None:
        data["japan_materials"] = [_plain_row(row, ROW_NO | LAYOUT["Material"]) for row in snapshot["japan_materials"]]
    if snapshot.get("change") is not None:
        data["change"] = _plain_row(snapshot["change"], CHANGE)
    return data


# ---------------------------------------------------------------- lexical forms
def _instant(value: datetime) -> str:
    """An aware datetime as xs:dateTime in UTC ("…Z")."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise MessageError(f"时间必须是带时区的 datetime：{value!r}")
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _parse_instant(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip()).astimezone(timezone.utc)
    except ValueError as e:
        raise MessageError(f"时间格式无效：{text!r}（{e}）") from e


def _lexical(value, kind: str) -> str:
    return {"bool": lambda v: "true" if v else "false", "instant": _instant}.get(kind, str)(value)


def _value(text: str | None, kind: str):
    """The Python value of an element's text: None when the element is absent or empty ("" for "raw")."""
    if kind == "bool":
        return (text or "").strip() in ("true", "1")
    if text is None or (text == "" and kind != "raw"):
        return None
    return {"number": normal_decimal, "integer": int, "instant": _parse_instant, "date": str.strip}.get(
        kind, str)(text)


# ---------------------------------------------------------------- building
def _el(parent, name: str, text: str | None = None, **attrib: str):
    element = etree.Element(_q(name), attrib, nsmap={None: NS}) if parent is None else \
        etree.SubElement(parent, _q(name), attrib)
    element.text = text
    return element


def _fill(parent, row: dict, kinds: dict[str, str]) -> None:
    """One element per field with a value, in table order (None and false bools are left out)."""
    for name, kind in kinds.items():
        value = row.get(name)
        if value is not None and not (kind == "bool" and not value):
            _el(parent, tag(name), _lexical(value, kind))


def _invoice(root, data: dict) -> None:
    invoice = _el(root, "Invoice")
    _fill(invoice, data, LAYOUT["Invoice"])
    _el(invoice, "ItemCount", str(len(data["items"])))
    totals: dict[str, Decimal] = {}
    for item in data["items"]:
        if item["amount"] is not None and item["currency"]:
            totals[item["currency"]] = totals.get(item["currency"], Decimal(0)) + Decimal(item["amount"])
    for currency, total in sorted(totals.items()):
        _el(invoice, "TotalAmount", normal_decimal(total), currency=currency)


def _declaration_tree(data: dict, message_id: str, sent_at: datetime):
    root = _el(None, "Declaration", messageId=message_id, sentAt=_instant(sent_at), version=VERSION)
    _fill(_el(root, "Head"), data, LAYOUT["Head"])
    goods = _el(root, "Goods")
    for item in data["items"]:
        _fill(_el(goods, "Item", no=str(item["item_no"])), item, LAYOUT["Item"])
    if "change" in data:
        change = _el(root, "ChangeReissue")
        _fill(change, {**data["change"], "original_cert_no": data["original_cert_no"]},
              {"original_cert_no": "text"} | CHANGE)
    if data[THIRD_PARTY_FLAG]:
        third = _el(root, "ThirdParty")
        _el(third, tag(THIRD_PARTY_FLAG), "true")
        _fill(third, {"original_invoice": data["application_remarks"], "third_party_company": data["special_terms"]},
              {"original_invoice": "text", "third_party_company": "text"})
    _invoice(root, data)
    if "japan_materials" in data:
        materials = _el(root, "JapanMaterials")
        for row in data["japan_materials"]:
            _fill(_el(materials, "Material", no=str(row["item_no"])), row, LAYOUT["Material"])
    return root


def _receipts_tree(receipts: list[dict]):
    root = _el(None, "Receipts", version=VERSION)
    for receipt in receipts:
        _fill(_el(root, "Receipt"), receipt, RECEIPT)
    return root


def _finish(kind: str, make_tree: Callable[[], etree._Element], failure: str) -> bytes:
    """The tree `make_tree` builds, serialised and validated; any problem is a MessageError led by `failure`."""
    try:
        xml = etree.tostring(make_tree(), xml_declaration=True, encoding="UTF-8", pretty_print=True)
        validate(kind, xml)
        return xml
    except MessageError as e:
        raise MessageError(f"{failure}：{e}") from e
    except (ValueError, TypeError) as e:  # lxml refuses control characters, None attributes and the like
        raise MessageError(f"{failure}：数据不能写成 XML（{e}）") from e


def build_declaration(snapshot: dict, *, message_id: str, sent_at: datetime) -> bytes:
    """The 申报报文 of a certificate snapshot, UTF-8, valid against declaration.xsd (else MessageError).
    message_id is the idempotency key; sent_at must be timezone-aware."""
    failure = f"证书 {snapshot.get('cert_no')} 不能生成有效的申报报文"
    try:
        data = normalise_snapshot(snapshot)
    except MessageError as e:
        raise MessageError(f"{failure}：{e}") from e
    return _finish("declaration", lambda: _declaration_tree(data, message_id, sent_at), failure)


def build_receipts(receipts: list[dict]) -> bytes:
    """One <Receipts> document holding the receipts in the given order, valid against receipt.xsd."""
    return _finish("receipt", lambda: _receipts_tree(receipts), "不能生成有效的回执报文")


# ---------------------------------------------------------------- validating and parsing
_local = threading.local()  # lxml schemas keep their error log on the object: one per thread


def _schema(kind: str) -> etree.XMLSchema:
    cache = _local.__dict__.setdefault("schemas", {})
    if kind not in cache:
        cache[kind] = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / SCHEMAS[kind])))
    return cache[kind]


def _validated(kind: str, xml: bytes):
    """The root element of `xml`, well-formed, without DOCTYPE and valid against the schema of `kind`."""
    if kind not in SCHEMAS:
        raise MessageError(f"未知的报文种类：{kind!r}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        xml.decode("utf-8")
    except (UnicodeDecodeError, AttributeError) as e:
        raise MessageError("报文必须使用 UTF-8 编码") from e
    try:
        root = etree.fromstring(xml, parser)
    except (etree.XMLSyntaxError, ValueError, TypeError) as e:
        raise MessageError(f"报文不是格式正确的 XML：{e}") from e
    if root.getroottree().docinfo.doctype:
        raise MessageError("报文不能含有 DOCTYPE 声明")
    declared = (root.getroottree().docinfo.encoding or "UTF-8").upper().replace("_", "-")
    if declared not in ("UTF-8", "UTF8"):
        raise MessageError(f"报文必须使用 UTF-8 编码（声明的编码为 {declared}）")
    schema = _schema(kind)
    if not schema.validate(root):
        errors = list(schema.error_log)[:3]
        detail = "; ".join(f"第 {err.line} 行：{err.message}".replace(_q(""), "") for err in errors)
        raise MessageError(f"报文不符合 {SCHEMAS[kind]}：{detail}")
    return root


def validate(kind: str, xml: bytes) -> None:
    """Raise MessageError unless `xml` is a well-formed, valid message of `kind` ("declaration" | "receipt")."""
    _validated(kind, xml)


def _read(parent, kinds: dict[str, str]) -> dict:
    return {name: _value(parent.findtext(_q(tag(name))), kind) for name, kind in kinds.items()}


def parse_declaration(xml: bytes) -> dict:
    """{"message_id", "sent_at" (aware, UTC), "certificate"}: the certificate equals
    normalise_snapshot() of the snapshot that was built. Head is authoritative for the fields that
    ChangeReissue and ThirdParty repeat."""
    root = _validated("declaration", xml)
    cert = _read(root.find(_q("Head")), LAYOUT["Head"]) | _read(root.find(_q("Invoice")), LAYOUT["Invoice"])
    cert[THIRD_PARTY_FLAG] = root.find(_q("ThirdParty")) is not None
    cert["items"] = [{"item_no": int(el.get("no")), **_read(el, LAYOUT["Item"])}
                     for el in root.iterfind(f"{_q('Goods')}/{_q('Item')}")]
    change = root.find(_q("ChangeReissue"))
    if change is not None:
        cert["change"] = _read(change, CHANGE)
    materials = root.find(_q("JapanMaterials"))
    if materials is not None:
        cert["japan_materials"] = [{"item_no": int(el.get("no")), **_read(el, LAYOUT["Material"])}
                                   for el in materials.iterfind(_q("Material"))]
    return {"message_id": root.get("messageId"), "sent_at": _parse_instant(root.get("sentAt")),
            "certificate": cert}


def parse_receipts(xml: bytes) -> list[dict]:
    """The receipts of a <Receipts> document, in document order (times aware, UTC)."""
    root = _validated("receipt", xml)
    return [_read(element, RECEIPT) for element in root.iterfind(_q("Receipt"))]
