"""Line breaking for the printed forms (app/printing/wrap.py): English breaks only at spaces and after the hyphen
of a compound word, Chinese between characters but never before closing or after opening punctuation, and
`fit` shrinks a text until it fits its box."""
import pytest

from app.printing import fonts
from app.printing.wrap import CANNOT_END, CANNOT_START, PT_PER_MM, chunks, fit, wrap


def mono(text: str, size: float, bold: bool = False) -> float:
    """Half an em per Latin character, one em per Chinese one."""
    return sum(size * (1.0 if ord(c) > 0x2E7F else 0.5) for c in text)


def test_it_breaks_english_at_spaces_only():
    lines, cut = wrap("FROM SHANGHAI TO HAMBURG BY SEA, VESSEL/VOYAGE: COSCO PRIDE V.123E", 80, 10, mono)
    assert not cut
    assert lines == ["FROM SHANGHAI TO", "HAMBURG BY SEA,", "VESSEL/VOYAGE:", "COSCO PRIDE", "V.123E"]
    assert all(mono(line, 10) <= 80 for line in lines)


def test_it_breaks_after_the_hyphen_of_a_compound_word_but_not_inside_a_number():
    assert chunks("BACK-TO-BACK") == [("BACK-", False), ("TO-", False), ("BACK", False)]
    assert chunks("INV-2026-001 JP-2026-RCEP-000123") == [("INV-2026-001", False), ("JP-2026-RCEP-000123", True)]
    assert chunks("X-RAY") == [("X-RAY", False)]


def test_chinese_breaks_between_characters_but_punctuation_stays_with_its_neighbour():
    assert chunks("出口（上海），完毕。") == [("出", False), ("口", False), ("（上", False), ("海），", False),
                                         ("完", False), ("毕。", False)]
    text = "本证书所列货物分两批出运（第一批：一千箱；第二批：一千箱），信用证号：“二〇二六一二三四”。" * 4
    for width in range(30, 200, 7):
        lines, _cut = wrap(text, width, 10, mono)
        assert "".join(lines) == text
        assert not any(line[0] in CANNOT_START for line in lines[1:] if line)
        assert not any(line[-1] in CANNOT_END for line in lines[:-1] if line)


def test_english_inside_chinese_stays_whole():
    lines, cut = wrap("发票号INV-2026-001，船名COSCO PRIDE", 80, 10, mono)
    assert not cut and lines == ["发票号", "INV-2026-001，船", "名COSCO PRIDE"]


def test_line_breaks_of_the_text_are_kept():
    assert wrap("A\n\nB", 100, 10, mono)[0] == ["A", "", "B"]


def test_a_word_wider_than_the_line_is_cut_only_as_the_last_resort():
    lines, cut = wrap("ABCDEFGHIJ KL", 20, 10, mono)
    assert cut and lines == ["ABCD", "EFGH", "IJ", "KL"]
    shrunk = fit("ABCDEFGHIJ", 25.1 / PT_PER_MM, None, mono, (10, 6, 5))  # 10 × 2.5 pt = 25 pt: fits at 5 pt
    assert shrunk.size == 5 and shrunk.lines == ("ABCDEFGHIJ",)


def test_fit_shrinks_the_text_until_it_fits_the_height():
    text = " ".join(["WORD"] * 40)
    roomy = fit(text, 50, None, mono)
    assert roomy.size == 8 and not roomy.overflow
    tight = fit(text, 50, 12, mono)
    assert tight.size < 8 and tight.height <= 12 * PT_PER_MM and not tight.overflow
    hopeless = fit(text, 50, 2, mono)
    assert hopeless.size == 5 and hopeless.overflow


def test_fit_of_nothing_is_no_lines():
    assert fit("", 50, 10, mono).lines == () and fit(None, 50, 10, mono).lines == ()


@pytest.mark.parametrize("text", ["VESSEL", "牙刷", "ISSUED RETROACTIVELY", "证书号：X"])
def test_the_real_font_widths_are_positive_and_grow_with_size(text):
    measure = fonts.measurer(fonts.cjk_font_path())
    assert 0 < measure(text, 8) < measure(text, 10)
    assert measure(text, 8, True) >= measure(text, 8) * 0.95
