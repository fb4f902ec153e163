"""The certificate type registry (manual 第六篇 1.1–1.20): every type as data.

Forms, validation and printing read a type's entry; no view branches on the type. Codes are the first
character of the certificate number (DESIGN.md; FORMS.md says which were seen on real certificates).
"""
from dataclasses import dataclass, field

# Basic-info fields (fieldspecs.BASIC_FIELDS) in page order.
GENERAL_BASIC = (
    "exporter_name", "exporter_address", "exporter_phone", "exporter_fax", "exporter_email",
    "importer_name", "importer_address", "importer_phone",
    "application_date", "destination_country", "issuing_authority", "collecting_authority", "trade_mode",
    "port_of_loading", "port_of_discharge", "transport_mode", "vessel_voyage", "departure_date",
    "transport_details", "marks", "invoice_no", "invoice_date", "special_terms", "remarks",
)
GENERAL_REQUIRED = frozenset({
    "exporter_name", "exporter_address", "importer_name", "importer_address", "application_date",
    "destination_country", "issuing_authority", "collecting_authority", "trade_mode", "port_of_loading",
    "port_of_discharge", "transport_mode", "transport_details", "marks", "invoice_no", "invoice_date",
})
PRODUCER = ("producer_name", "producer_address", "producer_description", "producer_confidential")
FTA_BASIC = GENERAL_BASIC[:8] + PRODUCER + GENERAL_BASIC[8:]

GENERAL_GOODS = (
    "hs_code", "name_cn", "name_en", "quantity", "quantity_unit", "package_count", "package_unit",
    "gross_weight", "net_weight", "weight_unit", "amount", "currency", "description", "non_goods",
)
GENERAL_GOODS_REQUIRED = frozenset({"hs_code", "name_cn", "name_en", "quantity", "quantity_unit",
                                    "package_count", "package_unit", "description"})
FTA_GOODS = GENERAL_GOODS[:12] + ("origin_criterion", "criterion_aux") + GENERAL_GOODS[12:]
FTA_GOODS_REQUIRED = GENERAL_GOODS_REQUIRED | {"origin_criterion"}


@dataclass(frozen=True)
class CertType:
    code: str
    name: str
    name_en: str
    section: str
    family: str = "general"  # basic-info family: general (as 1.1) or fta (as 1.3)
    goods_family: str = "fta"  # general (1.1 and 1.20) or fta (origin criterion required)
    agreement: str | None = None  # category of its origin criteria in the code table
    destinations: tuple[str, ...] = ()  # allowed destinations (empty: any)
    item_cap: int | None = None
    language: str = "en"
    ready: bool = True  # offered on 新建证书
    extra_basic: tuple[str, ...] = ()
    extra_required: frozenset[str] = field(default_factory=frozenset)
    goods_extra: tuple[str, ...] = ()
    goods_extra_required: frozenset[str] = field(default_factory=frozenset)
    amount_required: bool = False  # the form prints the FOB / invoiced value of each item
    hs_min_digits: int = 4  # 6 where the form asks for the 6-digit subheading
    end_marker: str | None = None  # the form's description terminator (printed after the last item)
    japan_materials: bool = False  # 日本进料信息 tab when the destination is Japan (GSP)
    layout: str = "general"  # print layout (printing issue)
    # How long after shipment (离港日期) a certificate may still be applied for: the preferential forms allow
    # issue retroactively within one year (FORMS.md: Form E, GSP Form A, the FTA forms); None: no limit here.
    retro_days: int | None = None
    tick_boxes: tuple[str, ...] = ()  # the form's tick boxes (printing.content marks them)
    goods_after_criteria: tuple[str, ...] = ()  # goods fields that follow the origin criterion (RCEP 附加标准, box 11)
    document: str = "certificate"  # certificate | declaration (原产地声明 by an approved exporter)

    @property
    def retroactive_window(self) -> int | None:
        return self.retro_days if self.retro_days is not None else (365 if self.agreement else None)

    @property
    def basic_fields(self) -> tuple[str, ...]:
        if self.is_declaration:
            return DECLARATION_BASIC + self.extra_basic
        return (FTA_BASIC if self.family == "fta" else GENERAL_BASIC) + self.extra_basic

    @property
    def required(self) -> frozenset[str]:
        return (DECLARATION_REQUIRED if self.is_declaration else GENERAL_REQUIRED) | self.extra_required

    @property
    def has_criteria(self) -> bool:
        """FTA goods rows carry an origin criterion where the agreement has a list of them. The
        mushroom, tobacco, re-export and processing certificates have none (FORMS.md gives none)."""
        return self.goods_family == "fta" and self.agreement is not None

    @property
    def goods_fields(self) -> tuple[str, ...]:
        base = FTA_GOODS if self.has_criteria else GENERAL_GOODS
        if self.goods_after_criteria and "criterion_aux" in base:
            at = base.index("criterion_aux") + 1
            base = base[:at] + self.goods_after_criteria + base[at:]
        return base[:1] + self.goods_extra + base[1:]

    @property
    def goods_required(self) -> frozenset[str]:
        base = FTA_GOODS_REQUIRED if self.has_criteria else GENERAL_GOODS_REQUIRED
        amount = {"amount", "currency"} if self.amount_required else set()
        return base | self.goods_extra_required | amount

    @property
    def is_declaration(self) -> bool:
        return self.document == "declaration"

    @property
    def fixed_destination(self) -> str | None:
        return self.destinations[0] if len(self.destinations) == 1 else None


