"""Migrations: they build the schema from empty, match the models, and keep data when upgrading."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.conftest import dispose, make_config

FIRST_REVISION = "0001_foundation"


@pytest.fixture
def fresh_url(db_url, tmp_path):
    """An empty database of the same kind as the test database (PostgreSQL: a schema of its own)."""
    if db_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path / "migrations.sqlite3")
        return
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS migration_check CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA migration_check")
    yield db_url + ("&" if "?" in db_url else "?") + "options=-csearch_path%3Dmigration_check"
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS migration_check CASCADE")
    engine.dispose()


@pytest.fixture
def fresh_app(fresh_url):
    app = create_app(make_config(fresh_url))
    yield app
    dispose(app)


def _tables(app):
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_builds_every_table(fresh_app):
    with fresh_app.app_context():
        upgrade()
    assert _tables(fresh_app) == set(db.metadata.tables)


def test_the_models_and_the_migrations_agree(fresh_app):
    with fresh_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations; run `flask db migrate`: {diff}"


def test_downgrade_to_base_and_upgrade_again(fresh_app):
    with fresh_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert _tables(fresh_app) == set()
        upgrade()
    assert _tables(fresh_app) == set(db.metadata.tables)


def test_upgrading_an_old_database_keeps_its_rows(fresh_app):
    with fresh_app.app_context():
        upgrade(revision=FIRST_REVISION)
        from app.accounts.passwords import hash_password

        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO enterprises (id, name, is_active, created_at) "
                                 "VALUES (1, '旧企业', :t, CURRENT_TIMESTAMP)"), {"t": True})
            conn.execute(sa.text(
                "INSERT INTO users (id, username, display_name, role, enterprise_id, password_hash, is_active, "
                "must_change_password, menu_collapsed, created_at) VALUES (1, 'old_clerk', '旧', 'clerk', 1, "
                ":h, :t, :f, :f, CURRENT_TIMESTAMP)"), {"h": hash_password("Old-pass123"), "t": True, "f": False})
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name FROM enterprises")).scalar() == "旧企业"
    from tests.support import login

    assert login(fresh_app.test_client(), fresh_app.config["CAPTCHAS"], "old_clerk", "Old-pass123").status_code == 302


def test_certificates_saved_before_the_query_revision_are_found_by_invoice(fresh_app):
    with fresh_app.app_context():
        upgrade(revision="0005_exchange")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO enterprises (id, name, is_active, created_at) "
                                 "VALUES (1, '旧企业', :t, CURRENT_TIMESTAMP)"), {"t": True})
            conn.execute(sa.text(
                "INSERT INTO certificates (id, enterprise_id, cert_type, cert_no, kind, status, co_reg_no, org_code, "
                "applicant_name_cn, producer_confidential, exhibition, third_party_invoice, invoice_no, created_at, "
                "updated_at, version) VALUES (1, 1, 'C', 'C263100000010001', 'new', 'draft', '310000001', "
                "'91350100M000100Y43', '旧企业', :f, :f, :f, 'ｉｎｖ－２０２６ ００１', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, 1)"), {"f": False})
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT invoice_no, invoice_key FROM certificates")).one()
    assert row == ("ｉｎｖ－２０２６ ００１", "INV-2026001")


def test_the_notices_revision_keeps_users_and_starts_with_nothing_read(fresh_app):
    with fresh_app.app_context():
        upgrade(revision="0007_printing")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO enterprises (id, name, is_active, created_at) "
                                 "VALUES (1, '旧企业', :t, CURRENT_TIMESTAMP)"), {"t": True})
            conn.execute(sa.text(
                "INSERT INTO users (id, username, display_name, role, enterprise_id, password_hash, is_active, "
                "must_change_password, menu_collapsed, created_at) VALUES (1, 'old_clerk', '旧', 'clerk', 1, "
                "'x', :t, :f, :f, CURRENT_TIMESTAMP)"), {"t": True, "f": False})
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT username, notices_seen_at FROM users")).one()
        downgrade(revision="0007_printing")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT username FROM users")).scalar() == "old_clerk"
    assert tuple(row) == ("old_clerk", None)
