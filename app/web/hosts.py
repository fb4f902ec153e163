"""TRUSTED_HOSTS: a request naming any other host gets a plain 400 before the app builds a URL from it.

Flask checks TRUSTED_HOSTS itself, but only while it builds the request's URL adapter: the error page it then
renders needs that adapter (every page links its stylesheet with url_for), so a forged Host answered 500.
Checked here first, as WSGI middleware inside ProxyFix (so a trusted proxy's X-Forwarded-Host is the host).
"""
from flask import Flask
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

MESSAGE = "400 请求的主机名（Host）不是本系统的地址。\n"


def register(app: Flask) -> None:
    hosts = app.config.get("TRUSTED_HOSTS")
    if not hosts:
        return
    inner = app.wsgi_app

    def check_host(environ, start_response):
        try:
            get_host(environ, hosts)
        except SecurityError:
            response = Response(MESSAGE, 400, mimetype="text/plain")
            response.headers["X-Content-Type-Options"] = "nosniff"
            return response(environ, start_response)
        return inner(environ, start_response)

    app.wsgi_app = check_host
