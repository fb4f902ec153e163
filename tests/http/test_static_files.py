"""Static files and compression (issue item 15): versioned asset URLs with long caching, gzip/brotli of text
responses, never of PDFs, images, byte ranges or streams."""
import gzip
import re
from pathlib import Path
from urllib.parse import urljoin

import brotli
from flask import Response

from app.accounts.models import User
from app.extensions import db
from app.web.assets import IMMUTABLE, content_version
from tests.support import HTMX

GZIP = {"Accept-Encoding": "gzip"}
ASSET = re.compile(r'(?:href|src)="(/static/v/(\w+)/([^"]+))"')
IMPORT = re.compile(r"""^\s*import\s*(?:[^;"']*?\sfrom\s*)?["']([^"']+)["']""", re.M)  # static ES imports


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


def on_disk(app, filename: str) -> bytes:
    return (Path(app.static_folder) / filename).read_bytes()


def assets_of(html: str) -> list[tuple[str, str, str]]:
    """(url, version, filename) of every versioned asset a page references."""
    return ASSET.findall(html)


def page_assets(client) -> list[tuple[str, str]]:
    """(url, filename) of the page's CSS and JS and of every module app.js imports, as the browser
    resolves them: relative to the importing module's URL."""
    found = [(url, filename) for url, _version, filename in assets_of(client.get("/login").get_data(as_text=True))]
    for url, filename in found:  # grows while it is read: the imports of the imported modules too
        if filename.endswith(".js"):
            with client.get(url) as module:
                for target in IMPORT.findall(module.get_data(as_text=True)):
                    imported = (urljoin(url, target), urljoin(filename, target))
                    if imported not in found:
                        found.append(imported)
    return found


def test_it_references_versioned_assets_on_every_page_shape(app, client, cast, log_in):
    version = content_version(app.static_folder)
    login = assets_of(client.get("/login").get_data(as_text=True))
    assert [(v, f) for _url, v, f in login] == [(version, "css/app.css"), (version, "js/app.js")]
    log_in("clerk_a")
    for url in ("/", "/certificates/new", "/certificates"):
        html = client.get(url).get_data(as_text=True)
        assert [f for _url, v, f in assets_of(html) if v == version] == ["css/app.css", "js/app.js"], url
        assert 'src="/static/js/' not in html and 'href="/static/css/' not in html


def test_it_serves_the_assets_and_the_modules_they_import_immutable(app, client):
    assets = page_assets(client)
    names = {filename for _url, filename in assets}
    # The relative imports ("./forms.js", "../vendor/htmx.esm.min.js") stay under the versioned prefix.
    assert {"css/app.css", "js/app.js", "vendor/htmx.esm.min.js"} <= names
    assert len({name for name in names if name.startswith("js/")}) > 1
    for url, filename in assets:
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == IMMUTABLE
            assert response.mimetype == ("text/css" if filename.endswith(".css") else "text/javascript")
            assert "Content-Encoding" not in response.headers  # not asked for
            assert response.data == on_disk(app, filename)


def test_it_gzips_and_brotlis_assets_when_asked(app, client, cast, log_in):
    log_in("clerk_a")  # a session cookie: static files still do not vary on it
    for url, filename in page_assets(client):
        with client.get(url, headers=GZIP) as response:
            assert response.headers["Content-Encoding"] == "gzip", url
            assert gzip.decompress(response.data) == on_disk(app, filename)
            assert int(response.headers["Content-Length"]) == len(response.data) < len(on_disk(app, filename))
            assert response.headers["Cache-Control"] == IMMUTABLE
            assert vary(response) == {"accept-encoding"}
        with client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"}) as response:
            assert response.headers["Content-Encoding"] == "br"
            assert brotli.decompress(response.data) == on_disk(app, filename)


def test_it_compresses_pages_and_fragments_and_keeps_the_htmx_vary(app, client, cast, log_in):
    log_in("clerk_a")
    for url, headers in (("/", {}), ("/certificates", {}), ("/certificates", {**HTMX, "HX-Target": "pane-2"}),
                         ("/lookup/country/search?q=a", HTMX)):
        plain = client.get(url, headers=headers)
        compressed = client.get(url, headers={**headers, **GZIP})
        assert plain.status_code == compressed.status_code == 200, url
        assert "Content-Encoding" not in plain.headers
        assert compressed.headers["Content-Encoding"] == "gzip"
        html = gzip.decompress(compressed.data).decode()
        assert ("<html" in html) is (not headers), url  # a whole page, or a pane / fragment
        for response in (plain, compressed):
            assert {"hx-request", "hx-target", "accept-encoding"} <= vary(response), url
            assert response.headers["Cache-Control"] == "no-store"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert len(compressed.data) < len(html.encode()) / 2


