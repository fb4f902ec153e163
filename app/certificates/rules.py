"""申报 rules: everything checked before a certificate may be declared. Pure: no Flask, no database.

The caller passes the certificate and its goods (any objects with the field attributes), the type
from the registry, and two look-up functions, so these rules can be tested with plain objects. The one
runtime setting they read is the goods row cap (`limits.max_goods_rows`: its default outside an app).
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable

from . import limits
from .agreements import Members, destination_problem, japan_materials_apply, no_members
from .fieldchecks import value_problem
from .fieldspecs import BASIC_FIELDS, GOODS_FIELDS, MATERIAL_FIELDS, MATERIAL_REQUIRED
from .types import CertType

BULK_UNITS = ("IN BULK",)  # bulk cargo has no package count
EXPORTING_COUNTRY = "CN"  # every certificate here is for goods exported from China
# 运输细节 that says the goods are unloaded on the way (the clerk's confirmation of a port outside the destination)
TRANSIT = re.compile(r"\b(VIA|TRANS-?SHIP(MENT|PED)?|TRANSIT|IN TRANSIT)\b|转运|中转|经由", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One reason the certificate cannot be declared, pointing at the field to fix."""

    tab: str  # basic | goods
    field: str
    message: str
    item: int | None = None  # goods row number (1-based) for goods problems


Known = Callable[[str, str, str | None], bool]  # (table, code, category) → is it an active entry?
HsCheck = Callable[[str], str | None]  # code → message, or None when known
CriterionInfo = Callable[[str, str], dict]  # (agreement, code) → the criterion's attributes (needs_value, aux …)
NameOf = Callable[[str, str], str]  # (table, code) → the name a person reads (日本, not JP)


def code_itself(_table: str, code: str) -> str:
    return code


def no_info(_agreement: str, _code: str) -> dict:
    return {}


def no_port(_code: str):
    return None


PortCountry = Callable[[str], str | None]  # UN/LOCODE → the country of the port, None when unknown
HasPorts = Callable[[str], bool]  # country → does the 港口 table list any place there?


def any_ports(_country: str) -> bool:
    return True


def authority_problem(issuing: str | None, collecting: str | None) -> str | None:
    """签证机构 and 领证机构 must be one and the same (manual 1.1)."""
    if issuing and collecting and issuing != collecting:
        return "签证机构和领证机构必须一致"
    return None


def _same_text(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).upper() == " ".join((b or "").split()).upper()


def filed_problems(cert, filed) -> list[Problem]:
    """出口商名称/地址 must read as filed on 我的资质 (英文名称/英文地址): the most common reason for 退证."""
    problems = []
    for name, attr, label in (("exporter_name", "name_en", "英文名称"), ("exporter_address", "address_en", "英文地址")):
        wanted = getattr(filed, attr, None) if filed is not None else None
        value = getattr(cert, name, None)
        if wanted and not _empty(value) and not _same_text(value, wanted):
            problems.append(Problem("basic", name, f"{BASIC_FIELDS[name].label}须与我的资质中备案的{label}一致："
                                                   f"{' '.join(wanted.split())}"))
    return problems


def _finite(value) -> bool:
    return value is not None and Decimal(str(value)).is_finite()


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(cert, items: list, ctype: CertType, known: Known, hs_check: HsCheck, today: date,
          materials: list = (), criterion_info: CriterionInfo = no_info, name_of: NameOf = code_itself,
          filed=None, port_country: PortCountry = no_port, has_ports: HasPorts = any_ports,
          members: Members = no_members) -> list[Problem]:
    """Every problem at once: basic information, the goods in order, then 日本进料信息."""
    problems = basic_problems(cert, ctype, known, today, name_of, port_country, has_ports, members)
    problems += change_problems(cert)
    problems += filed_problems(cert, filed) if "exporter_name" in ctype.basic_fields else []
    problems += goods_problems(items, ctype, known, hs_check, criterion_info)
    too_many = limits.problem_for(len(items))
    if too_many:
        problems.append(Problem("goods", "items", too_many))
    if japan_materials_apply(ctype, cert.destination_country, cert.application_date, members):
        problems += material_problems(materials, hs_check)
    return problems


