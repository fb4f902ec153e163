"""Page weight: bytes a browser downloads for the main pages, before and after minified htmx and compression.

Builds a temporary SQLite database with the demo accounts (`flask demo load`) and 20 certificates of the demo
enterprise, logs in as demo_clerk and fetches, with the Flask test client, the pages 登录, 首页, 新建证书 (the
一般原产地证 form) and 证书查询, then every stylesheet and module script the page references and every module
those import (as a browser resolves the relative imports). Figures per page, in bytes:

- before: uncompressed, with the unminified htmx (app/static/vendor/htmx.esm.js of the commit before it was
  replaced, read from git; 171,382 bytes) in place of the minified one: what a first visit cost before;
- raw: uncompressed, with the minified htmx;
- gzip, br: what the server sends to a browser asking for gzip only, or for brotli (today's browsers);
- repeat: a later page of the same browser (assets are cached immutable, so only the compressed HTML).

Run: make bench (or .venv/bin/python bench/page_weight.py).
"""
import re
import subprocess
import sys
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Enterprise, User  # noqa: E402
from app.certificates import services  # noqa: E402
from app.certificates.entry_forms import basic_form_class, goods_form_class  # noqa: E402
from app.certificates.types import TYPES  # noqa: E402
from app.cli import DEMO_ENTERPRISE, DEMO_PASSWORD  # noqa: E402
from app.extensions import db  # noqa: E402
from app.refdata.services import load_tables  # noqa: E402
from tests.support import GENERAL_BASIC, GOODS_ROW, csrf_token  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = (("登录", "/login"), ("首页", "/"), ("新建证书", "/certificates/new/C"), ("证书查询", "/certificates"))
ASSET = re.compile(r'<(?:link rel="stylesheet" href|script type="module" src)="([^"]+)"')
IMPORT = re.compile(r"""^\s*import\s*(?:[^;"']*?\sfrom\s*)?["']([^"']+)["']""", re.M)  # static ES imports
HTMX = "vendor/htmx.esm.min.js"
ENCODINGS = {"raw": None, "gzip": "gzip", "br": "gzip, deflate, br, zstd"}


def unminified_htmx() -> int | None:
    """Size of the unminified htmx of the commit before it was removed, or None outside a git checkout."""
    path = "app/static/vendor/htmx.esm.js"
    try:
        removed = subprocess.run(["git", "log", "--diff-filter=D", "--format=%H", "-1", "--", path], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.strip()
        if not removed:
            return None
        return len(subprocess.run(["git", "show", f"{removed}^:{path}"], cwd=ROOT, capture_output=True,
                                  check=True).stdout)
    except (OSError, subprocess.CalledProcessError):
        return None


def seed(app, certificates=20):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        enterprise = db.session.scalar(db.select(Enterprise).where(Enterprise.name == DEMO_ENTERPRISE))
        clerk = db.session.scalar(db.select(User).where(User.username == "demo_clerk"))
        with app.test_request_context("/", method="POST", data=GENERAL_BASIC):
            for _ in range(certificates):
                form = basic_form_class(TYPES["C"])(meta={"csrf": False})
                assert form.validate(), form.errors
                cert = services.create(enterprise, TYPES["C"], form.data, clerk, date(2026, 11, 20))
                goods = goods_form_class(TYPES["C"])(formdata=MultiDict(GOODS_ROW), meta={"csrf": False})
                assert goods.validate(), goods.errors
                services.add_item(cert, goods.data)
        db.session.commit()


def fetch(client, url, accept):
    response = client.get(url, headers={"Accept-Encoding": accept} if accept else {})
    assert response.status_code == 200, (url, response.status_code)
    body = response.data
    response.close()
    return body


def assets(client, html):
    """(url, filename, kind) of the page's CSS and JS, and of every module imported from them."""
    found = []
    for url in ASSET.findall(html):
        found.append((url, url.split("/", 5)[-1], "css" if url.endswith(".css") else "js"))
    for url, filename, kind in found:  # grows while it is read
        if kind == "js":
            for target in IMPORT.findall(fetch(client, url, None).decode()):
                imported = (urljoin(url, target), urljoin(filename, target), "js")
                if imported not in found:
                    found.append(imported)
    return found


def weigh(client, url, old_htmx):
    """{column: {"html"|"css"|"js": bytes}} for one page."""
    html = fetch(client, url, None).decode()
    files = assets(client, html)
    sizes = {}
    for column, accept in ENCODINGS.items():
        sizes[column] = {"html": len(fetch(client, url, accept)), "css": 0, "js": 0}
        for asset_url, _filename, kind in files:
            sizes[column][kind] += len(fetch(client, asset_url, accept))
    before = dict(sizes["raw"])
    if old_htmx is not None and any(name == HTMX for _u, name, _k in files):
        minified = next(len(fetch(client, u, None)) for u, name, _k in files if name == HTMX)
        before["js"] += old_htmx - minified
    sizes = {"before": before, **sizes}
    sizes["repeat"] = {"html": sizes["br"]["html"], "css": 0, "js": 0}
    return sizes, len(files)


def pad(text: str, width: int) -> str:
    """Left-aligned in `width` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def main():
    workdir = Path(tempfile.mkdtemp(prefix="co-bench-weight-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                      "DATA_ENCRYPTION_KEYS": "x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M=",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "DEMO_MODE": True,
                      "CAPTCHA_ENABLED": False})
    with app.app_context():
        upgrade()
        load_tables()
        db.session.commit()
    seed(app)
    old_htmx = unminified_htmx()
    client = app.test_client()
    results = {"登录": weigh(client, "/login", old_htmx)}
    login = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_token(login), "username": "demo_clerk",
                                           "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    for name, url in PAGES[1:]:
        results[name] = weigh(client, url, old_htmx)

    print(f"unminified htmx: {old_htmx:,} bytes" if old_htmx else "unminified htmx: not found in git (before = raw)")
    columns = ("before", "raw", "gzip", "br", "repeat")
    print(f"{'page':<8} {'files':>5} {'part':<6}" + "".join(f"{c:>10}" for c in columns))
    for name, (sizes, count) in results.items():
        for part in ("html", "css", "js", "total"):
            row = [sum(sizes[c].values()) if part == "total" else sizes[c][part] for c in columns]
            label = name if part == "html" else ""
            files = str(count + 1) if part == "html" else ""
            print(f"{pad(label, 8)} {files:>5} {part:<6}" + "".join(f"{n:>10,}" for n in row))
    first = results["首页"][0]
    print(f"首页, first visit: {sum(first['before'].values()):,} → {sum(first['br'].values()):,} bytes with brotli "
          f"({sum(first['gzip'].values()):,} with gzip); a later page: {sum(first['repeat'].values()):,} bytes")


if __name__ == "__main__":
    main()
