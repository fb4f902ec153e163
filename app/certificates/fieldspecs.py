"""Every field a certificate can have (DESIGN.md glossary): label, kind, length, code table. Pure data.

Certificate types (types.py) pick from these; forms, validation and printing read them.
"""
from dataclasses import dataclass

# The one definition of each pattern-checked kind: (regular expression, what the clerk reads when it fails).
PATTERNS = {
    "phone": (r"^[0-9+()\-\s/#转,]*$", "电话号码只能包含数字、空格和 + - ( ) /"),
    "email": (r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "{label}格式不正确"),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text | textarea | date | lookup | bool | phone | email | number | integer
    max_length: int = 200
    table: str | None = None  # code table of a lookup field
    english: bool = False  # certificate text: letters, digits and punctuation of the form, no Chinese
    help: str = ""
    help_zh: str | None = None  # the help on a certificate filled in Chinese (海峡两岸), where it differs
    yes_no: bool = False  # a bool shown as the manual's 是/否 drop-down rather than a tick box
    guide: tuple[str, ...] = ()  # with 是: the steps shown to the user and the fields they point to
    guide_fields: tuple[str, ...] = ()
    # number: the column's NUMERIC(digits, places); integer: the largest value (the column is a 32-bit INTEGER)
    digits: int = 18
    places: int = 4
    maximum: int = 2_147_483_647
    positive: bool = False  # number / integer: must be greater than 0
    thousands: bool = False  # number: 1,250 (thousands separators) is read as 1250
    # text the field must never hold (compared in capitals, at the start): (value, message)
    forbidden: tuple[tuple[str, str], ...] = ()


BASIC_FIELDS: dict[str, FieldSpec] = {f.name: f for f in (
    FieldSpec("exporter_name", "出口商名称", english=True, help="英文，与发票一致", help_zh="中文，与发票一致"),
    FieldSpec("exporter_address", "出口商地址", "textarea", 400, english=True),
    FieldSpec("exporter_phone", "出口商电话", "phone", 40),
    FieldSpec("exporter_fax", "出口商传真", "phone", 40),
    FieldSpec("exporter_email", "出口商邮箱", "email", 100),
    FieldSpec("producer_name", "生产商名称", english=True),
    FieldSpec("producer_address", "生产商地址", "textarea", 400, english=True),
    FieldSpec("producer_description", "生产商描述", "textarea", 600, english=True, help="请用英文填写生产商实际情况",
              help_zh="请填写生产商实际情况"),
    FieldSpec("producer_confidential", "生产商保密", "bool", help="勾选后证书显示 AVAILABLE UPON REQUEST"),
    FieldSpec("importer_name", "收货人（进口商）名称", english=True, help="可填 TO WHOM IT MAY CONCERN 或 TO ORDER",
              help_zh="进口方公司名称（中文）"),
    FieldSpec("importer_address", "收货人（进口商）地址", "textarea", 400, english=True),
    FieldSpec("importer_phone", "进口商电话", "phone", 40),
    FieldSpec("application_date", "申请日期", "date"),
    FieldSpec("destination_country", "目的地国家/地区", "lookup", 2, table="country"),
    FieldSpec("issuing_authority", "签证机构", "lookup", 10, table="authority"),
    FieldSpec("collecting_authority", "领证机构", "lookup", 10, table="authority", help="必须与签证机构一致"),
    FieldSpec("trade_mode", "贸易方式", "lookup", 10, table="trade_mode"),
    FieldSpec("port_of_loading", "启运港", "lookup", 10, table="port"),
    FieldSpec("port_of_discharge", "卸货港", "lookup", 10, table="port"),
    FieldSpec("transport_mode", "运输方式", "lookup", 10, table="transport_mode"),
    FieldSpec("vessel_voyage", "运输工具/船名/航次", english=True, max_length=100),
    FieldSpec("departure_date", "离港日期", "date"),
    FieldSpec("transport_details", "运输细节", "textarea", 400, english=True,
              help="点击“生成”由启运港、卸货港、运输方式、船名航次生成",
              help_zh="点击“生成”由启运港、卸货港、运输方式、船名航次生成中文运输细节，如：由上海经海运至基隆"),
    FieldSpec("marks", "唛头", "textarea", 1000, english=True, help="无唛头填 N/M；不能填 AS PER INVOICE",
              forbidden=(("AS PER INVOICE", "唛头不能填写 AS PER INVOICE；无唛头请填 N/M"),)),
    FieldSpec("invoice_no", "发票号", max_length=60, english=True),
    FieldSpec("invoice_date", "发票日期", "date"),
    FieldSpec("special_terms", "特殊条款", "textarea", 600, english=True),
    FieldSpec("remarks", "证书备注", "textarea", 600, english=True),
    FieldSpec("exhibition", "是否展览证书", "bool", yes_no=True,
              guide=("将展览名称、地址填写到“展览名称及地址”，证书上附在进口商信息后面。",),
              guide_fields=("exhibition_info",)),
    FieldSpec("exhibition_info", "展览名称及地址", "textarea", 400, english=True),
    FieldSpec("third_party_invoice", "是否第三方发票", "bool", yes_no=True,
              guide=("原发票号和发票日期填写到申请书“申请书备注”中；",
                     "第三方发票号填写到证书的“发票号”中，第三方发票日期填写到“发票日期”中；",
                     "第三方发票公司名称和所在国家或地区填写到证书的“特殊条款”中。"),
              guide_fields=("application_remarks", "invoice_no", "invoice_date", "special_terms")),
    FieldSpec("application_remarks", "申请书备注", "textarea", 600),
    FieldSpec("origin_country", "原产国", "lookup", 2, table="country"),
    FieldSpec("export_declaration_date", "出口报关日期", "date"),
    FieldSpec("back_to_back", "是否背对背原产地证书", "bool", yes_no=True,
              guide=("背对背证书以另一缔约方签发的原始原产地证书为依据：填写原始证书编号、签发日期、签发缔约方及原产国，"
                     "证书上勾选 BACK-TO-BACK 并在备注栏打印这些信息。",),
              guide_fields=("btb_cert_no", "btb_cert_date", "btb_party", "btb_origin")),
    FieldSpec("btb_cert_no", "原始证书编号", max_length=40, english=True),
    FieldSpec("btb_cert_date", "原始证书签发日期", "date"),
    FieldSpec("btb_party", "原始证书签发方", "lookup", 2, table="country", help="签发原始证书的缔约方"),
    FieldSpec("btb_origin", "原始证书原产国", "lookup", 2, table="country", help="原始证书所载的原产国"),
    FieldSpec("de_minimis", "是否适用微小含量（De Minimis）", "bool", help="勾选后证书第 13 栏勾选 De Minimis"),
)}

GOODS_FIELDS: dict[str, FieldSpec] = {f.name: f for f in (
    FieldSpec("hs_code", "HS编码", max_length=12, help="4、6、8 或 10 位"),
    FieldSpec("importing_hs", "进口方HS编码", max_length=12, help="台湾地区 8 位税则号列"),
    FieldSpec("name_cn", "货物中文名称", max_length=200),
    FieldSpec("name_en", "货物英文名称", max_length=300, english=True),
    FieldSpec("quantity", "数量", "number", positive=True, thousands=True, help="可写千位分隔符，如 1,250"),
    FieldSpec("quantity_unit", "数量单位", "lookup", 20, table="quantity_unit", help="选择 HS 编码后按税则第一法定单位建议"),
    FieldSpec("package_count", "包装件数", "integer", positive=True, help="整数，不写千位分隔符"),
    FieldSpec("package_unit", "包装单位", "lookup", 20, table="package_unit"),
    FieldSpec("gross_weight", "毛重", "number", positive=True, thousands=True),
    FieldSpec("net_weight", "净重", "number", positive=True, thousands=True),
    FieldSpec("weight_unit", "重量单位", "lookup", 20, table="weight_unit"),
    FieldSpec("amount", "金额（FOB）", "number", places=2, thousands=True),
    FieldSpec("currency", "币制", "lookup", 3, table="currency"),
    FieldSpec("origin_criterion", "原产地标准", "lookup", 20, table="origin_criterion"),
    FieldSpec("criterion_aux", "原产地标准辅助项", max_length=20),
    FieldSpec("criterion_extra", "附加标准", "lookup", 20, table="origin_criterion",
              help="ACU（累积）或 DMI（微小含量），只能与原产地标准同时使用"),
    FieldSpec("origin_country", "RCEP原产国", "lookup", 2, table="country",
              help="第 11 栏：按协定第三章第四条确定，不一定是中国"),
    FieldSpec("description", "货物描述", "textarea", 1000, english=True,
              help="点击“生成”由英文名称、包装件数和包装单位生成", help_zh="点击“生成”由中文名称、包装件数和包装单位生成"),
    FieldSpec("non_goods", "非货物项", "bool", help="勾选后只填写货物描述"),
)}

# Headings of the 基本信息 form: shown before the first of these fields a type has.
SECTIONS = {
    "exporter_name": "出口商",
    "importer_name": "收货人（进口商）",
    "producer_name": "生产商",
    "application_date": "签证与目的地",
    "port_of_loading": "运输",
    "marks": "唛头与发票",
    "special_terms": "其他",
    "exhibition": "展览与第三方发票",
    "origin_country": "原产国",
    "export_declaration_date": "报关",
    "back_to_back": "背对背原产地证书",
    "de_minimis": "其他勾选项",
}

# 日本进料信息 (普惠制 to Japan): one imported material per row.
MATERIAL_FIELDS: dict[str, FieldSpec] = {f.name: f for f in (
    FieldSpec("hs_code", "HS编码", max_length=12, help="4、6、8 或 10 位"),
    FieldSpec("description", "材料描述", "textarea", 400, english=True),
    FieldSpec("quantity", "数量", "number", positive=True, thousands=True),
    FieldSpec("unit", "单位", "lookup", 20, table="quantity_unit"),
    FieldSpec("value", "价值", "number", places=2, thousands=True),
)}
MATERIAL_REQUIRED = frozenset({"hs_code", "description", "quantity", "unit", "value"})
