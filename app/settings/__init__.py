"""系统设置: runtime settings in the database, read with get_setting()."""
import json

from flask import Blueprint, g, has_app_context

from app.extensions import db

from .registry import SETTINGS

bp = Blueprint("settings", __name__)


def get_setting(key: str):
    """The stored value of a registered setting, else its default (cached for the request)."""
    cache = g.setdefault("_settings", {}) if has_app_context() else {}
    if key not in cache:
        from .models import SystemSetting

        row = db.session.get(SystemSetting, key)
        cache[key] = json.loads(row.value) if row else SETTINGS[key].default
    return cache[key]


from . import views  # noqa: E402,F401
