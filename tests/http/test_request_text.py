"""Text that arrives with NUL characters (pasted binary junk) is stored and searched without them, on SQLite and
on PostgreSQL alike (PostgreSQL refuses a NUL in text: it used to answer 500)."""
from app.certificates.models import Certificate
from app.extensions import db
from tests.support import GENERAL_BASIC, page_form


def test_it_drops_nul_characters_from_a_saved_form(app, client, cast, log_in):
    log_in("clerk_a")
    url = "/certificates/new/C"
    response = client.post(url, data={**page_form(client, url), **GENERAL_BASIC, "action": "save",
                                      "importer_name": "HANS\x00 GMBH", "remarks": "\x00\x00"})
    assert response.status_code == 302
    with app.app_context():
        cert = db.session.get(Certificate, int(response.headers["Location"].rsplit("/", 1)[1]))
        assert cert.importer_name == "HANS GMBH" and cert.remarks is None


def test_it_drops_nul_characters_from_query_parameters(client, cast, log_in, make_certificate):
    make_certificate(invoice_no="INV-NUL-1")
    log_in("clerk_a")
    response = client.get("/certificates?invoice=INV-NUL\x00-1&cert_no=%00")
    assert response.status_code == 200 and "共 1 票" in response.get_data(as_text=True)