ASEAN = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")

WEIGHTS = frozenset({"gross_weight", "net_weight", "weight_unit"})
ORIGIN_COUNTRY = ("origin_country",)
ASEAN_EXTRAS = ("exhibition", "exhibition_info", "third_party_invoice", "application_remarks")
BACK_TO_BACK = ("back_to_back", "btb_cert_no", "btb_cert_date", "btb_party", "btb_origin")
RCEP_PARTIES = ("AU", "BN", "KH", "ID", "JP", "KR", "LA", "MY", "MM", "NZ", "PH", "SG", "TH", "VN")
# A declaration is printed on the invoice and reported to the customs office that approved the exporter
# (签证机构 here): no transport, marks or certification.
DECLARATION_BASIC = ("exporter_name", "exporter_address", "importer_name", "importer_address", "application_date",
                     "destination_country", "issuing_authority", "invoice_no", "invoice_date", "remarks")
DECLARATION_REQUIRED = frozenset({"exporter_name", "exporter_address", "importer_name", "importer_address",
                                  "application_date", "destination_country", "issuing_authority", "invoice_no",
                                  "invoice_date"})
ECFA_REQUIRED = frozenset({"exporter_phone", "exporter_fax", "exporter_email", "export_declaration_date",
                           "importer_phone"})

