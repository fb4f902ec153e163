"""Printing as a hostile tenant sees it (issue 13, low): no local file pulled into a PDF, a QR address no Host
header can change, trusted hosts, and print offsets that never reach a 500."""
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from app.certificates.models import Certificate
from app.extensions import db
from app.printing import fonts, render
from tests.http.test_printing import fetch, issue, text_of
from tests.support import page_form

ROOT = Path(__file__).resolve().parents[2]


def images_in(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def a_png(path: Path) -> Path:
    Image.new("RGB", (40, 40), (200, 0, 0)).save(path)
    return path


# ------------------------------------------------------------------ no local file in a PDF
def test_markup_that_reaches_the_renderer_cannot_read_a_local_file(app, tmp_path, monkeypatch):
    """The resource policy allowed the working directory (which holds instance/secret_key): now nothing local."""
    work = tmp_path / "work"
    (work / "instance").mkdir(parents=True)
    a_png(work / "instance" / "secret_key.png")
    monkeypatch.chdir(work)  # the directory the web process was started in
    html = ('<html><body><p>x</p><img src="instance/secret_key.png" width="40" height="40"/>'
            f'<img src="file://{work}/instance/secret_key.png" width="40" height="40"/>'
            f'<img src="{work}/instance/secret_key.png" width="40" height="40"/></body></html>')
    with app.app_context():
        pdf = render.html_to_pdf(html, fonts.cjk_font_path())
    assert pdf.startswith(b"%PDF") and images_in(pdf) == 0


def test_a_data_uri_image_still_prints(app):
    """The QR code of an issued certificate is a data: URI: the policy keeps it."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 0, 0)).save(buffer, "PNG")
    import base64

    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    with app.app_context():
        pdf = render.html_to_pdf(f'<html><body><img src="{uri}" width="40" height="40"/></body></html>', None)
    assert images_in(pdf) == 1


def test_a_goods_description_with_markup_prints_as_text(app, client, cast, log_in, make_certificate, tmp_path):
    """Escaping is the first line (this held before too): the tag is printed, nothing is fetched."""
    png = a_png(tmp_path / "secret_key.png")
    cert_id = make_certificate(items=1)
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        cert.items[0].description = f'<img src="file://{png}"/> <a href="../instance/secret_key">KEY</a> GOODS'
        cert.marks = '<link rel="stylesheet" href="instance/secret_key"/>'
        db.session.commit()
    log_in("clerk_a")
    for kind in ("certificate", "invoice"):
        pdf = fetch(client, cert_id, kind)
        text = "".join("".join(text_of(pdf)).split())  # without the line breaks of a narrow column
        assert '<imgsrc="file://' in text and '<ahref="../instance/secret_key">KEY</a>GOODS' in text
        assert images_in(pdf) == 0


# ------------------------------------------------------------------ the QR address
def test_a_forged_host_header_does_not_reach_the_printed_qr_address(app, client, cast, log_in, make_certificate,
                                                                    monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://co.example.gov.cn")
    cert_id = make_certificate(items=1)
    issue(app, cert_id)
    log_in("clerk_a")
    client.set_cookie("co_session", client.get_cookie("co_session").value, domain="evil.example")
    response = client.get(f"/certificates/{cert_id}/print.pdf?kind=certificate&format=standard",
                          headers={"Host": "evil.example"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(text_of(response.data)).replace("\n", "")
    assert "evil.example" not in text
    assert re.search(r"https://co\.example\.gov\.cn/verify/\w+\?k=\w{32}", text), text


def test_trusted_hosts_from_the_environment_refuse_any_other_host(tmp_path):
    script = (
        "from app import create_app\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.sqlite3', 'SECRET_KEY': 'k',"
        " 'DATA_ENCRYPTION_KEYS': 'x3Qh0Xb1aYzJm5k8dH9s0pW2cR4tV6uE7iO1nL3gK5M='})\n"
        "c = app.test_client()\n"
        "print(app.config['TRUSTED_HOSTS'], app.config['PUBLIC_BASE_URL'])\n"
        "print(c.get('/static/css/app.css', headers={'Host': 'evil.example'}).status_code)\n"
        "print(c.get('/static/css/app.css', headers={'Host': 'co.example.gov.cn'}).status_code)\n")
    env = {**os.environ, "TRUSTED_HOSTS": " co.example.gov.cn , localhost ",
           "PUBLIC_BASE_URL": "https://co.example.gov.cn/", "INSTANCE_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:3] == ["['co.example.gov.cn', 'localhost'] https://co.example.gov.cn", "400",
                                          "200"]


# ------------------------------------------------------------------ 打印设置 offsets
@pytest.mark.parametrize("x, y", [("1e309", "NaN"), ("Infinity", "1E+1000"), ("-Infinity", "sNaN"),
                                  ("NaN", "-nan"), ("1" * 60, "0x10")])
def test_offsets_beyond_the_column_get_a_message_beside_the_field(app, client, cast, log_in, x, y):
    log_in("clerk_a")
    token = page_form(client, "/print-settings")["csrf_token"]
    response = client.post("/print-settings", data={"csrf_token": token, "offset_x": x, "offset_y": y})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for name, typed in (("offset_x", x), ("offset_y", y)):
        field = html.split(f'id="field-{name}"')[1].split("</div>")[0]
        assert f'value="{typed}"' in field and 'class="field-error"' in field
        assert "请填写数字" in field or "偏移应在 -30 至 30 毫米之间" in field
