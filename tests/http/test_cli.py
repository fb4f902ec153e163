"""Command line: users, enterprises and the demo data."""
import sqlalchemy as sa

from app import create_app
from app.accounts.models import Enterprise, User
from app.extensions import db
from tests.conftest import dispose, make_config
from tests.support import login


def test_it_creates_an_enterprise_and_users_from_the_command_line(app, captchas):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["enterprises", "create", "丁进出口有限公司", "--admin", "admin_d",
                                 "--password", "Cli-pass-36281"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--username", "clerk_d", "--role", "clerk",
                                 "--enterprise", "丁进出口有限公司", "--password", "Cli-pass-36281"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--username", "officer_d", "--role", "officer",
                                 "--authority", "5300", "--password", "Cli-pass-36281"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        clerk = db.session.scalar(sa.select(User).where(User.username == "clerk_d"))
        assert clerk.enterprise.name == "丁进出口有限公司"
    assert login(app.test_client(), captchas, "clerk_d", "Cli-pass-36281").status_code == 302


def test_an_officer_needs_a_known_authority(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--username", "officer_x", "--role", "officer",
                                                "--authority", "1234", "--password", "Cli-pass-36281"])
    assert result.exit_code != 0 and "质检机构代码" in result.output


def test_the_cli_refuses_weak_passwords_and_unknown_enterprises(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--username", "weak_one", "--role", "sysadmin",
                                 "--password", "short"])
    assert result.exit_code != 0 and "密码至少 12 位" in result.output
    result = runner.invoke(args=["users", "create", "--username", "lost_one", "--role", "clerk",
                                 "--enterprise", "不存在公司", "--password", "Cli-pass-36281"])
    assert result.exit_code != 0 and "企业不存在" in result.output


def test_demo_data_is_refused_outside_demo_mode(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "演示模式" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_demo_data_is_created_once_and_works(db_url):
    app = create_app(make_config(db_url, DEMO_MODE=True))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "demo_admin" in first.output and "Demo@12345" in first.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 4
        assert db.session.scalar(sa.select(Enterprise.name)) == "演示进出口有限公司"
        officer = db.session.scalar(sa.select(User).where(User.username == "demo_officer"))
        assert officer.authority_code == "2200"
    for username in ("demo_admin", "demo_clerk", "demo_officer", "sysadmin"):
        assert login(app.test_client(), app.config["CAPTCHAS"], username, "Demo@12345").status_code == 302
    dispose(app)
