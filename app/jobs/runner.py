"""The jobs process: APScheduler runs the registered jobs while this process holds the lease."""
import logging
import os
import signal
import socket
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.blocking import BlockingScheduler

from app.extensions import db
from app.timeutil import utcnow

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


def run_forever(app) -> None:
    """Block, running jobs while leader; SIGTERM or Ctrl-C stops cleanly and frees the lease."""
    holder = f"{socket.gethostname()}:{os.getpid()}"
    tick = app.config["JOBS_TICK_SECONDS"]
    state = {"leader": False}
    scheduler = BlockingScheduler(timezone="UTC")

    def heartbeat():
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
            if not state["leader"]:
                return
            with app.app_context():
                summary = run_job_once(job)
                lease.record_summary(holder, f"{utcnow():%Y-%m-%d %H:%M:%S} UTC {summary}")
        return run

    scheduler.add_job(heartbeat, "interval", seconds=tick, next_run_time=datetime.now(timezone.utc), id="heartbeat",
                      max_instances=1, coalesce=True)
    for job in load_all().values():
        scheduler.add_job(wrap(job), "interval", seconds=job.interval(app.config), id=job.name, max_instances=1,
                          coalesce=True)
    def stop(*_args):
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("jobs process %s started with %d jobs", holder, len(load_all()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        with app.app_context():
            lease.release(holder)
        log.info("jobs process %s stopped", holder)
