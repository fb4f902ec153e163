"""Certificate operations: take domain objects and form data, flush, never commit (the view commits once)."""
import uuid
from datetime import date, timezone

import sqlalchemy as sa
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.exceptions import Conflict, FieldError
from app.exchange import messages
from app.exchange.models import OutboxMessage
from app.extensions import db
from app.refdata import search
from app.refdata.hs import check_hs_code, tariff_units
from app.timeutil import utcnow

from . import agreement_data, agreements, numbering, rules, states
from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS
from .initial_values import initial_values_for
from .models import Certificate, CertificateItem, JapanMaterial, NumberCounter
from .states import Status
from .types import CertType, get_type

NOT_EDITABLE = "该证书当前状态为“{}”，不能修改；只有暂存或退证的证书可以修改。"


# ---------------------------------------------------------------- numbers
def _next_counter(enterprise_id: int, cert_type: str, year: int, prefix: str) -> int:
    key = (NumberCounter.enterprise_id == enterprise_id, NumberCounter.cert_type == cert_type,
           NumberCounter.year == year, NumberCounter.prefix == prefix)
    bump = (sa.update(NumberCounter).where(*key).values(last_value=NumberCounter.last_value + 1)
            .returning(NumberCounter.last_value))
    value = db.session.execute(bump).scalar()
    if value is None:
        # First number of this key: create the counter; a concurrent creator makes ours a no-op.
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(insert(NumberCounter).values(
            enterprise_id=enterprise_id, cert_type=cert_type, year=year, prefix=prefix, last_value=0)
            .on_conflict_do_nothing())
        value = db.session.execute(bump).scalar()
    return value


def allocate_number(enterprise_id: int, cert_type: str, co_reg_no: str, prefix: str, today: date) -> str:
    """The next free certificate number, counted in this transaction (the counter row is locked until commit).

    :raises Conflict: this prefix has no serial left this year.
    """
    prefix = (prefix or "").upper()
    while True:
        counter = _next_counter(enterprise_id, cert_type, today.year, prefix)
        try:
            number = numbering.cert_no(agreement_data.number_prefix(get_type(cert_type)), today.year, co_reg_no,
                                       prefix, counter)
        except numbering.SerialExhausted:
            raise Conflict(f"证书号前缀“{prefix}”本年度的流水号已用完，请在初始值设置中更换前缀")
        # A number typed by hand may already hold this serial: skip it.
        if db.session.scalar(sa.select(Certificate.id).where(Certificate.cert_no == number)) is None:
            return number


# ---------------------------------------------------------------- basic information
def defaults(enterprise, ctype: CertType, today: date) -> dict:
    """What a new certificate's form starts with: 初始值设置, today's date, the agreement's destination."""
    values = {k: v for k, v in initial_values_for(enterprise.id).items() if k in BASIC_FIELDS}
    filed = enterprise.qualification
    if ctype.language == "en" and filed is not None:  # as filed on 我的资质, which 申报 compares with
        for name, attr in (("exporter_name", "name_en"), ("exporter_address", "address_en")):
            if not values.get(name) and getattr(filed, attr, None):
                values[name] = getattr(filed, attr)
    values["application_date"] = today
    if ctype.fixed_destination:
        values["destination_country"] = ctype.fixed_destination
    return values


def goods_defaults(enterprise_id: int) -> dict:
    """Units and currency a new goods row starts with (初始值设置)."""
    values = initial_values_for(enterprise_id)  # one query
    found = {k: values[k] for k in ("quantity_unit", "package_unit", "weight_unit", "currency") if k in values}
    return {**found, "origin_country": "CN"}  # RCEP box 11: China unless Article 3.4 says otherwise


def header(enterprise) -> dict:
    """The grey header fields, from 资质备案."""
    q = enterprise.qualification
    return {"co_reg_no": q.co_reg_no, "org_code": q.org_code, "applicant_name_cn": q.name_cn}


def _assign_basic(cert: Certificate, ctype: CertType, data: dict) -> None:
    for name in ctype.basic_fields:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        if BASIC_FIELDS[name].kind == "bool":
            value = bool(value)
        setattr(cert, name, value)
    if ctype.fixed_destination:
        cert.destination_country = ctype.fixed_destination


def create(enterprise, ctype: CertType, data: dict, actor, today: date) -> Certificate:
    """First 暂存: the certificate with a new number allocated in the same transaction."""
    from .initial_values import get_or_new

    prefix = get_or_new(enterprise.id).serial_prefix or ""
    cert = Certificate(enterprise_id=enterprise.id, cert_type=ctype.code, status=Status.DRAFT,
                       created_by_id=actor.id, **header(enterprise))
    cert.cert_no = allocate_number(enterprise.id, ctype.code, cert.co_reg_no, prefix, today)
    _assign_basic(cert, ctype, data)
    db.session.add(cert)
    db.session.flush()
    return cert