def test_it_leaves_small_responses_pdfs_and_images_uncompressed(app, client, cast, log_in, make_certificate):
    app.add_url_rule("/test-small", "test_small", lambda: "<p>" + "小" * 150 + "</p>")  # 457 bytes
    cert_id = make_certificate(items=1)
    login = client.get("/login").get_data(as_text=True)
    captcha = re.search(r'<img src="([^"]+)" alt="验证码图片"', login).group(1)
    image = client.get(captcha, headers=GZIP)
    assert image.mimetype == "image/png" and "Content-Encoding" not in image.headers
    log_in("clerk_a")
    pdf = client.get(f"/certificates/{cert_id}/print.pdf?kind=certificate&format=standard", headers=GZIP)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Content-Encoding" not in pdf.headers and pdf.data.startswith(b"%PDF")
    small = client.get("/test-small", headers=GZIP)
    assert small.status_code == 200 and small.content_length < 500 and "Content-Encoding" not in small.headers
    with client.get("/static/vendor/htmx.LICENSE.txt", headers=GZIP) as text:  # 642 bytes
        assert text.headers["Content-Encoding"] == "gzip"


def test_it_keeps_a_streamed_response_streamed(app, client):
    app.add_url_rule("/test-stream", "test_stream",
                     lambda: Response((f"<p>{n}</p>\n" * 50 for n in range(20)), mimetype="text/html"))
    response = client.get("/test-stream", headers=GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert response.data.startswith(b"<p>0</p>")


def test_it_serves_an_old_version_and_plain_static_urls_revalidated(app, client):
    current = dict(page_assets(client))
    app_js = next(url for url, filename in current.items() if filename == "js/app.js")
    for url in (app_js.replace(content_version(app.static_folder), "0123456789ab"), "/static/js/app.js"):
        with client.get(url, headers=GZIP) as response:
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == "no-cache"
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.data) == on_disk(app, "js/app.js")
    assert client.get("/static/v/0123456789ab/js/missing.js").status_code == 404


def test_it_answers_conditional_requests_per_encoding(app, client):
    url = next(url for url, filename in page_assets(client) if filename == "vendor/htmx.esm.min.js")
    with client.get(url, headers=GZIP) as first, client.get(url) as identity:
        zipped_etag, plain_etag = first.headers["ETag"], identity.headers["ETag"]
    assert zipped_etag == plain_etag[:-1] + ':gzip"'
    for headers, etag in ((GZIP, zipped_etag), ({}, plain_etag)):
        with client.get(url, headers={**headers, "If-None-Match": etag}) as again:
            assert again.status_code == 304 and again.data == b""
            assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == IMMUTABLE
    with client.get(url, headers={**GZIP, "If-None-Match": '"something-else"'}) as changed:
        assert changed.status_code == 200 and gzip.decompress(changed.data) == on_disk(app, "vendor/htmx.esm.min.js")


def test_it_compresses_each_static_file_once(app, client):
    cache = app.extensions["assets"].files.cache.data
    url = next(url for url, filename in page_assets(client) if filename == "css/app.css")
    bodies = [client.get(url, headers=GZIP).data for _ in range(3)]
    assert bodies[0] == bodies[1] == bodies[2]
    assert [key for key in cache if key.startswith("gzip;css/app.css:")] != []


def test_it_never_compresses_a_byte_range(app, client):
    url = next(url for url, filename in page_assets(client) if filename == "vendor/htmx.esm.min.js")
    with client.get(url, headers={**GZIP, "Range": "bytes=0-9999"}) as part:
        assert part.status_code == 206 and "Content-Encoding" not in part.headers
        assert part.data == on_disk(app, "vendor/htmx.esm.min.js")[:10000]


def test_it_serves_assets_to_a_user_who_must_change_the_password(app, client, cast, log_in):
    with app.app_context():
        db.session.get(User, cast.clerk_a).must_change_password = True
        db.session.commit()
    log_in("clerk_a")
    assert client.get("/").status_code == 302  # everything else waits for the new password
    for url, _filename in page_assets(client):
        with client.get(url) as response:
            assert response.status_code == 200, url