def basic_problems(cert, ctype: CertType, known: Known, today: date, name_of: NameOf = code_itself,
                   port_country: PortCountry = no_port, has_ports: HasPorts = any_ports,
                   members: Members = no_members) -> list[Problem]:
    problems = []

    def add(name, message):
        problems.append(Problem("basic", name, message))

    for name in ctype.basic_fields:
        spec, value = BASIC_FIELDS[name], getattr(cert, name, None)
        if spec.kind == "bool":
            continue
        if _empty(value):
            if name in ctype.required:
                add(name, f"请填写{spec.label}")
            continue
        if spec.kind == "lookup" and not known(spec.table, value, None):
            add(name, f"{spec.label}“{value}”不在参数表中，请重新选择")
        message = value_problem(spec, value, ctype.language == "en")
        if message:
            add(name, message)
    message = authority_problem(cert.issuing_authority, cert.collecting_authority)
    if message:
        add("collecting_authority", message)
    destination = destination_problem(ctype, cert.destination_country, cert.application_date or today, members,
                                      name_of)
    if destination:
        add("destination_country", destination)
    problems += place_problems(cert, ctype, port_country, name_of, has_ports)
    problems += date_problems(cert, today, ctype)
    problems += _agreement_basic_problems(cert, ctype)
    problems += back_to_back_problems(cert, ctype, members, name_of)
    return problems


def back_to_back_problems(cert, ctype: CertType, members: Members = no_members,
                          name_of: NameOf = code_itself) -> list[Problem]:
    """A back-to-back certificate names the original certificate of another party it is based on."""
    if "back_to_back" not in ctype.basic_fields or not getattr(cert, "back_to_back", False):
        return []
    problems = []
    for name in ("btb_cert_no", "btb_cert_date", "btb_party"):
        if name in ctype.basic_fields and _empty(getattr(cert, name, None)):
            problems.append(Problem("basic", name, f"背对背证书须填写{BASIC_FIELDS[name].label}"))
    party = getattr(cert, "btb_party", None)
    if party == EXPORTING_COUNTRY:
        problems.append(Problem("basic", "btb_party", "背对背证书的原始证书由另一缔约方签发，不能是中国"))
    elif party:
        listed = members(ctype.agreement) if ctype.agreement else None
        if listed is not None and party not in {m.country for m in listed}:
            problems.append(Problem("basic", "btb_party", f"{name_of('country', party)}不是{ctype.name}所属协定的缔约方"))
    original = getattr(cert, "btb_cert_date", None)
    if original and cert.application_date and original > cert.application_date:
        problems.append(Problem("basic", "btb_cert_date", "原始证书签发日期不能晚于申请日期"))
    return problems


def place_problems(cert, ctype: CertType, port_country: PortCountry, name_of: NameOf = code_itself,
                   has_ports: HasPorts = any_ports) -> list[Problem]:
    """An export certificate never goes to China; it leaves from a Chinese port for a port of the destination
    (or of a transit country, which the clerk confirms by saying so in 运输细节). A destination the 港口 table
    has no place in (until an admin adds one) takes any foreign port."""
    problems = []
    fields = set(ctype.basic_fields)
    if cert.destination_country == EXPORTING_COUNTRY and "destination_country" in fields:
        problems.append(Problem("basic", "destination_country", "原产地证书用于出口，目的地国家/地区不能是中国"))
    loading = getattr(cert, "port_of_loading", None)
    if loading and "port_of_loading" in fields:
        country = port_country(loading)
        if country and country != EXPORTING_COUNTRY:
            problems.append(Problem("basic", "port_of_loading", f"启运港须为中国港口（{loading} 在"
                                                                f"{name_of('country', country)}）"))
    discharge = getattr(cert, "port_of_discharge", None)
    destination = cert.destination_country
    if discharge and destination and "port_of_discharge" in fields:
        country = port_country(discharge)
        if country == EXPORTING_COUNTRY and destination != EXPORTING_COUNTRY:
            problems.append(Problem("basic", "port_of_discharge", f"卸货港 {discharge} 是中国港口，请选择目的地的港口"))
        elif (country and country != destination and has_ports(destination)
              and not TRANSIT.search(getattr(cert, "transport_details", None) or "")):
            problems.append(Problem("basic", "port_of_discharge", f"卸货港 {discharge} 在{name_of('country', country)}，"
                                    f"不在目的地{name_of('country', destination)}；如在该地转运，请在运输细节中写明"
                                    "（如 VIA … 或 TRANSSHIPMENT AT …）"))
    return problems


