"""The jobs process: one leader through a database lease; housekeeping removes dead login data."""
from datetime import timedelta

import sqlalchemy as sa

from app.accounts.models import Captcha, LoginAttempt, UserSession
from app.extensions import db
from app.jobs import lease
from app.jobs.registry import load_all
from app.jobs.runner import run_job_once
from app.timeutil import utcnow

TTL = timedelta(seconds=30)


def test_only_one_process_holds_the_lease(app):
    with app.app_context():
        assert lease.acquire("host-a:1", TTL)
        assert not lease.acquire("host-b:2", TTL)
        assert lease.acquire("host-a:1", TTL)  # the holder renews


def test_an_expired_lease_passes_to_another_process(app):
    with app.app_context():
        assert lease.acquire("host-a:1", timedelta(seconds=-1))
        assert lease.acquire("host-b:2", TTL)
        assert not lease.acquire("host-a:1", TTL)


def test_a_released_lease_is_free_at_once(app):
    with app.app_context():
        lease.acquire("host-a:1", TTL)
        lease.release("host-a:1")
        assert lease.acquire("host-b:2", TTL)


def test_housekeeping_removes_expired_captchas_old_attempts_and_ended_sessions(app, cast):
    old = utcnow() - timedelta(days=40)
    with app.app_context():
        db.session.add_all([
            Captcha(id="expired", answer="ABCD", expires_at=utcnow() - timedelta(seconds=1)),
            Captcha(id="live", answer="ABCD", expires_at=utcnow() + timedelta(minutes=5)),
            LoginAttempt(username="x", ip="1.2.3.4", outcome="password", at=old),
            LoginAttempt(username="y", ip="1.2.3.4", outcome="password"),
            UserSession(token_hash="a" * 64, user_id=cast.clerk_a, expires_at=old, last_seen_at=old, created_at=old),
        ])
        db.session.commit()
        summary = run_job_once(load_all()["purge_login_data"])
        assert summary == "purge_login_data: captchas 1 sessions 1 attempts 1"
        assert db.session.scalars(sa.select(Captcha.id)).all() == ["live"]
        assert db.session.scalars(sa.select(LoginAttempt.username)).all() == ["y"]


def test_a_failing_job_is_rolled_back_and_reported(app):
    from app.jobs.registry import Job

    def broken():
        db.session.add(LoginAttempt(username="half", ip="-", outcome="password"))
        raise RuntimeError("boom")

    with app.app_context():
        assert run_job_once(Job("broken", broken, 10)) == "broken: failed"
        assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 0
