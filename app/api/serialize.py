"""What the API answers: certificates, goods rows and receipts as JSON objects.

Field names are the ones the request bodies use (certificates/fieldspecs.py); a certificate carries the fields of
its type only. Decimals are strings (exact: `"20000"`, `"1250.5"`), dates `YYYY-MM-DD`, times UTC ISO 8601 with `Z`.
"""
from datetime import date, datetime
from decimal import Decimal

from flask import url_for

from app.certificates import services
from app.certificates.types import get_type

HEADER = ("co_reg_no", "org_code", "applicant_name_cn")


def plain(value):
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def goods_row(item, ctype) -> dict:
    return {"id": item.id, "item_no": item.position, "version": item.version,
            **{name: plain(getattr(item, name)) for name in ctype.goods_fields}}


def summary(cert) -> dict:
    """A certificate in a list: enough to find it and see where it stands."""
    ctype = get_type(cert.cert_type)
    return {
        "id": cert.id, "cert_no": cert.cert_no, "cert_type": cert.cert_type,
        "cert_type_name": ctype.name if ctype else cert.cert_type, "kind": cert.kind,
        "status": cert.status.value, "status_label": cert.status.label, "version": cert.version,
        "declaration_no": cert.declaration_no, "application_date": plain(cert.application_date),
        "destination_country": cert.destination_country, "invoice_no": cert.invoice_no,
        "created_at": plain(cert.created_at), "updated_at": plain(cert.updated_at),
        "url": url_for("api.v1.certificate", cert_id=cert.id),
    }


def certificate(cert) -> dict:
    """The whole certificate: its header, every field of its type, its goods, its dates and links."""
    ctype = get_type(cert.cert_type)
    data = summary(cert)
    data.update({name: getattr(cert, name) for name in HEADER})
    data.update({"original_cert_no": cert.original_cert_no, "reason": cert.reason,
                 "change_content": cert.change_content})
    data.update({name: plain(getattr(cert, name)) for name in ctype.basic_fields})
    data["goods"] = [goods_row(item, ctype) for item in cert.items]
    data.update({"declared_at": plain(cert.declared_at), "undertaking_at": plain(cert.undertaking_at),
                 "issued_at": plain(cert.issued_at), "issue_date": plain(cert.issue_date),
                 "issued_by": cert.issued_by})
    data["links"] = {
        "self": url_for("api.v1.certificate", cert_id=cert.id),
        "receipts": url_for("api.v1.receipts", cert_id=cert.id),
        "declare": url_for("api.v1.declare", cert_id=cert.id),
        "goods": url_for("api.v1.goods_add", cert_id=cert.id),
        "pdf": url_for("api.v1.pdf", cert_id=cert.id, kind="certificate", format="standard"),
    }
    return data


def receipt(row) -> dict:
    return {"seq": row.seq, "received_at": plain(row.receipt_time), "code": row.code, "text": row.text,
            "status": row.status, "status_label": row.status_label, "issue_date": plain(row.issue_date),
            "officer": row.officer}


def exchange(cert, receipts: list) -> dict:
    """The certificate's status, its message to the authority (待发送 / 已发送 / 发送失败) and its receipts."""
    message = services.pending_message(cert)
    return {
        "id": cert.id, "cert_no": cert.cert_no, "status": cert.status.value, "status_label": cert.status.label,
        "message": None if message is None else {
            "status": message.status, "status_label": message.status_label, "attempts": message.attempts,
            "created_at": plain(message.created_at), "sent_at": plain(message.sent_at)},
        "receipts": [receipt(row) for row in receipts],
    }
