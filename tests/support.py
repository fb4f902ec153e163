"""Helpers shared by the tests: reading tokens out of pages, logging in through the real form."""
import re

PASSWORD = "Passw0rd-test"


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html) or \
        re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def captcha_id(html: str) -> str:
    match = re.search(r'name="captcha_id" value="([^"]*)"', html)
    assert match, "no captcha on the page"
    return match.group(1)


def login(client, captchas: dict, username: str, password: str = PASSWORD, second_factor: bool = True, **extra):
    """Log in through the login page, answering the captcha as a person reading the image would.

    With `second_factor`, the 双重认证 step is completed as a person with the authenticator app would: an
    officer or sysadmin without it enrols through the real 双重认证 page (reading the secret off the page), an
    enrolled user types the app's current code. The answer is the response that opened the session.
    """
    page = client.get("/login").get_data(as_text=True)
    cid = captcha_id(page)
    data = {"csrf_token": csrf_token(page), "username": username, "password": password,
            "captcha_id": cid, "captcha": captchas.get(cid, "")}
    data.update(extra)
    response = client.post("/login", data=data)
    if not second_factor or response.status_code != 302:
        return response
    if response.headers["Location"] == "/login/code":
        page = client.get("/login/code").get_data(as_text=True)
        return client.post("/login/code", data={"csrf_token": csrf_token(page),
                                                "code": next_totp_code(client.application, username)})
    if _must_enrol(client.application, username):
        enrol(client)
    return response


TOTP_SECRET_RE = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')


def enrol(client) -> list[str]:
    """Enrol the logged-in user through the 双重认证 page, as a person with an authenticator app; the recovery
    codes shown."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = TOTP_SECRET_RE.search(page).group(1).replace(" ", "")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post("/account/two-factor/enrol", data={"csrf_token": csrf_token(page), "token": token,
                                                          "code": totp_code(secret)})
    assert done.status_code == 200, done.get_data(as_text=True)
    return re.findall(r"<li><code>([0-9a-z-]+)</code></li>", done.get_data(as_text=True))


def totp_code(secret: str, step: int | None = None) -> str:
    """What the authenticator app shows now (or at `step`)."""
    import time

    from app.accounts import totp
    return totp.code_at(secret, totp.time_step(time.time()) if step is None else step)


def _must_enrol(app, username: str) -> bool:
    from app.accounts import two_factor
    from app.accounts.models import User
    from app.extensions import db

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        answer = user is not None and not user.must_change_password and two_factor.must_enrol(user)
        db.session.remove()
    return answer


def next_totp_code(app, username: str) -> str:
    """The code a person would type: the app's current one, or — when this account used it already (a code works
    once) — the next one, waiting for it when it is not accepted yet (logins of one account more often than
    every 30 s)."""
    import time

    from app.accounts import totp
    from app.accounts.models import User
    from app.crypto import decrypt
    from app.extensions import db

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        secret, last = decrypt(user.totp_secret_enc), user.totp_last_step
        db.session.remove()
    now = totp.time_step(time.time())
    step = now if last is None else max(now, last + 1)
    if step > now + totp.DRIFT_STEPS:
        time.sleep((step - totp.DRIFT_STEPS) * totp.STEP_SECONDS - time.time() + 0.05)
    return totp.code_at(secret, step)


def browser_second_factor(page, app, server: str, username: str) -> None:
    """In Chromium, after 登录: type the app's code, or enrol on the 双重认证 page the user is sent to."""
    from urllib.parse import urlsplit

    page.wait_for_url(lambda url: urlsplit(url).path in ("/", "/login/code", "/account/two-factor"))
    path = urlsplit(page.url).path
    if path == "/login/code":
        page.fill("#code", next_totp_code(app, username))
        page.click("#login-code-button")
    elif path == "/account/two-factor":
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.fill("#two-factor-enrol-code", totp_code(secret))
        page.click("#two-factor-enrol-button")
        page.locator("#recovery-codes").wait_for()
        page.goto(server + "/")


def post(client, url: str, data: dict | None = None, page_url: str = "/", headers: dict | None = None):
    """POST with a CSRF token taken from a page the user would have open."""
    html = client.get(page_url).get_data(as_text=True)
    payload = {"csrf_token": csrf_token(html)}
    payload.update(data or {})
    return client.post(url, data=payload, headers=headers or {})


