"""Configuration, read from the environment (every variable is listed in README.md)."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def env_bool(name, default):
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value and value.strip() else default


def env_list(name):
    """A comma-separated environment variable as a list; None when unset or empty."""
    items = [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]
    return items or None


def database_url(url=None):
    """The SQLAlchemy URL: DATABASE_URL, else a SQLite file under instance/.

    `postgres://` and `postgresql://` are sent to the psycopg 3 driver.
    """
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'co.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    # Secrets: when unset they are created once and kept in instance/ (see app/secrets.py).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    DATA_ENCRYPTION_KEYS = os.environ.get("DATA_ENCRYPTION_KEYS") or None

    SQLALCHEMY_DATABASE_URI = database_url()
    # hide_parameters: a database error never carries the bound values (password hashes, encrypted secrets) into
    # the log; the statement and the error class are enough to find the fault.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    # PostgreSQL, web requests only: wait at most this long for a lock, run a statement at most this long (ms;
    # 0 = no limit). Beyond it the user reads 503 系统繁忙，请稍后再试 instead of a page that never comes.
    DB_LOCK_TIMEOUT_MS = env_int("DB_LOCK_TIMEOUT_MS", 10_000)
    DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000)
    SQLITE_BUSY_TIMEOUT_MS = env_int("SQLITE_BUSY_TIMEOUT_MS", 15_000)  # SQLite: how long a writer queues

    # What one request may bring: a larger body is answered 413; a code-table import is refused beyond these.
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 8 * 1024 * 1024)
    REFDATA_IMPORT_MAX_BYTES = env_int("REFDATA_IMPORT_MAX_BYTES", 4 * 1024 * 1024)
    REFDATA_IMPORT_MAX_ROWS = env_int("REFDATA_IMPORT_MAX_ROWS", 20_000)  # HS, the largest table, has 15,797
    # 导入货物 on a certificate's goods tab: a larger file is refused (its rows are capped by the goods row cap).
    GOODS_IMPORT_MAX_BYTES = env_int("GOODS_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
    # An API Idempotency-Key's stored answer is forgotten after this many days (a retry after that runs again).
    API_IDEMPOTENCY_DAYS = env_int("API_IDEMPOTENCY_DAYS", 7)

    DEMO_MODE = env_bool("DEMO_MODE", False)
    APP_MODE = os.environ.get("APP_MODE", "full")  # full | enterprise | authority (used by the exchange)

    CAPTCHA_ENABLED = env_bool("CAPTCHA_ENABLED", True)
    CAPTCHA_TTL_SECONDS = env_int("CAPTCHA_TTL_SECONDS", 300)

    SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 120)
    SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
    SESSION_COOKIE_NAME = "co_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = 3600 * SESSION_MAX_HOURS

    # A clerk may keep a draft open for hours: the token lives as long as the login session.
    WTF_CSRF_TIME_LIMIT = None

    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted.
    PROXY_FIX_X_FOR = env_int("PROXY_FIX_X_FOR", 0)

    DISPLAY_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Asia/Shanghai")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # "json": every log record one JSON object per line (the access log co.access too); else readable text.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
    # /metrics answers `Authorization: Bearer <METRICS_TOKEN>` (when set) and, while METRICS_ALLOW_LOCAL is on,
    # requests from this machine (loopback, not forwarded by a proxy); anyone else gets 404 (docs/observability.md).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    METRICS_ALLOW_LOCAL = env_bool("METRICS_ALLOW_LOCAL", True)

    # argon2id at the OWASP Password Storage Cheat Sheet's first recommended setting.
    ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 2)
    ARGON2_MEMORY_KIB = env_int("ARGON2_MEMORY_KIB", 19456)
    ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", 1)
    # A password set by an admin (new user, reset) must be replaced by the user's own within this time.
    INITIAL_PASSWORD_HOURS = env_int("INITIAL_PASSWORD_HOURS", 72)

    JOBS_TICK_SECONDS = env_int("JOBS_TICK_SECONDS", 10)
    # /healthz answers 503 when the jobs process has been silent for 3 ticks; 0 for an install that runs none.
    HEALTH_REQUIRE_JOBS = env_bool("HEALTH_REQUIRE_JOBS", True)
    # `flask serve`: waitress worker threads of one web process (run more processes behind a proxy to use more cores).
    WEB_THREADS = env_int("WEB_THREADS", 8)

    PRINT_CJK_FONT = os.environ.get("PRINT_CJK_FONT") or None  # a TrueType CJK font; default: Debian's WenQuanYi
    # PDFs are rendered by worker processes beside each web process (app/printing/pool.py), each within a limit.
    PRINT_WORKERS = env_int("PRINT_WORKERS", max(2, min(4, os.cpu_count() or 2)))
    PRINT_TIMEOUT_SECONDS = env_int("PRINT_TIMEOUT_SECONDS", 20)
    # The address printed in the QR code of issued certificates (…/verify/<number>); never the request's Host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    # Host names the app answers to (Flask): any other Host header gets 400. Unset: any host (development).
    TRUSTED_HOSTS = env_list("TRUSTED_HOSTS")

    # Exchange with the issuing authority (docs/exchange.md).
    EXCHANGE_GATEWAY = os.environ.get("EXCHANGE_GATEWAY", "embedded")  # embedded | http
    AUTHORITY_URL = os.environ.get("AUTHORITY_URL", "")  # the authority instance, for the http gateway
    EXCHANGE_TIMEOUT_SECONDS = env_int("EXCHANGE_TIMEOUT_SECONDS", 10)
    INBOX_MAX_ITEMS = env_int("INBOX_MAX_ITEMS", 999)  # goods rows the authority takes in one declaration
    EXCHANGE_SEND_SECONDS = env_int("EXCHANGE_SEND_SECONDS", 1)  # send-outbox job interval
    EXCHANGE_POLL_SECONDS = env_int("EXCHANGE_POLL_SECONDS", 2)  # poll-receipts job interval
    EXCHANGE_RETRY_BASE_SECONDS = env_int("EXCHANGE_RETRY_BASE_SECONDS", 5)  # first retry; doubles each time
    EXCHANGE_RETRY_MAX_SECONDS = env_int("EXCHANGE_RETRY_MAX_SECONDS", 600)
    EXCHANGE_CLAIM_SECONDS = env_int("EXCHANGE_CLAIM_SECONDS", 60)  # a claimed message is retried after this
    NOTICE_POLL_SECONDS = env_int("NOTICE_POLL_SECONDS", 30)  # the header 通知 mark re-checks this often (htmx)
