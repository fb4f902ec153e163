"""Two receipt polls of the same enterprise at once, with two real connections: the jobs process runs
`send_outbox` (which polls right after delivering) and `poll_receipts` in two threads, and a clerk's 获取回执 may
come at the same moment. Found by bench/load.py on PostgreSQL: the second poll's certificate update met the
first one's (StaleDataError), its job run was rolled back and the receipts came only at the next run. Now the
polls of one enterprise take turns: each receipt is stored and applied once, and neither poll fails."""
import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from app.accounts.models import Enterprise
from app.certificates import services
from app.certificates.models import Certificate
from app.certificates.states import Status
from app.exchange import outbox, polling
from app.exchange.models import Receipt
from app.extensions import db

TRIALS = 8


def _delivered(app, make_certificate) -> int:
    """A 一般原产地证 declared and delivered: the authority's automatic review has answered (receipts waiting)."""
    cert_id = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert services.declare(cert, None, cert.application_date, undertaking=True) == []
        db.session.commit()
        assert outbox.send_due()[0] == 1
        db.session.commit()
    return cert_id


def _poll_twice_at_once(app, enterprise_id) -> list:
    start = threading.Barrier(2)

    def poll():
        with app.app_context():
            start.wait()
            try:
                return polling.poll(db.session.get(Enterprise, enterprise_id))
            except Exception as exc:  # noqa: BLE001 — reported below, with the trial
                db.session.rollback()
                return exc
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return [f.result() for f in [pool.submit(poll), pool.submit(poll)]]


def test_two_polls_at_once_apply_each_receipt_once_and_neither_fails(app, cast, make_certificate):
    for _ in range(TRIALS):
        cert_id = _delivered(app, make_certificate)
        results = _poll_twice_at_once(app, cast.ent_a)
        assert all(isinstance(r, int) for r in results), results
        with app.app_context():
            cert = db.session.get(Certificate, cert_id)
            receipts = db.session.scalars(sa.select(Receipt).where(Receipt.certificate_id == cert_id)).all()
            assert cert.status == Status.ISSUED, (cert.status, results)
            assert len({(r.cert_no, r.seq) for r in receipts}) == len(receipts)  # none stored twice
            assert sum(results) == len(receipts)  # between them, the two polls applied each receipt once
