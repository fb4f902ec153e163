"""HTML → PDF in a print worker process (`pool.py`), within a time limit, reading no local file and nothing remote.

The documents are built from escaped data (Jinja autoescaping, `pdf_lines`); the worker's resource policy
is the second line: no local read at all (the fonts are registered in the worker, the QR code is a data:
URI), so not even markup that slipped through could pull `instance/secret_key` or any other file in.
"""
import time

from flask import current_app
from prometheus_client import Histogram

from . import pool
from .pool import RenderBusy, RenderTimeout, WorkerFailed

__all__ = ["RenderBusy", "RenderError", "RenderTimeout", "html_to_pdf"]

# /metrics (docs/observability.md): the wait for a worker is included, that is what the user waits for.
RENDER_SECONDS = Histogram("co_pdf_render_seconds", "Time to render one PDF, by outcome (ok, timeout, busy, error)",
                           ["outcome"], buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60))


class RenderError(Exception):
    pass


def html_to_pdf(html: str, font_path: str | None, owner=None) -> bytes:
    """The PDF of `html`, rendered by one of this process's print workers.

    :param owner: whose document it is (the enterprise id): one owner never holds every worker.
    :raises RenderTimeout: it took longer than PRINT_TIMEOUT_SECONDS.
    :raises RenderBusy: no worker was free within PRINT_TIMEOUT_SECONDS.
    :raises RenderError: the document could not be rendered.
    """
    config = current_app.config
    seconds = float(config.get("PRINT_TIMEOUT_SECONDS") or 20)
    workers = pool.get(int(config.get("PRINT_WORKERS") or 2), font_path)
    started, outcome = time.perf_counter(), "error"
    try:
        pdf = workers.render(html, owner, seconds, wait_seconds=seconds)
        outcome = "ok"
        return pdf
    except RenderTimeout:
        outcome = "timeout"
        raise
    except RenderBusy:
        outcome = "busy"
        raise
    except WorkerFailed as exc:
        raise RenderError(f"PDF 生成失败（{exc}）") from None
    finally:
        RENDER_SECONDS.labels(outcome).observe(time.perf_counter() - started)
