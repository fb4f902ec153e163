"""导入货物 speed on SQLite: rows per second for an Excel file of 50, 200 and 1,000 goods rows (and the same as a GBK
CSV), each imported into an empty 一般原产地证 with a plain POST (302: read, every row through the goods form,
生成 of every description, one commit).

The goods row cap (系统设置 `certificate.max_goods_rows`, default 200) is raised to 1,000 for this run, its highest
allowed value. Run: make bench (or .venv/bin/python bench/goods_import.py).
"""
import io
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.certificates import limits, services  # noqa: E402
from app.certificates.entry_forms import basic_form_class  # noqa: E402
from app.certificates.models import CertificateItem  # noqa: E402
from app.certificates.types import TYPES  # noqa: E402
from app.extensions import db  # noqa: E402
from app.refdata.services import load_tables  # noqa: E402
from app.settings.models import SystemSetting  # noqa: E402
from tests.support import GENERAL_BASIC  # noqa: E402

SIZES, ROUNDS, CAP = (50, 200, 1000), 3, 1000
HEADER = ["HS编码", "货物中文名称", "货物英文名称", "数量", "数量单位", "包装件数", "包装单位", "毛重", "净重", "重量单位",
          "金额（FOB）", "币制", "货物描述"]


def row(n: int) -> list:
    return ["9603.21", "牙刷", f"TOOTHBRUSH MODEL {n}", 1000 + n, "PCS 个", 10 + n % 90, "纸箱", 120.5, 100, "KGS",
            2500 + n, "USD", ""]


def xlsx_file(count: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(count):
        sheet.append(row(n))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(count: int) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(v) for v in row(n)) for n in range(count)]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def setup():
    """A fresh SQLite database with the code tables, one enterprise (logged in) and the row cap at 1,000."""
    workdir = Path(tempfile.mkdtemp(prefix="co-bench-import-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                      "DATA_ENCRYPTION_KEYS": "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M=",
                      "CAPTCHA_ENABLED": False, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    with app.app_context():
        upgrade()
        load_tables()
        enterprise = accounts.create_enterprise(name="基准企业", admin_username="bench_admin",
                                                admin_display_name="bench", admin_password="Bench-pass1")
        q = enterprise.qualification
        q.co_reg_no, q.org_code, q.name_cn = "310000001", "91350100M000100Y43", "基准企业"
        enterprise.users[0].must_change_password = False
        db.session.merge(SystemSetting(key=limits.SETTING, value=str(CAP)))
        db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": token, "username": "bench_admin", "password": "Bench-pass1"})
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    return app, client, token


def new_certificate(app) -> int:
    from app.accounts.models import Enterprise, User

    with app.app_context(), app.test_request_context("/", method="POST", data=GENERAL_BASIC):
        form = basic_form_class(TYPES["C"])(meta={"csrf": False})
        form.validate()
        enterprise = db.session.scalar(db.select(Enterprise))
        cert = services.create(enterprise, TYPES["C"], form.data, db.session.scalar(db.select(User)),
                               date(2026, 11, 20))
        db.session.commit()
        return cert.id


def rows_of(app, cert_id) -> int:
    with app.app_context():
        return db.session.query(CertificateItem).filter_by(certificate_id=cert_id).count()


def main():
    app, client, token = setup()
    with app.app_context():
        cap = limits.max_goods_rows()
    print(f"goods row cap for this run: {cap} (default {limits.DEFAULT_MAX_GOODS_ROWS}; 系统设置 allows at most 1000)")
    warm = new_certificate(app)  # templates compiled, code tables cached: what every later request finds
    client.post(f"/certificates/{warm}/goods/import", content_type="multipart/form-data",
                data={"csrf_token": token, "file": (io.BytesIO(xlsx_file(5)), "warm.xlsx")})
    for kind, make, name in (("xlsx", xlsx_file, "goods.xlsx"), ("GBK csv", csv_file, "goods.csv")):
        for count in SIZES:
            data = make(count)
            times = []
            for _ in range(ROUNDS):
                cert_id = new_certificate(app)
                started = time.perf_counter()
                response = client.post(f"/certificates/{cert_id}/goods/import", content_type="multipart/form-data",
                                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})
                times.append(time.perf_counter() - started)
                assert response.status_code == 302, response.status_code
                assert rows_of(app, cert_id) == count
            median, best = statistics.median(times), min(times)
            print(f"import {count:>5} rows ({kind:<7}, {len(data) / 1024:6.1f} KB)  median {median * 1000:7.0f} ms  "
                  f"{count / median:6.0f} rows/s  (best {count / best:6.0f} rows/s, n={ROUNDS})")


if __name__ == "__main__":
    main()
