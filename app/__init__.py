"""The Certificate of Origin declaration system: application factory."""
import logging

import sqlalchemy as sa
from flask import Flask, has_request_context
from werkzeug.middleware.proxy_fix import ProxyFix

from config import INSTANCE_DIR, Config

from .dbtxn import may_write
from .extensions import csrf, db, login_manager, migrate
from .secrets_store import ensure_secrets
from .web import hosts, params
from .web.requests import CleanRequest


def create_app(config: dict | None = None) -> Flask:
    """Build the app from `Config` (the environment), then `config` overrides (tests)."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.request_class = CleanRequest  # no NUL characters in form fields and query parameters
    params.register(app)  # <int:…> route ids bounded to INTEGER, no control characters in <name> segments
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    ensure_secrets(app)
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every run of every job at INFO

    hosts.register(app)  # TRUSTED_HOSTS; inside ProxyFix, which wraps it next
    if app.config["PROXY_FIX_X_FOR"]:
        hops = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    _register_sqlite_pragmas(app)
    _register_postgres_timeouts(app)
    _register_models()
    _register_blueprints(app)
    _register_home()
    _register_cli(app)

    from .web import assets, errors, forms_policy, observability, security, templating
    forms_policy.register(app)
    observability.register(app)
    errors.register(app)
    security.register(app)
    templating.register(app)
    assets.register(app)
    return app


def _register_models() -> None:
    """Import every models module so that metadata (and Alembic) sees all tables."""
    from .accounts import models as _accounts  # noqa: F401
    from .api import models as _api  # noqa: F401
    from .authority import models as _authority  # noqa: F401
    from .certificates import models as _certificates  # noqa: F401
    from .exchange import models as _exchange  # noqa: F401
    from .jobs import models as _jobs  # noqa: F401
    from .printing import models as _printing  # noqa: F401
    from .refdata import models as _refdata  # noqa: F401
    from .settings import models as _settings  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from .accounts import bp as accounts_bp
    from .api import bp as api_bp
    from .authority import bp as authority_bp
    from .certificates import bp as certificates_bp
    from .printing import bp as printing_bp
    from .queries import bp as queries_bp
    from .refdata import bp as refdata_bp
    from .settings import bp as settings_bp
    from .web import bp as web_bp

    for blueprint in (web_bp, accounts_bp, settings_bp, certificates_bp, queries_bp, authority_bp, refdata_bp, printing_bp,
                      api_bp):
        app.register_blueprint(blueprint)


def _register_home() -> None:
    """首页's to-do lists and the 通知 mark, /metrics' and /healthz' readings: the areas owning the data register
    them with web.home, web.metrics and web.observability."""
    from .authority import todo as _authority_todo  # noqa: F401
    from .exchange import metrics as _exchange_metrics, todo as _exchange_todo  # noqa: F401
    from .jobs import metrics as _jobs_metrics  # noqa: F401


def _register_cli(app: Flask) -> None:
    from .backup.cli import backup_cli
    from .cli import authority_cli, demo_cli, enterprises_cli, jobs_cli, serve_command, users_cli
    from .refdata.cli import refdata_cli

    for command in (users_cli, enterprises_cli, demo_cli, jobs_cli, serve_command, refdata_cli, authority_cli,
                    backup_cli):
        app.cli.add_command(command)


def _register_sqlite_pragmas(app: Flask) -> None:
    """SQLite: foreign keys on, WAL for concurrent readers, and writers that queue instead of failing.

    Requests that may write take the write lock at BEGIN and wait their turn (app/dbtxn.py);
    reading pages keep a plain BEGIN and never wait.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # the driver's own BEGIN is replaced by _on_begin
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(app.config['SQLITE_BUSY_TIMEOUT_MS'])}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if may_write() else "BEGIN")


def _register_postgres_timeouts(app: Flask) -> None:
    """PostgreSQL: a web request's transaction waits for a lock and runs a statement only so long.

    Past DB_LOCK_TIMEOUT_MS / DB_STATEMENT_TIMEOUT_MS the database cancels it and the user reads 503 (web/errors.py)
    instead of a page that never comes. Jobs and CLI commands (migrations, imports) keep no limit.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        if has_request_context():
            lock, statement = int(app.config["DB_LOCK_TIMEOUT_MS"]), int(app.config["DB_STATEMENT_TIMEOUT_MS"])
            conn.exec_driver_sql(f"SELECT set_config('lock_timeout', '{lock}', true), "
                                 f"set_config('statement_timeout', '{statement}', true)")