def save_basic(cert: Certificate, data: dict) -> None:
    """暂存 of an existing certificate, including an edited certificate number.

    :raises Conflict: the certificate is not editable.
    :raises FieldError: the edited number belongs to another certificate.
    """
    require_editable(cert)
    new_no = numbering.normalise(data.get("cert_no") or "")
    if new_no and new_no != cert.cert_no:
        problem = numbering.check_edited(new_no, cert.cert_no)
        if problem:
            raise FieldError("cert_no", problem)
        taken = db.session.scalar(sa.select(Certificate.id).where(Certificate.cert_no == new_no))
        if taken:
            raise FieldError("cert_no", f"证书号 {new_no} 已被使用，请换一个")
        cert.cert_no = new_no
    _assign_basic(cert, get_type(cert.cert_type), data)
    _edited(cert)
    db.session.flush()


def lock(cert: Certificate) -> None:
    """Hold the certificate's row until this transaction ends and read it afresh, goods included.

    A goods edit and 申报 of the same certificate then take turns, and the second sees what the first did
    (its status, its rows). SQLite needs nothing here: every POST already began with the write lock.
    """
    if db.session.get_bind().dialect.name != "postgresql" or cert.id is None:
        return
    db.session.execute(sa.select(Certificate).where(Certificate.id == cert.id).with_for_update(of=Certificate)
                       .options(lazyload("*")).execution_options(populate_existing=True))
    db.session.expire(cert, ["items", "materials"])


def require_editable(cert: Certificate, reissue_ok: bool = False) -> None:
    """The certificate may change: 暂存 / 退证, and for a 重发证 only its reason (`reissue_ok`).

    Takes the certificate's row lock first (see lock()), so the answer holds until the transaction ends.
    """
    lock(cert)
    if not states.can_edit(cert.status):
        raise Conflict(NOT_EDITABLE.format(cert.status.label))
    if cert.kind == "reissue" and not reissue_ok:
        raise Conflict("重发证的基本信息和货物信息沿用原证书，不能修改；只需填写重发原因。")


def _edited(cert: Certificate) -> None:
    """Any change makes a returned certificate a draft again (DESIGN.md: RETURNED —edit + save→ DRAFT)."""
    cert.status = states.next_status(cert.status, "edit")
    cert.updated_at = utcnow()


# ---------------------------------------------------------------- goods rows
def _assign_item(item: CertificateItem, ctype: CertType, data: dict) -> None:
    non_goods = bool(data.get("non_goods"))
    for name in ctype.goods_fields:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        if GOODS_FIELDS[name].kind == "bool":
            value = bool(value)
        # A non-goods row keeps only its description: everything else is ignored.
        if non_goods and name not in ("description", "non_goods"):
            value = None
        if name == "hs_code" and value:
            value = check_hs_code(value)[0] or value
        setattr(item, name, value)
    item.non_goods = non_goods
    if not non_goods and item.hs_code and not item.quantity_unit and "quantity_unit" in ctype.goods_fields:
        item.quantity_unit = tariff_units(item.hs_code)[0] or None  # the tariff's first unit, proposed
    aux = criterion_aux(ctype, item.origin_criterion, item.hs_code)
    if aux is not None:
        item.criterion_aux = aux


def criterion_aux(ctype: CertType, criterion: str | None, hs_code: str | None) -> str | None:
    """原产地标准辅助项 the system fills (GSP `W`: the HS heading as XX.XX, read-only), else None."""
    if not (ctype.agreement and criterion):
        return None
    entry = search.get("origin_criterion", criterion, ctype.agreement)
    if entry is None or entry.attrs.get("aux") != "hs4":
        return None
    digits = (hs_code or "")[:4]
    return f"{digits[:2]}.{digits[2:]}" if len(digits) == 4 else ""


def add_item(cert: Certificate, data: dict) -> CertificateItem:
    """保存 a new row at the end (without loading the rows already there)."""
    require_editable(cert)
    last = db.session.scalar(sa.select(sa.func.max(CertificateItem.position))
                             .where(CertificateItem.certificate_id == cert.id))
    item = CertificateItem(certificate_id=cert.id, position=(last or 0) + 1)
    _assign_item(item, get_type(cert.cert_type), data)
    db.session.add(item)
    touch(cert)
    db.session.flush()
    return item


def update_item(item: CertificateItem, data: dict) -> None:
    require_editable(item.certificate)
    _assign_item(item, get_type(item.certificate.cert_type), data)
    touch(item.certificate)
    db.session.flush()


