"""/metrics in the Prometheus text format (docs/observability.md).

This process's request counts and durations (by Flask endpoint, never the raw path: one series per route, not per
certificate), the metrics the areas keep (PDF render time: printing), and readings taken from the database at
scrape time, which the areas register with `source` (outbox, receipts, jobs heartbeat): web imports no area.

Counters live in the process. Several web processes each answer for themselves, unless PROMETHEUS_MULTIPROC_DIR
names a directory they share: then every process writes its counts there and a scrape of any one sums them all.
"""
import hmac
import logging
import os

from flask import Response, abort, current_app, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, disable_created_metrics, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder

from app.extensions import db

log = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "::1"}
FORWARDED = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # any other is "other": bounded labels

disable_created_metrics()  # no *_created series beside each counter and histogram: Prometheus needs none

REQUESTS = Counter("co_http_requests", "HTTP requests answered, by Flask endpoint, method and status",
                   ["endpoint", "method", "status"])
DURATION = Histogram("co_http_request_duration_seconds", "Time to answer an HTTP request, by Flask endpoint and method",
                     ["endpoint", "method"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

# name → read() giving metric families; called at every scrape, inside the request (the database is there).
_sources: dict = {}


def source(name: str):
    """Register `read() -> iterable of metric families`, read from the database at each scrape."""
    def decorator(read):
        _sources[name] = read
        return read
    return decorator


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    endpoint = endpoint or "none"  # no route matched (404, 405)
    method = method if method in METHODS else "other"
    REQUESTS.labels(endpoint, method, str(status)).inc()
    DURATION.labels(endpoint, method).observe(seconds)


def allowed() -> bool:
    """`Authorization: Bearer <METRICS_TOKEN>`, or a request from this machine while METRICS_ALLOW_LOCAL is on."""
    config = current_app.config
    token = config.get("METRICS_TOKEN") or ""
    if token:
        scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    return bool(config.get("METRICS_ALLOW_LOCAL")) and _is_local()


def _is_local() -> bool:
    if request.remote_addr not in LOOPBACK:
        return False
    # A proxy on this machine makes every request come from loopback: unless ProxyFix has put the real client
    # in remote_addr (PROXY_FIX_X_FOR), a forwarded request is not local.
    return bool(current_app.config.get("PROXY_FIX_X_FOR")) or not any(name in request.headers for name in FORWARDED)


def scrape() -> Response:
    """The metrics; 404 (not 401: the door is not advertised) to anyone `allowed` refuses."""
    if not allowed():
        abort(404)
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encoder(_Scrape(_registry())), content_type=content_type, headers={"Cache-Control": "no-store"})


def _registry():
    """This process's registry; with PROMETHEUS_MULTIPROC_DIR, the sum of every process's files."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


class _Scrape:
    """A registry's metrics, then each source's; a source that fails is reported as down, never as a 500."""

    def __init__(self, registry):
        self.registry = registry

    def collect(self):
        yield from self.registry.collect()
        up = GaugeMetricFamily("co_metrics_source_up", "1 when the source's database reading succeeded at this scrape",
                               labels=["source"])
        for name, read in sorted(_sources.items()):
            try:
                families = list(read())
            except Exception as exc:  # noqa: BLE001
                log.warning("metrics source %s failed: %s", name, type(exc).__name__)
                _rollback_quietly()
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        pass
