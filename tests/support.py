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
