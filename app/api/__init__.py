"""The JSON API for the enterprise's own systems (ERP), `/api/v1`, and the API 令牌 page of the enterprise admin.

Two blueprints: `bp` holds the admin's page (a browser page with its CSRF token, like every other) and nests `v1`,
the JSON API, which takes only `Authorization: Bearer <token>` — never the login cookie — and is exempt from
CSRF for that reason (docs/api.md). The API calls the same forms, services and rules as the pages.
"""
from flask import Blueprint

from app.extensions import csrf
from app.settings.registry import SettingDef, register

bp = Blueprint("api", __name__)
v1 = Blueprint("v1", __name__, url_prefix="/api/v1")
csrf.exempt(v1)  # token auth only: a browser's cookie never authenticates a call (auth.py), so no CSRF to forge

RATE_SETTING = "api.requests_per_minute"
register(
    SettingDef(RATE_SETTING, "API 每个令牌每分钟请求上限", 120,
               "企业系统（ERP）通过 API 令牌调用接口时，每个令牌在任意 60 秒内最多的请求数；超过后返回 429，"
               "并在 Retry-After 中说明几秒后可以再试", minimum=1, maximum=100000),
)

from . import auth, errors  # noqa: E402,F401  (v1's hooks and error handlers)
from . import certificate_views, goods_views, openapi, read_views, token_views  # noqa: E402,F401

bp.register_blueprint(v1)
