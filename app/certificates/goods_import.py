"""导入货物: the goods rows of a spreadsheet as goods-row form data, and what is wrong with them. Pure: no Flask,
no database.

The file's first row names the columns: the Chinese labels of the goods fields (as the template writes them) or
their English field names, in any order. Every data row becomes the form data a clerk would have typed into the
row editor; the view builds the type's goods form from it, so the checks of typing run and their messages are
reported. A problem names the row as the spreadsheet numbers it and the column by its title in the file.
"""
import re
import unicodedata
from dataclasses import dataclass, field

from .fieldspecs import GOODS_FIELDS
from .types import CertType

PRODUCT_CODE = "product_code"  # optional: a 商品库 product whose values fill the row's empty cells
PRODUCT_TITLE = "商品编号"
MAX_LISTED = 200  # problems listed on the page (the rest are counted)
TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "on"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "", "off"})
YES = "y"  # what a ticked check box posts


@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet's row number (1: the header)
    column: str  # the column's title as the file has it
    message: str
    letter: str = ""  # the column's letter (A, B … AA) as the spreadsheet shows it


@dataclass
class Columns:
    """What each column of the file is: a goods field of this type, a goods field it does not have, or nothing."""

    fields: dict[int, str] = field(default_factory=dict)  # cell index → field name (or PRODUCT_CODE)
    titles: dict[int, str] = field(default_factory=dict)  # cell index → title as written in the file
    foreign: dict[int, str] = field(default_factory=dict)  # cell index → a goods field of other types only
    untitled: set[int] = field(default_factory=set)  # columns without a title: fine while empty

    def title_of(self, name: str) -> tuple[str, str]:
        """(title in the file, column letter) of a field; its label when the file has no such column."""
        for index, field_name in self.fields.items():
            if field_name == name:
                return self.titles[index], column_letter(index)
        return title(name), ""


def template_fields(ctype: CertType) -> list[str]:
    """The template's columns: 商品编号, then the type's goods fields in the row editor's order."""
    return [PRODUCT_CODE, *ctype.goods_fields]


def title(name: str) -> str:
    return PRODUCT_TITLE if name == PRODUCT_CODE else GOODS_FIELDS[name].label


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as the spreadsheet names its columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def fold(text: str) -> str:
    """A title as compared: half-width, no spaces, no required marks (*), case ignored."""
    text = unicodedata.normalize("NFKC", text or "").strip().strip("*").strip()
    return re.sub(r"\s+", "", text).lower()


def _names() -> dict[str, str]:
    """Every title a column may have → the field: label, label without its bracket (金额), field name."""
    names = {fold(PRODUCT_TITLE): PRODUCT_CODE, PRODUCT_CODE: PRODUCT_CODE}
    for name, spec in GOODS_FIELDS.items():
        names[fold(spec.label)] = name
        names[fold(name)] = name
        short = fold(re.sub(r"（[^）]*）|\([^)]*\)", "", spec.label))
        names.setdefault(short, name)
    return names


TITLES = _names()


def read_header(header: list[str], ctype: CertType, header_row: int = 1) -> tuple[Columns, list[Problem]]:
    """The columns of the file; an unknown or repeated title is a problem of the header row."""
    columns, problems = Columns(), []
    own = set(template_fields(ctype))
    for index, text in enumerate(header):
        text = (text or "").strip()
        letter = column_letter(index)
        if not text:
            columns.untitled.add(index)
            continue
        name = TITLES.get(fold(text))
        if name is None:
            problems.append(Problem(header_row, text, "无法识别的列标题：请使用模板中的列标题（可点击“下载模板”查看），"
                                                      "或删除该列", letter))
        elif name in columns.fields.values():
            first, first_letter = columns.title_of(name)
            problems.append(Problem(header_row, text, f"与 {first_letter} 列“{first}”重复：每项内容只能有一列",
                                    letter))
        elif name not in own:
            columns.foreign[index] = text
        else:
            columns.fields[index] = name
            columns.titles[index] = text
    if not columns.fields and not problems:
        problems.append(Problem(header_row, "", "第一行应为列标题（如 HS编码、货物英文名称、数量），"
                                                "请使用模板或在第一行填写列标题"))
    return columns, problems


