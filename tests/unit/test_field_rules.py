"""Issue 14: each field rule has one definition (fieldspecs + fieldchecks), and the checks refuse what customs
refuses: unprintable characters, full-width English, non-finite numbers, misplaced thousands separators."""
import re
from decimal import Decimal
from pathlib import Path

import pytest

from app.certificates.fieldchecks import number_problem, text_problem
from app.certificates.fieldspecs import BASIC_FIELDS, GOODS_FIELDS, PATTERNS
from app.refdata.search import initials, search_text_for
from app.refdata.tables import compact, dotted_hs
from app.textrules import half_width
from app.web.formfields import without_thousands

APP = Path(__file__).resolve().parents[2] / "app"

# The text of each rule: wherever it appears, that is where the rule is defined.
RULE_TEXTS = {
    "email pattern": r"[^@\s]+@[^@\s]+\.[^@\s]+",
    "phone pattern": r"0-9+()",
    "forbidden marks": "AS PER INVOICE；无唛头请填",
    "issuing = collecting authority": "签证机构和领证机构必须一致",
    "Chinese in English text": r"\u3400-\u9fff",
    "full-width to half-width": "0xFF01",
    "thousands separators": "千位分隔符位置不正确",
    "printable characters": "REFUSED_CATEGORIES = ",
}


def _sources():
    for path in APP.rglob("*"):
        if path.suffix in (".py", ".js", ".html") and "vendor" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", sorted(RULE_TEXTS))
def test_each_rule_is_written_in_one_place_only(rule):
    text = RULE_TEXTS[rule]
    places = [str(path.relative_to(APP)) for path, source in _sources() if text in source]
    assert len(places) == 1, f"{rule} is defined in {places}"


def test_the_browser_has_no_copy_of_a_field_pattern():
    scripts = "".join(p.read_text(encoding="utf-8") for p in (APP / "static" / "js").glob("*.js"))
    for pattern, _message in PATTERNS.values():
        assert pattern.strip("^$*") not in scripts
    assert "AS PER INVOICE" not in scripts
    assert "slice(2, 4)" not in scripts  # GSP W's 辅助项 (the HS heading as XX.XX) is the server's: criterion_aux


@pytest.mark.parametrize("text, refused", [("TOOTHBRUSH", None), ("TOOTH😀BRUSH", "😀"), ("A\u200bB", "U+200B"),
                                           ("\ue000", "U+E000"), ("☎ 021", "☎"), ("LINE 1\nLINE 2", None),
                                           ("CAFÉ Nº 5 – 10%", None)])
def test_only_characters_a_certificate_prints_are_accepted(text, refused):
    message = text_problem(GOODS_FIELDS["name_en"], text, True)
    assert (message is None) if refused is None else (refused in message and "无法打印" in message)


def test_english_fields_refuse_chinese_and_full_width_is_made_half_width():
    assert "须用英文填写" in text_problem(BASIC_FIELDS["importer_name"], "汉斯公司", True)
    assert text_problem(BASIC_FIELDS["importer_name"], "汉斯公司", False) is None  # 海峡两岸 is in Chinese
    assert half_width("ＨＡＮＳ　ＧＭＢＨ，ＮＯ．１０") == "HANS GMBH,NO.10"
    assert text_problem(BASIC_FIELDS["importer_name"], half_width("ＨＡＮＳ　ＧＭＢＨ"), True) is None


@pytest.mark.parametrize("value, message", [(Decimal("Infinity"), "须为有限的数字"), (Decimal("NaN"), "须为有限的数字"),
                                            (Decimal("0"), "必须大于 0"), (Decimal("1E+20"), "超出范围"),
                                            (Decimal("1.23456"), "最多 4 位小数"), (Decimal("20000"), None)])
def test_numbers_must_be_finite_positive_and_fit_the_column(value, message):
    found = number_problem(GOODS_FIELDS["quantity"], value)
    assert (found is None) if message is None else (message in found)


@pytest.mark.parametrize("typed, allowed, result", [("1,250", True, "1250"), ("12,500.5", True, "12500.5"),
                                                    ("1,25", True, ValueError), ("1,000", False, ValueError),
                                                    ("1000", False, "1000")])
def test_thousands_separators_only_where_the_field_takes_them(typed, allowed, result):
    if result is ValueError:
        with pytest.raises(ValueError):
            without_thousands(typed, allowed)
    else:
        assert without_thousands(typed, allowed) == result


def test_pinyin_initials_and_words_without_spaces_are_searchable():
    assert initials("牙刷，包括齿板刷") == ["ys", "bkcbs"]
    text = search_text_for("96032100", "牙刷，包括齿板刷", "Tooth brushes, including dental-plate brushes")
    assert text.startswith("|ys|bkcbs|") and "toothbrushes" in text and "dentalplate" in text
    assert compact("Ho Chi Minh City") == "hochiminhcity" and compact("ho-chi-minh") == "hochiminh"
    assert dotted_hs("96032100") == "9603.2100" and dotted_hs("851713") == "8517.13" and dotted_hs("9603") == "9603"


def test_no_rule_module_keeps_its_own_email_or_chinese_pattern():
    for path, source in _sources():
        if path.suffix == ".py":
            assert not re.search(r"EMAIL\s*=\s*(re\.compile|Regexp)", source), path


def test_a_preferential_certificate_is_issued_retroactively_only_within_a_year_of_shipment():
    from datetime import date
    from types import SimpleNamespace

    from app.certificates.rules import date_problems
    from app.certificates.types import TYPES

    def found(code, departure):
        cert = SimpleNamespace(application_date=date(2026, 11, 20), invoice_date=None, departure_date=departure)
        return [p.message for p in date_problems(cert, date(2026, 11, 25), TYPES[code])]

    assert any("已超过中国-东盟自贸区原产地证可补发的期限" in m for m in found("E", date(2025, 11, 1)))
    assert found("E", date(2026, 1, 5)) == []  # retroactive, within the year
    assert found("C", date(2025, 11, 1)) == []  # 一般原产地证: no such limit here


def test_places_export_from_a_chinese_port_to_a_port_of_the_destination_or_a_declared_transit():
    from types import SimpleNamespace

    from app.certificates.rules import place_problems
    from app.certificates.types import TYPES

    ports = {"CNSHA": "CN", "DEHAM": "DE", "BEANR": "BE", "JPTYO": "JP"}.get

    def found(**values):
        cert = SimpleNamespace(**{"destination_country": "DE", "port_of_loading": "CNSHA", "port_of_discharge": "DEHAM",
                                  "transport_details": "FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA", **values})
        return [(p.field, p.message) for p in place_problems(cert, TYPES["C"], ports)]

    assert found() == []
    assert found(destination_country="CN", port_of_discharge="CNSHA")[0] == (
        "destination_country", "原产地证书用于出口，目的地国家/地区不能是中国")
    assert found(port_of_loading="JPTYO")[0][0] == "port_of_loading"
    assert found(port_of_discharge="BEANR")[0][0] == "port_of_discharge"
    assert found(port_of_discharge="BEANR", transport_details="FROM SHANGHAI TO HAMBURG VIA ANTWERP") == []
    assert found(port_of_discharge="CNSHA")[0][1].startswith("卸货港 CNSHA 是中国港口")
    assert found(port_of_discharge="XXYYY") == []  # a port the table does not know is the lookup's to refuse
