"""Request ids, the access log, /metrics and /healthz (registered at app start)."""
from flask import Flask


def register(app: Flask) -> None:
    """Hook the request id, the access log and the metrics into `app`."""