def renumber(cert: Certificate, ordered: list, collection: str = "items") -> None:
    """Numbers follow the order: positions 1…n with no gaps (goods rows, or 日本进料 rows)."""
    for position, row in enumerate(ordered, start=1):
        row.position = position
    getattr(cert, collection).sort(key=lambda row: row.position)  # the same request renders the new order
    touch(cert)
    db.session.flush()


def touch(cert: Certificate) -> None:
    """A goods change: note it on the certificate without bumping the version its 基本信息 form carries.

    Goods rows have their own versions; bumping the certificate's would make the clerk's own open
    basic-info form look stale after every row saved.
    """
    status = states.next_status(cert.status, "edit")
    now = utcnow()
    done = db.session.execute(sa.update(Certificate).where(Certificate.id == cert.id, Certificate.status == cert.status)
                              .values(status=status, updated_at=now).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # its status changed since it was read (require_editable's lock makes this rare)
        raise Conflict("该证书刚刚被申报或修改，本次修改未保存；请刷新后查看。")
    set_committed_value(cert, "status", status)
    set_committed_value(cert, "updated_at", now)


# ---------------------------------------------------------------- whole certificates
def copy_certificate(cert: Certificate, actor, today: date) -> Certificate:
    """复制: a new draft with a new number; everything but the invoice number is copied, goods included."""
    from .initial_values import get_or_new

    ctype = get_type(cert.cert_type)
    clone = Certificate(enterprise_id=cert.enterprise_id, cert_type=cert.cert_type, status=Status.DRAFT,
                        created_by_id=actor.id, co_reg_no=cert.co_reg_no, org_code=cert.org_code,
                        applicant_name_cn=cert.applicant_name_cn)
    for name in BASIC_FIELDS:
        setattr(clone, name, getattr(cert, name))
    clone.invoice_no = clone.invoice_key = None
    clone.cert_no = allocate_number(cert.enterprise_id, ctype.code, cert.co_reg_no,
                                    get_or_new(cert.enterprise_id).serial_prefix or "", today)
    for item in cert.items:
        clone.items.append(CertificateItem(position=item.position,
                                           **{name: getattr(item, name) for name in GOODS_FIELDS}))
    for material in cert.materials:
        clone.materials.append(JapanMaterial(position=material.position,
                                             **{name: getattr(material, name) for name in MATERIAL_FIELDS}))
    db.session.add(clone)
    db.session.flush()
    return clone


def delete_certificate(cert: Certificate) -> None:
    """删除 (暂存 / 退证 only; irreversible). :raises Conflict: any other status."""
    if not states.can_delete(cert.status):
        raise Conflict(f"该证书当前状态为“{cert.status.label}”，只有暂存或退证的证书可以删除。")
    db.session.delete(cert)
    db.session.flush()


def known_entry(table: str, code: str, category: str | None) -> bool:
    return search.get(table, code, category) is not None


def hs_message(code: str, on: date | None = None) -> str | None:
    return check_hs_code(code, on)[1]


def criterion_info(agreement: str, code: str) -> dict:
    entry = search.get("origin_criterion", code, agreement)
    return entry.attrs if entry else {}


def rule_problems(cert, items: list, ctype: CertType, today: date, materials: list = (),
                  filed=None, undertaking: bool | None = None) -> list[rules.Problem]:
    """The 申报 rules with this system's code tables: the one check both 申报 and the authority's automatic review
    run. HS codes are checked against the tariff in force on the application date; `filed` is the exporter's
    qualification (its filed English name and address), where the caller knows it."""
    on = cert.application_date

    def hs_on_date(code: str) -> str | None:
        return hs_message(code, on)

    problems = rules.check(cert, items, ctype, known_entry, hs_on_date, today, materials=materials,
                           criterion_info=criterion_info, name_of=search.name_of, filed=filed,
                           port_country=port_country, has_ports=has_ports, members=agreement_data.members_of)
    if undertaking is False:
        problems.append(rules.Problem("basic", "undertaking", UNDERTAKING_MISSING))
    return problems


UNDERTAKING_MISSING = "申报前请阅读申请人承诺并勾选“本人已阅读并承诺”（海关总署令第270号）"
UNDERTAKING_SETTING = "certificate.undertaking_text"


def undertaking_text() -> str:
    from app.settings import get_setting

    return str(get_setting(UNDERTAKING_SETTING)).strip()


def has_ports(country: str) -> bool:
    return search.has_category("port", country)


def port_country(code: str) -> str | None:
    """The country of a port of the 港口 table (its category), None when the code is not there."""
    entry = search.get("port", code)
    return entry.category if entry else None


def declare_problems(cert: Certificate, today: date, undertaking: bool | None = None) -> list[rules.Problem]:
    qualification = cert.enterprise.qualification if cert.enterprise else None
    return rule_problems(cert, list(cert.items), get_type(cert.cert_type), today, list(cert.materials),
                         filed=qualification, undertaking=undertaking)


def declare(cert: Certificate, actor, today: date, *, undertaking: bool) -> list[rules.Problem]:
    """申报: every rule passes → DECLARED and a message queued in the same transaction; else the problems.

    :raises Conflict: the certificate is not in a status that can be declared.
    """
    require_editable(cert, reissue_ok=True)
    problems = declare_problems(cert, today, undertaking)
    if not problems and get_type(cert.cert_type).is_declaration:
        problems = _number_declaration(cert, today)
    if problems:
        return problems
    key, now = uuid.uuid4().hex, utcnow()
    cert.undertaking_text, cert.undertaking_at = undertaking_text(), now  # recorded with the declaration
    try:
        xml = messages.build_declaration(snapshot(cert), message_id=key, sent_at=now.replace(tzinfo=timezone.utc))
    except messages.MessageError as exc:
        return [rules.Problem("basic", "cert_no", f"申报报文生成失败：{exc}")]
    _edited(cert)
    cert.status = states.next_status(cert.status, "declare")
    cert.declared_at = now
    db.session.add(OutboxMessage(certificate_id=cert.id, kind=cert.kind if cert.kind != "new" else "declare",
                                 idempotency_key=key, payload=xml.decode("utf-8")))
    db.session.flush()
    return []


DECLARATION_COUNTER = "DN"  # number_counters.cert_type of declaration serials: one counter per enterprise and day


def _number_declaration(cert: Certificate, today: date) -> list[rules.Problem]:
    """原产地声明: the enterprise must hold an approval for the agreement on the declaration's date; the serial
    (approval number + document date + number) is given at the first 申报 and kept after a 退证."""
    from app.accounts.approved_exporters import approvals_for

    from app.accounts.approval_rules import approval_for, approval_problem, declaration_serial

    ctype = get_type(cert.cert_type)
    on = cert.application_date or today
    approvals = approvals_for(cert.enterprise_id)
    name = search.name_of("agreement", ctype.agreement)
    problem = approval_problem(approvals, ctype.agreement, name, on)
    if problem:
        return [rules.Problem("basic", "application_date", problem)]
    if cert.declaration_no:
        return []
    approval = approval_for(approvals, ctype.agreement, on)
    document_date = cert.invoice_date or on
    length = agreement_data.agreement_attrs(ctype.agreement).get("serial_length")
    counter = _next_counter(cert.enterprise_id, DECLARATION_COUNTER, int(document_date.strftime("%Y%m%d")), "")
    try:
        cert.declaration_no = declaration_serial(approval.approval_no, document_date, counter,
                                                 int(length) if length else None)
    except ValueError as exc:
        return [rules.Problem("basic", "invoice_date", str(exc))]
    return []


def snapshot(cert: Certificate) -> dict:
    """The declared data as sent (the exchange issue turns this into the XML message)."""
    def plain(value):
        return value.isoformat() if isinstance(value, date) else (str(value) if value is not None
                                                                  and not isinstance(value, (str, bool, int))
                                                                  else value)
    data = {name: plain(getattr(cert, name)) for name in ("cert_no", "cert_type", "original_cert_no",
                                                           "co_reg_no", "org_code", "applicant_name_cn")}
    data["kind"] = "normal" if cert.kind in (None, "new") else cert.kind
    if data["kind"] != "normal":
        data["change"] = {"reason": cert.reason, "content": cert.change_content}
    data.update({name: plain(getattr(cert, name)) for name in BASIC_FIELDS})
    data["declaration_no"] = cert.declaration_no
    data["undertaking_text"] = cert.undertaking_text
    data["undertaking_at"] = (cert.undertaking_at.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")
                              if cert.undertaking_at else None)
    data["items"] = [{"item_no": i.position, **{n: plain(getattr(i, n)) for n in GOODS_FIELDS}} for i in cert.items]
    if japan_materials_apply(cert):
        data["japan_materials"] = [{"item_no": m.position, **{n: plain(getattr(m, n)) for n in MATERIAL_FIELDS}}
                                   for m in cert.materials]
    return data


def japan_materials_apply(cert) -> bool:
    """日本进料信息 belongs to this certificate: GSP to Japan dated while Japan gave China GSP."""
    return agreements.japan_materials_apply(get_type(cert.cert_type), cert.destination_country,
                                            cert.application_date, agreement_data.members_of)


def pending_message(cert: Certificate) -> OutboxMessage | None:
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.certificate_id == cert.id)
                             .order_by(OutboxMessage.id.desc()).limit(1))
