"""Jobs register themselves here; `flask jobs run` schedules every registered job."""
from dataclasses import dataclass
from importlib import import_module
from typing import Callable

# Modules whose import registers jobs (each area adds its own module here).
JOB_MODULES = ("app.accounts.jobs", "app.exchange.jobs", "app.api.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], str | None]
    seconds: int | str  # seconds, or the name of the configuration key that holds them

    def interval(self, config) -> int:
        return int(config[self.seconds]) if isinstance(self.seconds, str) else self.seconds


JOBS: dict[str, Job] = {}


def job(seconds: int | str):
    """Register `func` to run every `seconds`; it returns a short summary (or None) and may commit."""
    def decorator(func):
        JOBS[func.__name__] = Job(func.__name__, func, seconds)
        return func
    return decorator


def load_all() -> dict[str, Job]:
    for module in JOB_MODULES:
        import_module(module)
    return JOBS
