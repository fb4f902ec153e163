"""The print workers of one web process: PDFs are rendered in worker processes, each with a time limit.

Why: xhtml2pdf is pure Python and ReportLab's font registry is per process. Rendering in the request thread
under a process-wide lock made another enterprise's one-page PDF wait for an 800-row certificate (33.6 s),
and eight such requests stopped the site. Here every document goes to a worker process (`pdf_worker.py`):

- the workers render side by side, with no lock, and register their fonts once, at start;
- one enterprise holds at most `share` workers at a time (all but one when there are several), and at most
  WAITING more of its requests wait for a worker (the next is told to try again at once), so the other
  enterprises always find one and one enterprise's burst cannot hold every web thread;
- a render has a time limit: the worker stops itself when it is spent, and a worker that does not answer
  shortly after is killed and replaced, so a document never holds a worker for longer than the limit.

The pool is created on the first print of a process (and again in a process forked after that) and is
thread-safe: waitress, gunicorn threads and the werkzeug test server all call it from many threads.
"""
import atexit
import logging
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

log = logging.getLogger(__name__)

WORKER_SCRIPT = Path(__file__).with_name("pdf_worker.py")
START_SECONDS = 60  # a worker's imports and fonts; not part of a document's time limit
GRACE_SECONDS = 2.0  # how long after its limit a worker may take to say it stopped, before it is killed
MAX_JOBS = 200  # a worker is replaced after this many documents (bounded memory over months)
WAITING = 2  # requests of one enterprise that may wait for a worker while its share is busy


class RenderTimeout(Exception):
    """The document took longer than the time limit; its worker stopped (or was killed)."""


class RenderBusy(Exception):
    """No worker became free in time (or this enterprise has as many documents under way as it may)."""


class WorkerFailed(Exception):
    """The worker could not render the document (it answered an error, or died)."""


class Worker:
    """One worker process and its two pipes."""

    def __init__(self, font_path: str | None):
        self.process = subprocess.Popen([sys.executable, "-s", str(WORKER_SCRIPT), font_path or ""],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True)
        self.jobs = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.answers = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self.ready = False
        self.done = 0

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.answers.poll(START_SECONDS):
            self.kill()
            raise WorkerFailed("打印进程未能启动")
        try:
            kind, _pid = self.answers.recv()
        except (EOFError, OSError, ValueError):
            kind = None
        if kind != "ready":
            self.kill()
            raise WorkerFailed("打印进程未能启动")
        self.ready = True

    def render(self, html: str, seconds: float) -> bytes:
        """The PDF. :raises RenderTimeout: past the limit. :raises WorkerFailed: an error, or the worker died."""
        self.wait_ready()
        self.done += 1
        try:
            self.jobs.send({"html": html, "seconds": seconds})
            if not self.answers.poll(seconds + GRACE_SECONDS):
                self.kill()  # it did not stop by itself: a single element took all the time
                raise RenderTimeout(f"超过 {seconds:g} 秒")
            kind, value = self.answers.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self.kill()
            raise WorkerFailed(f"打印进程意外退出（{type(exc).__name__}）") from None
        if kind == "timeout":
            raise RenderTimeout(value)
        if kind != "ok":
            raise WorkerFailed(value)
        return value

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - the kernel did not reap it
            log.warning("print worker %s did not exit", self.process.pid)
        for pipe in (self.jobs, self.answers):
            pipe.close()

    def stop(self) -> None:
        try:
            self.jobs.send(None)
        except OSError:
            pass
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


class Pool:
    """`size` workers shared by the threads of this process, at most `share` of them per enterprise."""

    def __init__(self, size: int, font_path: str | None):
        self.size, self.font_path = max(1, size), font_path
        self.share = max(1, self.size - 1)
        self.pid = os.getpid()
        self._cond = threading.Condition()
        self._idle: list[Worker] = [Worker(font_path) for _ in range(self.size)]  # they start side by side
        self._running: Counter = Counter()  # enterprise → documents being rendered
        self._waiting: Counter = Counter()  # enterprise → requests waiting for a worker

    def render(self, html: str, owner, seconds: float, wait_seconds: float) -> bytes:
        """Render `html` for `owner` (the enterprise) within `seconds`, waiting at most `wait_seconds` for a worker.

        :raises RenderBusy: no worker in time, or `owner` already has its share running and one waiting.
        :raises RenderTimeout: the document took longer than `seconds`.
        :raises WorkerFailed: the worker answered an error or died.
        """
        worker = self._acquire(owner, wait_seconds)
        try:
            return worker.render(html, seconds)
        finally:
            self._release(owner, worker)

    def _acquire(self, owner, wait_seconds: float) -> Worker:
        deadline = time.monotonic() + wait_seconds
        with self._cond:
            if self._waiting[owner] >= WAITING and self._running[owner] >= self.share:
                raise RenderBusy("本企业已有打印任务正在生成")
            self._waiting[owner] += 1
            try:
                while not (self._idle and self._running[owner] < self.share):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise RenderBusy("打印任务较多")
                    self._cond.wait(left)
                self._running[owner] += 1
                return self._idle.pop()
            finally:
                self._waiting[owner] -= 1

    def _release(self, owner, worker: Worker) -> None:
        replace = not worker.alive or worker.done >= MAX_JOBS
        if replace:
            worker.stop()
            worker = Worker(self.font_path)
        with self._cond:
            self._running[owner] -= 1
            self._idle.append(worker)
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.stop()


_pools: dict[tuple, Pool] = {}
_pools_lock = threading.Lock()


def get(size: int, font_path: str | None) -> Pool:
    """This process's pool for (size, font); a process forked from one that had a pool makes its own."""
    key = (os.getpid(), size, font_path)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = Pool(size, font_path)
        return pool


@atexit.register
def _close_all() -> None:
    for (pid, _size, _font), pool in list(_pools.items()):
        if pid == os.getpid():
            pool.close()