TYPES: dict[str, CertType] = {t.code: t for t in (
    CertType("C", "一般原产地证", "Certificate of Origin", "1.1", goods_family="general"),
    CertType("G", "普惠制原产地证", "Generalized System of Preferences Certificate of Origin (Form A)", "1.2",
             agreement="G", japan_materials=True, layout="form_a"),
    CertType("K", "中国-韩国自贸区原产地证", "China-Korea FTA Certificate of Origin", "1.3", family="fta",
             agreement="K", destinations=("KR",), hs_min_digits=6, layout="fta14"),
    CertType("E", "中国-东盟自贸区原产地证", "ASEAN-China FTA Certificate of Origin (Form E)", "1.4", agreement="E",
             destinations=ASEAN, item_cap=20, extra_basic=ASEAN_EXTRAS + BACK_TO_BACK[:4] + ("de_minimis",),
             amount_required=True, layout="form_e",
             tick_boxes=("back_to_back", "third_party_invoice", "exhibition", "issued_retroactively", "de_minimis")),
    CertType("B", "中国-亚太自贸区原产地证", "Asia-Pacific Trade Agreement Certificate of Origin", "1.5",
             agreement="B", layout="apta"),
    CertType("F", "中国-智利贸易区原产地证", "China-Chile FTA Certificate of Origin (Form F)", "1.6", agreement="F",
             destinations=("CL",), item_cap=20, amount_required=True, hs_min_digits=6, end_marker="***",
             layout="fta15"),
    CertType("P", "中国-巴基斯坦贸易区原产地证", "China-Pakistan FTA Certificate of Origin", "1.7", family="fta",
             agreement="P", destinations=("PK",), amount_required=True, hs_min_digits=6, layout="fta13"),
    CertType("R", "中国-秘鲁贸易区原产地证", "China-Peru FTA Certificate of Origin", "1.8", family="fta",
             agreement="R", destinations=("PE",), item_cap=20, amount_required=True, hs_min_digits=6,
             layout="fta14"),
    CertType("H", "海峡两岸原产地证", "ECFA Certificate of Origin", "1.9", family="fta", agreement="H",
             destinations=("TW",), item_cap=20, language="zh", extra_basic=("export_declaration_date",),
             extra_required=ECFA_REQUIRED, goods_extra=("importing_hs",),
             goods_extra_required=frozenset({"importing_hs"}), layout="ecfa"),
    CertType("A", "中国-澳大利亚自贸区原产地证", "China-Australia FTA Certificate of Origin", "1.10", family="fta",
             agreement="A", destinations=("AU",), item_cap=20, hs_min_digits=6, layout="fta14"),
    CertType("L", "中国-哥斯达黎加自贸区原产地证", "China-Costa Rica FTA Certificate of Origin", "1.11",
             family="fta", agreement="L", destinations=("CR",), item_cap=20, hs_min_digits=6, layout="fta14"),
    CertType("X", "中国-新加坡贸易区原产地证", "China-Singapore FTA Certificate of Origin", "1.12", agreement="X",
             destinations=("SG",), amount_required=True, hs_min_digits=6, layout="form_x"),
    CertType("N", "中国-新西兰贸易区原产地证", "China-New Zealand FTA Certificate of Origin", "1.13", family="fta",
             agreement="N", destinations=("NZ",), item_cap=20, amount_required=True, hs_min_digits=6,
             layout="fta15"),
    CertType("I", "中国-冰岛自贸区原产地证", "China-Iceland FTA Certificate of Origin", "1.14", agreement="I",
             destinations=("IS",), item_cap=20, hs_min_digits=6, layout="fta14"),
    CertType("S", "中国-瑞士自贸区原产地证", "China-Switzerland FTA Certificate of Origin", "1.15", agreement="S",
             destinations=("CH", "LI"), item_cap=20, hs_min_digits=6, end_marker="***", layout="fta14"),
    CertType("M", "中国-欧盟蘑菇罐头原产地证", "Certificate of Origin for Preserved Mushrooms (EU)", "1.16",
             goods_extra_required=WEIGHTS, layout="general"),
    CertType("T", "各国烟草真实性证书", "Certificate of Authenticity (Tobacco)", "1.17", goods_extra_required=WEIGHTS,
             layout="general"),
    CertType("Z", "转口证明书", "Re-export Certificate", "1.18", extra_basic=ORIGIN_COUNTRY,
             extra_required=frozenset(ORIGIN_COUNTRY), layout="reexport"),
    CertType("J", "加工装配证书", "Certificate of Processing / Assembly", "1.19", extra_basic=ORIGIN_COUNTRY,
             extra_required=frozenset(ORIGIN_COUNTRY), layout="processing"),
    CertType("U", "价格承诺原产地证书", "Price Undertaking Certificate of Origin", "1.20", goods_family="general"),
    # Agreements since the manual (AGREEMENTS-2026.md). Codes are this system's keys; the printed number's letters
    # come from 参数表 协定 (number_prefix), since the letters China uses are unverified.
    CertType("RC", "RCEP原产地证书", "Regional Comprehensive Economic Partnership Certificate of Origin", "2.1",
             family="fta", agreement="RCEP", destinations=RCEP_PARTIES, hs_min_digits=6,
             extra_basic=("third_party_invoice", "application_remarks") + BACK_TO_BACK,
             goods_after_criteria=("criterion_extra", "origin_country"), goods_extra_required=frozenset({"origin_country"}),
             layout="rcep", tick_boxes=("back_to_back", "third_party_invoice", "issued_retroactively")),
    *(CertType(code, f"中国-{zh}自贸区原产地证", f"China-{en} FTA Certificate of Origin", f"2.{n}", family="fta",
               agreement=code, destinations=(code,), item_cap=20, hs_min_digits=6, layout=f"fta_{code.lower()}")
      for n, (code, zh, en) in enumerate((("GE", "格鲁吉亚", "Georgia"), ("MU", "毛里求斯", "Mauritius"),
                                          ("KH", "柬埔寨", "Cambodia"), ("NI", "尼加拉瓜", "Nicaragua"),
                                          ("EC", "厄瓜多尔", "Ecuador"), ("RS", "塞尔维亚", "Serbia"),
                                          ("MV", "马尔代夫", "Maldives")), start=2)),
    # 原产地声明 by an approved exporter (GACC Order 254): printed on the invoice, reported to the authority.
    *(CertType(code, f"{zh}原产地声明", f"{en} Origin Declaration", f"3.{n}", agreement=agreement,
               destinations=dest, hs_min_digits=6, document="declaration", layout="declaration",
               goods_after_criteria=("origin_country",) if agreement == "RCEP" else ())
      for n, (code, agreement, zh, en, dest) in enumerate((
          ("VS", "S", "中国-瑞士自贸区", "China-Switzerland FTA", ("CH", "LI")),
          ("VI", "I", "中国-冰岛自贸区", "China-Iceland FTA", ("IS",)),
          ("VM", "MU", "中国-毛里求斯自贸区", "China-Mauritius FTA", ("MU",)),
          ("VN", "N", "中国-新西兰自贸区", "China-New Zealand FTA", ("NZ",)),
          ("VR", "RCEP", "RCEP", "RCEP", RCEP_PARTIES)), start=1)),
)}


def get_type(code: str) -> CertType | None:
    return TYPES.get(code)