def date_problems(cert, today: date, ctype: CertType | None = None) -> list[Problem]:
    """申请日期 not before the invoice, not after today, not further back than the window (limits); for a
    preferential form, not later after shipment than the form allows issue retroactively."""
    problems = []
    application, invoice = cert.application_date, getattr(cert, "invoice_date", None)
    if invoice and application and invoice > application:
        problems.append(Problem("basic", "invoice_date", "发票日期不能晚于申请日期"))
    if application and application > today:
        problems.append(Problem("basic", "application_date", "申请日期不能晚于今天"))
    elif application and (today - application).days > (days := limits.application_window_days()):
        problems.append(Problem("basic", "application_date", f"申请日期不能早于今天 {days} 天以上"))
    departure = getattr(cert, "departure_date", None)
    window = ctype.retroactive_window if ctype else None
    if window and departure and application and (application - departure).days > window:
        problems.append(Problem("basic", "application_date",
                                f"离港日期为 {departure.isoformat()}，已超过{ctype.name}可补发的期限（货物出运后 {window} 天内）"))
    for name in ("invoice_date", "departure_date"):
        value = getattr(cert, name, None)
        if value and abs((value - today).days) > limits.DATE_SPAN_DAYS:
            problems.append(Problem("basic", name, f"{BASIC_FIELDS[name].label}与今天相差超过 {limits.DATE_SPAN_DAYS // 365} 年，"
                                                   "请检查年份"))
    return problems


def _agreement_basic_problems(cert, ctype: CertType) -> list[Problem]:
    """中国-东盟 展览证书 / 第三方发票 (manual 1.4) and the producer conventions of the FTA forms."""
    problems = []
    fields = set(ctype.basic_fields)
    if "exhibition" in fields and cert.exhibition and _empty(cert.exhibition_info):
        problems.append(Problem("basic", "exhibition_info", "展览证书须填写展览名称及地址（证书上附在进口商之后）"))
    if "third_party_invoice" in fields and cert.third_party_invoice:
        if _empty(cert.application_remarks):
            problems.append(Problem("basic", "application_remarks", "第三方发票：请在申请书备注中填写原发票号和发票日期"))
        if _empty(cert.special_terms):
            problems.append(Problem("basic", "special_terms", "第三方发票：请在特殊条款中填写第三方发票公司名称及所在国家或地区"))
    if "producer_confidential" in fields and cert.producer_confidential and _empty(cert.producer_description):
        problems.append(Problem("basic", "producer_description",
                                "勾选生产商保密时仍须填写生产商描述（证书上显示 AVAILABLE UPON REQUEST）"))
    return problems


def change_problems(cert) -> list[Problem]:
    """更改证 needs 更改原因 and 更改内容; 重发证 needs 重发原因 (manual 第二章 更改证 / 重发证)."""
    kind = getattr(cert, "kind", None)
    problems = []
    if kind in ("change", "change_reissue"):
        if _empty(getattr(cert, "reason", None)):
            problems.append(Problem("basic", "reason", "请填写更改原因"))
        if _empty(getattr(cert, "change_content", None)):
            problems.append(Problem("basic", "change_content", "请填写更改内容"))
    if kind == "reissue" and _empty(getattr(cert, "reason", None)):
        problems.append(Problem("basic", "reason", "请填写重发原因"))
    return problems


NON_GOODS_FIRST = "非货物项只能排在货物之后（第一项须为货物），请先录入货物，或将此行下移到货物之后"


def misplaced_non_goods(items: list) -> list[int]:
    """Positions (1…) of the 非货物项 rows that come before any goods row: a non-goods row (marks, a note, the
    closing line) may only follow goods."""
    misplaced = []
    for number, item in enumerate(items, start=1):
        if not item.non_goods:
            return misplaced
        misplaced.append(number)
    return []  # no goods at all: 至少需要一项货物信息 says it


def goods_problems(items: list, ctype: CertType, known: Known, hs_check: HsCheck,
                   criterion_info: CriterionInfo = no_info) -> list[Problem]:
    problems = []
    real = [item for item in items if not item.non_goods]
    if not real:
        problems.append(Problem("goods", "items", "至少需要一项货物信息（非货物项不计）"))
    if ctype.item_cap and len(real) > ctype.item_cap:
        problems.append(Problem("goods", "items", f"{ctype.name}最多 {ctype.item_cap} 项货物，现有 {len(real)} 项"))
    for number in misplaced_non_goods(items):
        problems.append(Problem("goods", "non_goods", f"第 {number} 项：{NON_GOODS_FIRST}", number))
    for number, item in enumerate(items, start=1):
        problems.extend(_item_problems(number, item, ctype, known, hs_check, criterion_info))
    if ctype.end_marker and real and not (real[-1].description or "").rstrip().endswith(ctype.end_marker):
        problems.append(Problem("goods", "description", f"{ctype.name}最后一项货物描述须以 {ctype.end_marker} 结尾",
                                items.index(real[-1]) + 1))
    return problems


