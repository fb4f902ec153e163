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


def login(client, captchas: dict, username: str, password: str = PASSWORD, **extra):
    """Log in through the login page, answering the captcha as a person reading the image would."""
    page = client.get("/login").get_data(as_text=True)
    cid = captcha_id(page)
    data = {"csrf_token": csrf_token(page), "username": username, "password": password,
            "captcha_id": cid, "captcha": captchas.get(cid, "")}
    data.update(extra)
    return client.post("/login", data=data)


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
    match = re.search(r'id="version" name="version" type="hidden" value="(\d*)"', html)
    if match:
        data["version"] = match.group(1)
    return data
