"""Issue 14: the tariff year is data. A sysadmin loads a newer year's file through 参数表; its new codes are in force
from 1 January, the codes it dropped stop then: older certificates keep them, drafts dated after are refused at
申报 and marked on their goods list."""
import sqlalchemy as sa

from app.extensions import db
from app.refdata import search, tariff
from app.refdata.hs import check_hs_code
from app.refdata.models import CodeEntry
from tests.support import GENERAL_BASIC, csrf_token, page_form, problems as problems_of

HEADER = "code,name_zh,name_en,unit1_code,unit1_zh,unit1_en,unit2_code,unit2_zh,unit2_en\n"


def _file_2027(app) -> bytes:
    """Chapter 96 of the 2023 file without 9603.2100 (toothbrushes) and with a new 9603.2110, saved by Chinese
    Excel (GB18030). (A whole tariff is 1.2 MB: the test client would spool it to a file it never closes.)"""
    with app.app_context():
        rows = db.session.execute(sa.select(CodeEntry.code, CodeEntry.name_zh, CodeEntry.name_en).where(
            CodeEntry.table == "hs", CodeEntry.category == "hs8", CodeEntry.code.like("96%"),
            CodeEntry.code != "96032100")).all()
    lines = [f'{code},"{zh}","{en}",01,个,Number of item,,,' for code, zh, en in rows]
    lines.append('96032110,电动牙刷,"Electric tooth brushes",01,把,Number of item,,,')
    return (HEADER + "\n".join(lines) + "\n").encode("gb18030")


def _upload(client, data: bytes, year="2027", name="tariff-2027.csv"):
    from io import BytesIO

    page = client.get("/admin/refdata/hs").get_data(as_text=True)
    return client.post("/admin/refdata/hs/tariff", data={"csrf_token": csrf_token(page), "year": year,
                                                         "file": (BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_newer_years_tariff_ends_the_codes_it_dropped_from_its_first_day(app, client, cast, log_in,
                                                                          make_certificate):
    cert_id = make_certificate(items=1, application_date="2026-11-20")  # 9603.21: heading with 9603.2100 under it
    log_in("root_admin")
    page = client.get("/admin/refdata/hs").get_data(as_text=True)
    assert 'id="hs-tariff-form"' in page.split("</h1>", 1)[1]  # on the page, once, not in its title
    assert page.count('id="hs-tariff-form"') == 1 and "<title>参数表：HS编码" in page
    response = _upload(client, _file_2027(app))
    assert response.status_code == 302
    assert "已载入 2027 年税则：新增 1 条" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert check_hs_code("96032100", __import__("datetime").date(2026, 12, 31)) == ("96032100", None)
        assert "自 2027-01-01 起已不在税则中" in check_hs_code("96032100", __import__("datetime").date(2027, 1, 2))[1]
        assert check_hs_code("9603211000", __import__("datetime").date(2027, 3, 1)) == ("9603211000", None)
        assert "自 2027-01-01 起才列入税则" in check_hs_code("96032110", __import__("datetime").date(2026, 6, 1))[1]
        assert search.get("hs", "96032110").name_zh == "电动牙刷"
        assert "valid_until" not in search.get("hs", "96031000").attrs  # still in the file
        assert search.get("hs", "85171300").attrs["valid_until"] == "2027-01-01"  # not in this (partial) file


def test_a_draft_using_a_dropped_code_is_marked_and_refused(app, client, captchas, cast, log_in, make_certificate):
    from tests.support import login

    admin = app.test_client()
    login(admin, captchas, "root_admin")
    assert _upload(admin, _file_2027(app), year="2026").status_code == 302  # the 2026 tariff drops 9603.2100
    cert_id = make_certificate(items=0, application_date="2026-11-20")
    with app.app_context():
        from app.certificates import services
        from app.certificates.models import Certificate
        from app.certificates.entry_forms import goods_form_class
        from app.certificates.types import TYPES
        from tests.support import GOODS_ROW
        from werkzeug.datastructures import MultiDict

        goods = goods_form_class(TYPES["C"])(formdata=MultiDict({**GOODS_ROW, "hs_code": "96032100"}),
                                             meta={"csrf": False})
        assert goods.validate(), goods.errors
        with app.test_request_context("/"):
            services.add_item(db.session.get(Certificate, cert_id), goods.data)
        db.session.commit()
    log_in("clerk_a")
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert 'class="field-error hs-stale"' in page and "9603.2100 自 2026-01-01 起已不在税则中" in page
    url = f"/certificates/{cert_id}"
    listed = problems_of(client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "action": "declare", "undertaking": "y"})
                         .get_data(as_text=True))
    assert "第 1 项：HS编码 9603.2100 自 2026-01-01 起已不在税则中" in listed


def test_a_bad_tariff_file_changes_nothing_and_says_which_lines(app, client, cast, log_in):
    log_in("root_admin")
    data = (HEADER + "9603210,牙刷,Tooth brushes,,,,,,\n96032100,,Tooth brushes,,,,,,\n").encode()
    response = _upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 2 行：商品编码“9603210”应为 8 位数字" in html and "第 3 行：商品编码 96032100 缺少中文或英文名称" in html
    with app.app_context():
        assert "valid_until" not in search.get("hs", "96032100").attrs
    assert "年度应在 2000 至 2100 之间" in _upload(client, data, year="1999").get_data(as_text=True)


def test_the_parse_reads_gb18030_and_refuses_other_encodings():
    assert tariff.decode("电动牙刷".encode("gb18030")) == "电动牙刷"
    assert tariff.decode("\ufeff电动牙刷".encode("utf-8")) == "电动牙刷"
    rows, problems = tariff.parse(HEADER + "96032110,电动牙刷,Electric tooth brushes,,,,,,\n", 10)
    assert problems == [] and rows[0]["code"] == "96032110"
    assert tariff.parse("code,name\n1,2\n", 10)[1][0][1].startswith("缺少列")


def _code_table_reads(app, client, cert_id) -> int:
    seen = []

    def listener(_conn, _cursor, statement, *_args):
        if "code_entries" in statement:
            seen.append(statement)
    with app.app_context():
        engine = db.engine
    client.get(f"/certificates/{cert_id}")  # the process caches of the short tables are warm
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(f"/certificates/{cert_id}").status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_a_goods_list_reads_the_tariff_of_all_its_rows_in_one_query(app, client, cast, log_in, make_certificate):
    """The 已失效 mark of every row costs one query, not one per row: six rows of six codes read the code tables
    as often as one row."""
    from app.certificates.models import CertificateItem

    one, six = make_certificate(items=1), make_certificate(items=6)
    with app.app_context():
        codes = ["85171300", "96032100", "39241000", "61091000", "64041100", "85076000"]
        for cert_id, chosen in ((one, codes[:1]), (six, codes)):
            items = db.session.scalars(sa.select(CertificateItem).where(CertificateItem.certificate_id == cert_id))
            for item, code in zip(items, chosen):
                item.hs_code = code
        db.session.commit()
    log_in("clerk_a")
    assert _code_table_reads(app, client, six) == _code_table_reads(app, client, one)
