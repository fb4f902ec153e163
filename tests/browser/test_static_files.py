"""The shell in Chromium loads its modules from the versioned static path, compressed, once."""
from urllib.parse import urlparse

import pytest
from flask import request
from playwright.sync_api import expect

from app.web.assets import content_version

pytestmark = pytest.mark.browser


def test_the_shell_loads_its_modules_from_the_versioned_path_and_caches_them(page, browser_login, app, cast):
    served = []  # what the server answered, as opposed to what the browser took from its cache
    app.before_request(lambda: served.append(request.path) if request.path.startswith("/static/") else None)
    responses = {}
    page.on("response", lambda response: responses.setdefault(urlparse(response.url).path, response))
    browser_login("admin_a")  # the login page, then 首页: the second page takes the assets from the cache
    prefix = f"/static/v/{content_version(app.static_folder)}/"
    assert {prefix + name for name in ("css/app.css", "js/app.js", "vendor/htmx.esm.min.js")} <= set(served)
    assert all(path.startswith(prefix) for path in served), served  # the imported modules too
    assert len(served) == len(set(served)), served  # each once for both pages
    for path in served:
        assert responses[path].header_value("content-encoding") == "br", path
    page.click("#sidebar >> text=用户管理")  # htmx works: the menu item opens a tab
    expect(page.locator(".pane.active #user-table")).to_be_visible()
    assert [tab.strip().rstrip("×").strip() for tab in page.locator("#tabs .tab").all_inner_texts()] == \
        ["首页", "用户管理"]
