"""Printing speed (target: a 2-page certificate with 30 goods rows renders in < 500 ms median; 100 and 300
rows finish without quadratic blow-up). Prints the median and max of several renders of each size.

Run: make bench (or .venv/bin/python bench/printing.py).
"""
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.certificates import services  # noqa: E402
from app.certificates.entry_forms import basic_form_class, goods_form_class  # noqa: E402
from app.certificates.models import Certificate  # noqa: E402
from app.certificates.types import TYPES  # noqa: E402
from app.extensions import db  # noqa: E402
from app.printing import service  # noqa: E402
from app.refdata.services import load_tables  # noqa: E402
from tests.support import GENERAL_BASIC, GOODS_ROW  # noqa: E402

SIZES, RUNS = (30, 100, 300), 5


def main():
    workdir = Path(tempfile.mkdtemp(prefix="co-bench-print-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                      "DATA_ENCRYPTION_KEYS": "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M=",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    with app.app_context():
        upgrade()
        load_tables()
        enterprise = accounts.create_enterprise(name="基准企业", admin_username="bench_admin",
                                                admin_display_name="bench", admin_password="Bench-pass1")
        q = enterprise.qualification
        q.co_reg_no, q.org_code, q.name_cn = "310000001", "91350100M000100Y43", "基准企业"
        ids = {}
        with app.test_request_context("/", method="POST", data=GENERAL_BASIC):
            for rows in SIZES:
                form = basic_form_class(TYPES["C"])(meta={"csrf": False})
                form.validate()
                cert = services.create(enterprise, TYPES["C"], form.data, enterprise.users[0], date(2026, 11, 20))
                goods = goods_form_class(TYPES["C"])(formdata=MultiDict(GOODS_ROW), meta={"csrf": False})
                goods.validate()
                for _ in range(rows):
                    services.add_item(cert, goods.data)
                ids[rows] = cert.id
        db.session.commit()
    with app.test_request_context("/"):
        service.document(db.session.get(Certificate, ids[30]), "certificate", "standard", "http://localhost/")
        print(f"{'goods rows':>10} {'pages':>6} {'median ms':>10} {'max ms':>8}")
        for rows, cert_id in ids.items():
            cert = db.session.get(Certificate, cert_id)
            times = []
            for _ in range(RUNS):
                started = time.perf_counter()
                pdf = service.document(cert, "certificate", "standard", "http://localhost/")
                times.append((time.perf_counter() - started) * 1000)
            pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
            print(f"{rows:>10} {pages:>6} {statistics.median(times):>10.0f} {max(times):>8.0f}")


if __name__ == "__main__":
    main()
