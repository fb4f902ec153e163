"""The jobs process: APScheduler runs the registered jobs while this process holds the lease."""
import logging
import os
import signal
import socket
import threading
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler

from app.extensions import db
from app.timeutil import to_local, utcnow

from . import lease
from .registry import Job, load_all

log = logging.getLogger(__name__)


def run_job_once(job: Job) -> str:
    """Run one job in its own transaction; a failure is logged and rolled back, never raised."""
    try:
        summary = job.func() or "ok"
        db.session.commit()
    except Exception:  # a job must never bring the process down
        db.session.rollback()
        log.exception("job %s failed", job.name)
        summary = "failed"
    finally:
        db.session.remove()
    return f"{job.name}: {summary}"


def summary_line(summary: str, tz_name: str) -> str:
    """What 系统设置 shows as the last job: its time in the display time zone (as the heartbeat beside it)."""
    return f"{to_local(utcnow(), tz_name):%Y-%m-%d %H:%M:%S} {summary}"


def run_forever(app) -> None:
    """Block, running jobs while leader; SIGTERM or Ctrl-C (once or more) stops cleanly and frees the lease.

    The scheduler runs in its own threads; this thread only waits for a stop signal, then lets the running job
    finish (its transaction commits or rolls back whole), and only then releases the lease, so no heartbeat can
    renew it afterwards and the next process (a restart) leads at once.
    """
    holder = f"{socket.gethostname()}:{os.getpid()}"
    tick = app.config["JOBS_TICK_SECONDS"]
    state = {"leader": False}
    stopping = threading.Event()

    def stop(*_args):
        stopping.set()  # idempotent: a second signal (systemd, a second Ctrl-C) changes nothing

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler = BackgroundScheduler(timezone="UTC")

    def heartbeat():
        if stopping.is_set():
            return
        with app.app_context():
            try:
                leader = lease.acquire(holder, timedelta(seconds=3 * tick))
            except Exception:
                log.exception("lease renewal failed")
                leader = False
            finally:
                db.session.remove()
        if leader != state["leader"]:
            log.info("jobs process %s is %s", holder, "the leader" if leader else "idle (another process leads)")
        state["leader"] = leader

    def wrap(job: Job):
        def run():
            if not state["leader"] or stopping.is_set():
                return
            with app.app_context():
                summary = run_job_once(job)
                lease.record_summary(holder, summary_line(summary, app.config["DISPLAY_TIMEZONE"]))
        return run

    scheduler.add_job(heartbeat, "interval", seconds=tick, next_run_time=datetime.now(timezone.utc), id="heartbeat",
                      max_instances=1, coalesce=True)
    for job in load_all().values():
        scheduler.add_job(wrap(job), "interval", seconds=job.interval(app.config), id=job.name, max_instances=1,
                          coalesce=True)
    log.info("jobs process %s started with %d jobs", holder, len(load_all()))
    scheduler.start()
    try:
        while not stopping.wait(1):
            pass
    finally:
        scheduler.shutdown(wait=True)  # the job under way finishes; no new one starts
        with app.app_context():
            try:
                lease.release(holder)
            except Exception:  # the database went away: the lease then expires on its own after 3 ticks
                log.warning("jobs process %s could not release the lease", holder)
            finally:
                db.session.remove()
        log.info("jobs process %s stopped", holder)