def yes_no(text: str) -> bool | None:
    """是/否 as a clerk writes it in a cell (是, Y, 1, √ … / 否, N, 0, empty); None when it is neither."""
    folded = fold(text)
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    return None


def row_cells(number: int, cells: list[str], columns: Columns, ctype: CertType) -> tuple[dict, list[Problem]]:
    """One data row as {field: text typed}; problems of its cells that no form field checks."""
    values, problems = {}, []
    for index, text in enumerate(cells):
        text = (text or "").strip()
        if not text:
            continue
        letter = column_letter(index)
        if index in columns.fields:
            values[columns.fields[index]] = text
        elif index in columns.foreign:
            problems.append(Problem(number, columns.foreign[index], f"{ctype.name}没有这一栏，请清空或删除该列", letter))
        elif index in columns.untitled:
            problems.append(Problem(number, f"{letter} 列", "该列没有列标题，无法确定填写的内容；请在第一行填写列标题"
                                                          "或删除该列", letter))
    for name in values:
        if GOODS_FIELDS.get(name) is not None and GOODS_FIELDS[name].kind == "bool":
            answer = yes_no(values[name])
            if answer is None:
                column, letter = columns.title_of(name)
                problems.append(Problem(number, column, "请填写“是”或“否”", letter))
            values[name] = YES if answer else ""
    return {name: text for name, text in values.items() if text}, problems


def filled(values: dict, *fallbacks: dict) -> dict:
    """The row's own values; an empty cell takes the first fallback (商品库, then 初始值设置) that has it."""
    result = dict(values)
    for fallback in fallbacks:
        for name, value in fallback.items():
            if name != PRODUCT_CODE and value not in (None, "") and not result.get(name):
                result[name] = value if isinstance(value, str) else str(value)
    return result


def matches(values: dict, sample: dict) -> bool:
    """Is this row the template's sample row, unchanged (it is skipped, not imported)?"""
    wanted = {name: fold(str(text)) for name, text in sample.items() if str(text).strip()
              and not (name in GOODS_FIELDS and GOODS_FIELDS[name].kind == "bool" and yes_no(str(text)) is False)}
    got = {name: fold(text) for name, text in values.items() if text}
    return bool(wanted) and got == wanted


def form_problems(number: int, errors: dict, columns: Columns) -> list[Problem]:
    """The goods form's messages (field → messages, None → the form's own) as problems of this row."""
    problems = []
    for name, messages in errors.items():
        column, letter = columns.title_of(name) if name in GOODS_FIELDS else ("", "")
        for message in messages:
            problems.append(Problem(number, column, message, letter))
    return problems


def sample(ctype: CertType, criterion: str | None = None) -> dict[str, str]:
    """The template's sample row (codes; the view shows lookups by their labels). 货物描述 is left empty: it is
    generated on import."""
    values = {"hs_code": "9603.21", "importing_hs": "96032100", "name_cn": "牙刷", "name_en": "TOOTHBRUSH",
              "quantity": "20000", "quantity_unit": "PCS", "package_count": "2000", "package_unit": "CTNS",
              "gross_weight": "1200", "net_weight": "1000", "weight_unit": "KGS", "amount": "5000",
              "currency": "USD", "origin_country": "CN", "non_goods": "否"}
    if criterion:
        values["origin_criterion"] = criterion
    return {name: value for name, value in values.items() if name in ctype.goods_fields}


def too_many_rows(count: int, existing: int, cap: int) -> str:
    """What the clerk reads when the file's rows do not fit under the certificate's row cap."""
    room = max(0, cap - existing)
    return (f"文件有 {count} 行货物，本证书已有 {existing} 项，每份证书最多 {cap} 项货物（含非货物项），"
            f"最多还能导入 {room} 行；未导入任何数据。请删去多余的行，其余货物另开一份证书导入。")


def too_large(size_limit: int) -> str:
    return (f"文件超过 {size_text(size_limit)} 的上限，未导入任何数据；请只保留货物信息（删除图片和其他工作表），"
            "或分成几个文件分别导入")


def size_text(size: int) -> str:
    if size % 2 ** 20 == 0:
        return f"{size // 2 ** 20} MB"
    return f"{size // 1024} KB" if size >= 1024 else f"{size} 字节"