def _item_problems(number: int, item, ctype: CertType, known: Known, hs_check: HsCheck,
                   criterion_info: CriterionInfo) -> list[Problem]:
    problems = []

    def add(name, message):
        problems.append(Problem("goods", name, f"第 {number} 项：{message}", number))

    if _empty(item.description):
        add("description", "请填写货物描述")
    else:
        message = value_problem(GOODS_FIELDS["description"], item.description, ctype.language == "en")
        if message:
            add("description", message)
    if item.non_goods:
        return problems
    for name in ctype.goods_fields:
        spec, value = GOODS_FIELDS[name], getattr(item, name, None)
        if spec.kind == "bool" or name == "description":
            continue
        if _empty(value):
            bulk = name == "package_count" and item.package_unit in BULK_UNITS
            if name in ctype.goods_required and not bulk:
                add(name, f"请填写{spec.label}")
            continue
        if spec.kind == "lookup":
            category = ctype.agreement if spec.table == "origin_criterion" else None
            if not known(spec.table, value, category):
                add(name, f"{spec.label}“{value}”不在参数表中，请重新选择")
        message = value_problem(spec, value, ctype.language == "en")
        if message:
            add(name, message)
    if item.hs_code:
        message = hs_check(item.hs_code)
        if message:
            add("hs_code", message)
        elif len(item.hs_code) < ctype.hs_min_digits:
            add("hs_code", f"{ctype.name}须填写至少 {ctype.hs_min_digits} 位 HS 编码")
    if "importing_hs" in ctype.goods_fields and item.importing_hs and not re.fullmatch(r"\d{8}", item.importing_hs):
        add("importing_hs", "进口方HS编码应为 8 位数字")
    if item.origin_criterion and ctype.agreement:
        info = criterion_info(ctype.agreement, item.origin_criterion)
        if info.get("needs_value") and _empty(item.criterion_aux):
            add("criterion_aux", f"原产地标准 {item.origin_criterion} 须在辅助项中填写百分比")
        if info.get("with_other"):
            add("origin_criterion", f"{item.origin_criterion} 只能与其他原产地标准同时使用：请在原产地标准中选择主要标准"
                                    f"（如 CTC、RVC），在附加标准中选择 {item.origin_criterion}")
        if info.get("needs_fob") and item.amount is None:
            add("amount", f"原产地标准为 {item.origin_criterion} 时须填写该项货物的 FOB 金额（证书第 12 栏）")
    extra = getattr(item, "criterion_extra", None)
    if extra and ctype.agreement and "criterion_extra" in ctype.goods_fields:
        if not criterion_info(ctype.agreement, extra).get("with_other"):
            add("criterion_extra", f"附加标准只能是 ACU（累积）或 DMI（微小含量），{extra} 请填在原产地标准中")
        elif _empty(item.origin_criterion):
            add("origin_criterion", f"选择了附加标准 {extra} 时须同时填写原产地标准")
    if _finite(item.gross_weight) and _finite(item.net_weight) and item.net_weight > item.gross_weight:
        add("net_weight", "净重不能大于毛重")
    if (item.gross_weight is not None or item.net_weight is not None) and _empty(item.weight_unit):
        add("weight_unit", "填写了重量时请选择重量单位")
    if item.amount is not None and _empty(item.currency):
        add("currency", "填写了金额时请选择币制")
    return problems


def material_problems(materials: list, hs_check: HsCheck) -> list[Problem]:
    """日本进料信息: each material complete, with a known HS code."""
    problems = []
    for number, row in enumerate(materials, start=1):
        def add(name, message):
            problems.append(Problem("materials", name, f"日本进料第 {number} 项：{message}", number))

        for name in MATERIAL_REQUIRED:
            if _empty(getattr(row, name, None)):
                add(name, f"请填写{MATERIAL_FIELDS[name].label}")
        if row.hs_code and hs_check(row.hs_code):
            add("hs_code", hs_check(row.hs_code))
        for name, spec in MATERIAL_FIELDS.items():
            message = value_problem(spec, getattr(row, name, None), True) if name != "hs_code" else None
            if message:
                add(name, message)
    return problems
