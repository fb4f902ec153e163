"""Stopping and restarting the real processes as an operator (or systemd) does.

`flask serve` runs waitress and supervises `flask jobs run`; systemd stops a service with SIGTERM to its whole
process group, a terminal with Ctrl-C (SIGINT) to the group, and an impatient person sends it twice. Each way the
processes end without a traceback and the jobs lease is released, so the next start runs jobs at once instead of
waiting out the lease; a jobs process killed outright (-9) is taken over once its lease has run out.
"""
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.http.test_exchange_two_processes import OUTER, ROOT, _free_port, _wait_healthy

TICK = 2  # JOBS_TICK_SECONDS for the take-over: the lease lasts 3 ticks (6 s)
LEASE_SECONDS = 3 * TICK
# For the restarts: a lease long enough (15 s) that a restart which had to wait for it could not pass for one that
# did not (stopping and a new process's imports take a few seconds on a loaded machine).
RESTART_TICK = 5

_leases = sa.Table("job_leases", sa.MetaData(), sa.Column("name", sa.String, primary_key=True),
                   sa.Column("holder", sa.String), sa.Column("expires_at", sa.DateTime),
                   sa.Column("heartbeat_at", sa.DateTime))


class Site:
    """One install (its own SQLite file and instance folder) and the processes started on it."""

    def __init__(self, tmp_path: Path, tick: int):
        self.tmp_path = tmp_path
        self.tick = tick
        self.url = f"sqlite:///{tmp_path / 'co.sqlite3'}"
        self.env = {k: v for k, v in os.environ.items() if k not in OUTER}
        self.env.update(DATABASE_URL=self.url, INSTANCE_DIR=str(tmp_path / "instance"), JOBS_TICK_SECONDS=str(tick),
                        LOG_LEVEL="INFO", PYTHONUNBUFFERED="1", DEMO_MODE="0")
        self.engine = sa.create_engine(self.url)
        self.logs: list[Path] = []

    def flask(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                       check=True, capture_output=True, timeout=120)

    def start(self, *args: str) -> subprocess.Popen:
        """A long-running flask command in its own process group (as systemd starts a service)."""
        log = self.tmp_path / f"process-{len(self.logs)}.log"
        self.logs.append(log)
        with open(log, "w") as out:
            return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def lease(self) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(_leases).where(_leases.c.name == "scheduler")).mappings().first()
        return dict(row) if row else None

    def wait_for_leader(self, timeout: float, not_holder: str | None = None) -> tuple[str, float]:
        """(holder, seconds waited) once a live lease is held by someone other than `not_holder`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            row = self.lease()
            if row and row["expires_at"] > datetime.utcnow() and row["holder"] != not_holder:
                return row["holder"], time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(f"no jobs process took the lease within {timeout} s: {self.lease()}")

    def output(self) -> str:
        return "\n".join(log.read_text() for log in self.logs)


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def _kill_group(process: subprocess.Popen) -> None:
    if not _group_gone(process.pid):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def make_site(tmp_path):
    sites = []

    def make(tick: int) -> Site:
        site = Site(tmp_path, tick)
        site.flask("db", "upgrade")
        sites.append(site)
        return site
    yield make
    for site in sites:
        site.engine.dispose()


def _restart_leads_at_once(site: Site, stopped_lease: dict) -> None:
    """A new `flask jobs run` leads before the stopped process's lease would have run out, had it been kept."""
    jobs = site.start("jobs", "run")
    try:
        new_holder, _ = site.wait_for_leader(timeout=60, not_holder=stopped_lease["holder"])
        assert new_holder.endswith(f":{jobs.pid}")
        led_at = site.lease()["heartbeat_at"]
        would_expire = stopped_lease["heartbeat_at"].timestamp() + 3 * site.tick
        assert led_at.timestamp() < would_expire, "the restart waited for the old lease to run out"
    finally:
        os.killpg(jobs.pid, signal.SIGTERM)
        assert jobs.wait(timeout=30) == 0


@pytest.mark.parametrize("signal_name,times", [("SIGTERM", 1), ("SIGTERM", 2), ("SIGINT", 1), ("SIGINT", 2)])
def test_a_signal_to_the_group_stops_web_and_jobs_cleanly_and_a_restart_leads_at_once(make_site, signal_name,
                                                                                        times):
    site = make_site(RESTART_TICK)
    port = _free_port()
    server = site.start("serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "2")
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", server, timeout=60)
        holder, _ = site.wait_for_leader(timeout=60)
        for _ in range(times):
            os.killpg(server.pid, getattr(signal, signal_name))
            time.sleep(0.3)
        assert server.wait(timeout=30) == 0, site.output()
        deadline = time.monotonic() + 10
        while not _group_gone(server.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _group_gone(server.pid), "a process of the stopped server is still running"
    finally:
        _kill_group(server)
    output = site.output()
    assert "Traceback" not in output, output
    assert "Error" not in output, output
    assert "已停止 web 与后台任务进程" in output, output
    row = site.lease()
    assert row["holder"] == holder and row["expires_at"] <= datetime.utcnow(), f"the lease was kept: {row}"

    if times == 1 and signal_name == "SIGTERM":  # systemd's stop: then its start (the others stop the same way)
        _restart_leads_at_once(site, row)
        assert "Traceback" not in site.output()


def test_a_stopped_jobs_process_frees_its_lease_for_the_next_one(make_site):
    site = make_site(RESTART_TICK)
    first = site.start("jobs", "run")
    try:
        site.wait_for_leader(timeout=60)
        os.killpg(first.pid, signal.SIGTERM)
        assert first.wait(timeout=30) == 0
    finally:
        _kill_group(first)
    row = site.lease()
    assert row["expires_at"] <= datetime.utcnow(), f"the lease was kept: {row}"
    _restart_leads_at_once(site, row)
    assert "Traceback" not in site.output()


def test_a_killed_jobs_process_is_taken_over_within_one_lease_period(make_site):
    site = make_site(TICK)
    first = site.start("jobs", "run")
    second = None
    try:
        holder, _ = site.wait_for_leader(timeout=60)
        second = site.start("jobs", "run")
        time.sleep(TICK * 2)  # the second one is up and idles: the lease is alive
        assert site.lease()["holder"] == holder, "a second jobs process took a live lease"
        last_heartbeat = site.lease()["heartbeat_at"]
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        new_holder, _ = site.wait_for_leader(timeout=LEASE_SECONDS + 3 * TICK, not_holder=holder)
        assert new_holder.endswith(f":{second.pid}")
        took_over = site.lease()["heartbeat_at"]
        # never before the killed one's lease ran out (no two leaders), and within one lease period and a tick
        assert (took_over - last_heartbeat).total_seconds() >= LEASE_SECONDS - 0.5
        assert (took_over - last_heartbeat).total_seconds() <= LEASE_SECONDS + 2 * TICK
    finally:
        _kill_group(first)
        if second is not None:
            os.killpg(second.pid, signal.SIGTERM)
            assert second.wait(timeout=30) == 0
    assert "Traceback" not in site.output()