HTMX = {"HX-Request": "true"}


# A complete 一般原产地证 as a clerk would fill it (every declare rule satisfied).
GENERAL_BASIC = {
    "exporter_name": "JIA TRADING CO., LTD.", "exporter_address": "NO. 1 ZHONGSHAN ROAD, SHANGHAI, CHINA",
    "importer_name": "HANS GMBH", "importer_address": "10 HAFENSTRASSE, HAMBURG, GERMANY",
    "application_date": "2026-11-20", "destination_country": "DE", "issuing_authority": "2200",
    "collecting_authority": "2200", "trade_mode": "0110", "port_of_loading": "CNSHA", "port_of_discharge": "DEHAM",
    "transport_mode": "2", "transport_details": "FROM SHANGHAI, CHINA TO HAMBURG, GERMANY BY SEA", "marks": "N/M",
    "invoice_no": "INV-2026-001", "invoice_date": "2026-11-18",
}
# A port of discharge in each destination the tests send certificates to (申报 refuses a port elsewhere).
DISCHARGE_PORTS = {'AU': 'AUSYD', 'BN': 'BNMUA', 'CH': 'CHBSL', 'CL': 'CLSAI', 'CR': 'CRLIO', 'DE': 'DEHAM',
                   'EC': 'ECGYE', 'FR': 'FRLEH', 'GB': 'GBFXT', 'GE': 'GEPTI', 'HK': 'HKHKG', 'ID': 'IDJKT',
                   'IN': 'INNSA', 'IS': 'ISREY', 'JP': 'JPTYO', 'KH': 'KHPNH', 'KR': 'KRPUS', 'MM': 'MMRGN',
                   'MO': 'MOMFM', 'MU': 'MUPLU', 'MV': 'MVMLE', 'MY': 'MYPKG', 'NO': 'NOOSL', 'NZ': 'NZAKL',
                   'PE': 'PECLL', 'PH': 'PHMNL', 'PK': 'PKKHI', 'RU': 'RULED', 'SG': 'SGSIN', 'TH': 'THLCH',
                   'TW': 'TWKHH', 'US': 'USLAX', 'VN': 'VNSGN'}


def basic_for(destination: str, **changes) -> dict:
    """GENERAL_BASIC for another destination, with a port of discharge there."""
    return {**GENERAL_BASIC, "destination_country": destination,
            "port_of_discharge": DISCHARGE_PORTS.get(destination, GENERAL_BASIC["port_of_discharge"]), **changes}


GOODS_ROW = {"hs_code": "9603.21", "name_cn": "牙刷", "name_en": "TOOTHBRUSH", "quantity": "20000",
             "quantity_unit": "PCS", "package_count": "2000", "package_unit": "CTNS", "gross_weight": "1200",
             "net_weight": "1000", "weight_unit": "KGS", "amount": "5000", "currency": "USD",
             "description": "TWO THOUSAND (2000) CTNS OF TOOTHBRUSH"}

MATERIAL_ROW = {"hs_code": "3907", "description": "POLYPROPYLENE RESIN", "quantity": "120", "unit": "PCS",
                "value": "860"}


def page_form(client, url: str) -> dict:
    """The hidden fields a page's main form carries (CSRF token and version)."""
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token(html)}
    match = re.search(r'name="version" type="hidden" value="(\d*)"', html)
    if match:
        data["version"] = match.group(1)
    return data


def problems(html: str) -> str:
    """The list of problems at the top of the certificate page (申报 problems or a refused 暂存), as text."""
    match = re.search(r'id="[^"]*error-summary"(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def sent_message_key(cert) -> str:
    """The message id a receipt for `cert` answers: its last declaration's (one marked sent if it has none,
    as for a certificate made 已申报 directly). The enterprise applies only receipts of messages it sent."""
    import sqlalchemy as sa

    from app.exchange.models import OutboxMessage
    from app.extensions import db

    key = db.session.scalar(sa.select(OutboxMessage.idempotency_key).where(OutboxMessage.certificate_id == cert.id)
                            .order_by(OutboxMessage.id.desc()).limit(1))
    if key is None:
        key = f"test-{cert.id}"
        db.session.add(OutboxMessage(certificate_id=cert.id, kind="declare", idempotency_key=key, payload="",
                                     status="sent"))
        db.session.flush()
    return key
