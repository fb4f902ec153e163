"""The code tables (参数表) the system knows, and how each is looked up."""
import re
import unicodedata
from dataclasses import dataclass


def fold(text: str | None) -> str:
    """Width-folded (NFKC), lower-case, single-spaced text: how codes and names are compared."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().lower()


# What a person leaves out or types differently in a name: spaces, hyphens, dots, commas, slashes, apostrophes,
# brackets and the Chinese punctuation of the tariff's names ("hochiminh" finds "Ho Chi Minh City").
_JOINERS = re.compile(r"[\s\-.,/'’()（）、，；：:;·]+")


def compact(text: str | None) -> str:
    """fold() without the spaces and punctuation that join words: what a search term is matched against."""
    return _JOINERS.sub("", fold(text))


def upper_code(text: str) -> str:
    return fold(text).upper()


def hs_code(text: str) -> str:
    """HS codes are typed with or without dots and spaces ("8517.13", "8517 13 00"): keep the digits."""
    folded = fold(text)
    return re.sub(r"[\s.\-]", "", folded) if re.fullmatch(r"[\d\s.\-]+", folded or "x") else folded.upper()


def dotted_hs(code: str) -> str:
    """How an HS code reads: 9603 · 9603.21 · 9603.2100 · 9603.2100.10 (the tariff's own layout)."""
    if not code.isdigit() or len(code) <= 4:
        return code
    return f"{code[:4]}.{code[4:8]}" + (f".{code[8:]}" if len(code) > 8 else "")


@dataclass(frozen=True)
class TableDef:
    key: str
    label: str
    short: bool  # small enough for a plain <select> when JavaScript is off
    code_label: str = "代码"
    category_label: str = ""
    normalise_code: object = upper_code
    dialog: bool = False  # offers a query dialog (弹框) beside the field
    help: str = ""


TABLES: dict[str, TableDef] = {t.key: t for t in (
    TableDef("country", "国家/地区", short=False, code_label="二字代码", dialog=True,
             help="ISO 3166-1；可输入代码、中文或英文名称"),
    TableDef("authority", "质检机构代码", short=True, help="签证机构、领证机构"),
    TableDef("trade_mode", "质检原产地证贸易方式代码表", short=True),
    TableDef("transport_mode", "运输方式", short=True),
    TableDef("port", "港口", short=False, code_label="UN/LOCODE", category_label="国家/地区", dialog=True,
             help="启运港、卸货港；可输入代码、中文或英文名称"),
    TableDef("package_unit", "包装单位", short=True),
    TableDef("quantity_unit", "数量单位", short=True),
    TableDef("weight_unit", "重量单位", short=True),
    TableDef("currency", "币制", short=False, code_label="ISO 4217"),
    TableDef("hs", "HS编码", short=False, code_label="HS编码", category_label="级别", normalise_code=hs_code,
             dialog=True, help="中国海关税则八位商品编码（十位编码按前八位校验）及 HS 2022 四位、六位编码；可输入编码、"
             "中文、英文或拼音首字母"),
    TableDef("origin_criterion", "原产地标准", short=True, category_label="协定（证书类型）"),
    TableDef("agreement", "协定", short=True, code_label="协定代码",
             help="附加属性：number_prefix 证书号字母；declaration_text 原产地声明文字（{approval_no} 处填核准出口商编号）"),
    TableDef("agreement_member", "协定成员及生效日期", short=True, code_label="国家/地区代码",
             category_label="协定（证书类型）", help="附加属性：valid_from 起适用日期；valid_until 自该日起不再适用；"
             "note 不再适用时显示给用户的说明"),
)}


def table_or_none(key: str) -> TableDef | None:
    return TABLES.get(key)
