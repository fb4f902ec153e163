"""Template globals and filters shared by every page."""
import json

from flask import Flask, current_app, request

from app.certificates.describe import decimal_text
from flask_login import current_user

from .htmx import is_fragment_request, is_htmx, layout_template
from .menu import menu_for


def register(app: Flask) -> None:
    @app.context_processor
    def shell_context():
        menu = menu_for(current_user.role) if current_user.is_authenticated else []
        return {"layout_template": layout_template(), "menu": menu, "is_htmx": is_htmx(),
                "is_fragment": is_fragment_request()}

    @app.template_filter("localtime")
    def localtime(value, fmt="%Y-%m-%d %H:%M"):
        from app.timeutil import to_local

        local = to_local(value, current_app.config["DISPLAY_TIMEZONE"])
        return local.strftime(fmt) if local else ""

    app.add_template_filter(decimal_text, "num")
    app.add_template_filter(lambda text: json.loads(text or "null"), "fromjson")

    @app.template_global()
    def current_path() -> str:
        return request.full_path.rstrip("?")
