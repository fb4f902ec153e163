"""Certificate numbers under concurrent first saves: never duplicated, none skipped (SQLite and PostgreSQL)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from app.certificates.models import Certificate
from app.extensions import db
from tests.support import GENERAL_BASIC, login, page_form

PARALLEL = 8


def test_eight_clerks_saving_new_certificates_at_once_get_eight_different_numbers(app, cast, captchas):
    clients = []
    for _ in range(PARALLEL):
        client = app.test_client()
        login(client, captchas, "clerk_a")
        clients.append((client, page_form(client, "/certificates/new/C")))
    start = threading.Barrier(PARALLEL)

    def first_save(args):
        client, hidden = args
        start.wait()  # all eight requests leave together
        return client.post("/certificates/new/C", data={**hidden, **GENERAL_BASIC, "action": "save"}).status_code

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        codes = list(pool.map(first_save, clients))
    assert codes == [302] * PARALLEL
    with app.app_context():
        numbers = sorted(db.session.scalars(sa.select(Certificate.cert_no)))
    serials = [int(n[-4:]) for n in numbers]
    assert len(set(numbers)) == PARALLEL
    assert serials == list(range(1, PARALLEL + 1))  # one counter, no gaps, no repeats


def test_concurrent_copies_get_different_numbers_too(app, cast, captchas, make_certificate):
    original = make_certificate(items=2)
    clients = []
    for _ in range(PARALLEL):
        client = app.test_client()
        login(client, captchas, "clerk_a")
        clients.append((client, page_form(client, f"/certificates/{original}")))
    start = threading.Barrier(PARALLEL)

    def copy(args):
        client, hidden = args
        start.wait()
        return client.post(f"/certificates/{original}/copy", data={"csrf_token": hidden["csrf_token"]}).status_code

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        assert list(pool.map(copy, clients)) == [302] * PARALLEL
    with app.app_context():
        numbers = list(db.session.scalars(sa.select(Certificate.cert_no)))
    assert len(numbers) == len(set(numbers)) == PARALLEL + 1
