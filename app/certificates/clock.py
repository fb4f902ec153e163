"""Today's date where the users are (DISPLAY_TIMEZONE): application dates and numbering years follow it."""
from flask import current_app

from app.timeutil import local_today


def today():
    return local_today(current_app.config["DISPLAY_TIMEZONE"])
