"""系统设置: runtime settings kept in the database; the jobs heartbeat."""
from datetime import timedelta

from app.extensions import db
from app.jobs import lease
from app.timeutil import utcnow
from tests.support import login, post

FORM = {"login.max_failures_per_account": "3", "login.max_failures_per_address": "50", "login.lockout_minutes": "30",
        "certificate.max_goods_rows": "200", "certificate.application_window_days": "365",
        "api.requests_per_minute": "120"}


def test_the_sysadmin_changes_a_setting_and_login_follows_it(app, client, cast, log_in, captchas):
    log_in("root_admin")
    response = post(client, "/admin/settings", FORM, "/admin/settings")
    assert response.status_code == 302
    assert 'value="3"' in client.get("/admin/settings").get_data(as_text=True)
    other = app.test_client()
    for _ in range(3):
        login(other, captchas, "clerk_b", "Wrong-pass1")
    assert login(other, captchas, "clerk_b").status_code == 429
    assert "登录锁定时长（分钟）: 15 → 30" in client.get("/audit").get_data(as_text=True)  # in words, not keys


def test_bad_values_are_refused_beside_the_field_and_nothing_is_saved(client, cast, log_in):
    log_in("root_admin")
    response = post(client, "/admin/settings", {**FORM, "login.max_failures_per_account": "0",
                                                "login.lockout_minutes": "abc"}, "/admin/settings")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "不能小于 1" in html and "请填写整数" in html and 'value="abc"' in html
    assert 'value="5"' in client.get("/admin/settings").get_data(as_text=True)


def test_the_page_tells_whether_the_jobs_process_runs(app, client, cast, log_in):
    log_in("root_admin")
    def status():
        html = client.get("/admin/settings").get_data(as_text=True)
        return html.split('id="jobs-status">')[1].split("</span>")[0]

    assert status().endswith("从未运行")
    with app.app_context():
        assert lease.acquire("host:1", timedelta(seconds=30))
    assert status().endswith(">运行中")
    with app.app_context():
        from app.jobs.models import JobLease

        row = db.session.get(JobLease, lease.LEASE_NAME)
        row.heartbeat_at = row.expires_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    assert status().endswith(">未运行")


def test_the_heartbeat_and_the_last_job_are_shown_in_the_same_time_zone(app, client, cast, log_in):
    # issue 18: the heartbeat was local time (Asia/Shanghai) and the last job UTC, eight hours apart
    import re

    from app.jobs.runner import summary_line

    with app.app_context():
        assert lease.acquire("host:1", timedelta(seconds=30))
        lease.record_summary("host:1", summary_line("send_outbox: ok", app.config["DISPLAY_TIMEZONE"]))
    log_in("root_admin")
    html = client.get("/admin/settings").get_data(as_text=True)
    heartbeat = re.search(r"心跳 (\d{4}-\d\d-\d\d \d\d:\d\d)", html).group(1)
    last_job = re.search(r"最近任务：(\d{4}-\d\d-\d\d \d\d:\d\d)", html).group(1)
    from datetime import datetime

    apart = abs(datetime.fromisoformat(heartbeat) - datetime.fromisoformat(last_job))
    assert apart <= timedelta(minutes=1), (heartbeat, last_job)  # written at the same moment
    assert "UTC" not in html.split("最近任务：")[1].split("</p>")[0]
