"""Security headers on every response, and a fresh CSRF token on every htmx response."""
from flask import Flask
from flask_wtf.csrf import generate_csrf

from .htmx import is_htmx

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def register(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("X-Frame-Options", "DENY")
        # same-origin: our own pages send a full Referer (Flask-WTF checks it on HTTPS), others get none.
        response.headers["Referrer-Policy"] = "same-origin"
        if "Cache-Control" not in response.headers and response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        if is_htmx():
            # app.js copies it into the page, so a page left open across a new login keeps working.
            response.headers["X-CSRF-Token"] = generate_csrf()
        return response
