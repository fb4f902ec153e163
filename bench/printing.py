"""Printing speed and isolation.

1. 证书 (标准格式) and 发票 with 30, 100, 300 and 800 goods rows: pages, median and max ms through the print
   workers, ms per page, and the CPU time of one render of the same HTML in this process (steadier than wall
   time on a busy machine). Time must grow linearly with the pages (target: 30 rows < 500 ms median).
2. Another enterprise's one-page PDF while an 800-row certificate renders: its latency alone and during the
   big render, and whether it finished first (it must: the big one must not make it wait).

The 800-row certificate is over the default row cap (200), so the bench raises the cap in its own database.
Run: make bench (or .venv/bin/python bench/printing.py [--runs N] [--out DIR] to keep one PDF of each size).
"""
import argparse
import statistics
import sys
import tempfile
import threading
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
from app.printing import fonts, pdf_worker, render as print_render, service  # noqa: E402
from app.refdata.services import load_tables  # noqa: E402
from app.settings.models import SystemSetting  # noqa: E402
from tests.support import GENERAL_BASIC, GOODS_ROW  # noqa: E402

SIZES = (30, 100, 300, 800)
KINDS = ("certificate", "invoice")
BASE = "http://localhost/"


def _enterprise(name, username, reg_no):
    enterprise = accounts.create_enterprise(name=name, admin_username=username, admin_display_name=name,
                                            admin_password="Bench-pass1")
    q = enterprise.qualification
    q.co_reg_no, q.org_code, q.name_cn = reg_no, "91350100M000100Y43", name
    return enterprise


def _certificate(enterprise, rows):
    form = basic_form_class(TYPES["C"])(meta={"csrf": False})
    form.validate()
    cert = services.create(enterprise, TYPES["C"], form.data, enterprise.users[0], date(2026, 11, 20))
    goods = goods_form_class(TYPES["C"])(formdata=MultiDict(GOODS_ROW), meta={"csrf": False})
    goods.validate()
    for _ in range(rows):
        services.add_item(cert, goods.data)
    return cert.id


def setup(workdir: Path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                      "DATA_ENCRYPTION_KEYS": "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M=",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024,
                      "PRINT_TIMEOUT_SECONDS": 600})  # the 800-row documents are over the cap and the limit on purpose
    with app.app_context():
        upgrade()
        load_tables()
        db.session.add(SystemSetting(key="certificate.max_goods_rows", value="1000"))
        big = _enterprise("基准企业", "bench_admin", "310000001")
        small = _enterprise("另一企业", "other_admin", "310000002")
        with app.test_request_context("/", method="POST", data=GENERAL_BASIC):
            ids = {rows: _certificate(big, rows) for rows in SIZES}
            one = _certificate(small, 1)
        db.session.commit()
    return app, ids, one


def render(app, cert_id, kind="certificate") -> tuple[float, bytes]:
    with app.test_request_context("/"):
        cert = db.session.get(Certificate, cert_id)
        started = time.perf_counter()
        pdf = service.document(cert, kind, "standard", BASE)
        return (time.perf_counter() - started) * 1000, pdf


def pages_of(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def html_of(app, cert_id, kind) -> str:
    """The HTML the workers get, captured on its way."""
    captured, original = [], print_render.html_to_pdf
    print_render.html_to_pdf = lambda html, *args, **kwargs: captured.append(html) or b"%PDF"
    try:
        render(app, cert_id, kind)
    finally:
        print_render.html_to_pdf = original
    return captured[0]


def cpu_ms(html: str) -> float:
    started = time.process_time()
    kind, _pdf = pdf_worker.render(html, 600)
    assert kind == "ok", kind
    return (time.process_time() - started) * 1000


def sizes(app, ids, runs, out):
    pdf_worker._register_fonts(fonts.cjk_font_path(app.config.get("PRINT_CJK_FONT")))
    cpu_ms(html_of(app, ids[min(SIZES)], KINDS[0]))  # warm, as the workers are
    print(f"{'document':>12} {'rows':>5} {'pages':>6} {'median ms':>10} {'max ms':>8} {'ms/page':>8} {'cpu ms':>8}"
          f" {'cpu/page':>8}")
    for kind in KINDS:
        for rows, cert_id in ids.items():
            times = []
            for _ in range(runs if rows <= 300 else max(1, runs - 1)):
                ms, pdf = render(app, cert_id, kind)
                times.append(ms)
            if out:
                (out / f"{kind}-{rows}.pdf").write_bytes(pdf)
            median, pages = statistics.median(times), pages_of(pdf)
            cpu = cpu_ms(html_of(app, cert_id, kind))
            print(f"{kind:>12} {rows:>5} {pages:>6} {median:>10.0f} {max(times):>8.0f} {median / pages:>8.0f}"
                  f" {cpu:>8.0f} {cpu / pages:>8.0f}", flush=True)


def concurrency(app, ids, one, runs):
    alone = statistics.median(render(app, one)[0] for _ in range(runs))
    big_done = threading.Event()
    big_ms = []

    def big():
        big_ms.append(render(app, ids[max(SIZES)])[0])
        big_done.set()

    thread = threading.Thread(target=big)
    thread.start()
    time.sleep(0.5)  # the big document is being rendered
    during, _pdf = render(app, one)
    first = not big_done.is_set()
    thread.join()
    print(f"\nanother enterprise's 1-page PDF: alone {alone:.0f} ms median; while an {max(SIZES)}-row certificate "
          f"renders ({big_ms[0]:.0f} ms): {during:.0f} ms, finished {'before' if first else 'AFTER'} the big one")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    app, ids, one = setup(Path(tempfile.mkdtemp(prefix="co-bench-print-")))
    render(app, ids[30])  # the workers start (and register their fonts) once
    render(app, one)
    sizes(app, ids, args.runs, args.out)
    concurrency(app, ids, one, args.runs)


if __name__ == "__main__":
    main()
