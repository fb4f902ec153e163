"""Housekeeping for login data: used or expired captchas, ended sessions, old login attempts."""
from app.jobs.registry import job

from . import captcha, sessions, throttle


@job(seconds=600)
def purge_login_data() -> str:
    removed = (captcha.purge_expired(), sessions.purge_ended(), throttle.purge_older_than())
    return "captchas {} sessions {} attempts {}".format(*removed)
