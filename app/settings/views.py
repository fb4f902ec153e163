"""系统设置 (sysadmin): runtime settings and the background jobs' heartbeat."""
import json

from flask import flash, redirect, request, url_for
from flask_login import current_user

from app.accounts import audit
from app.accounts.access import sysadmin_required
from app.extensions import db
from app.jobs.status import jobs_status
from app.web.htmx import render_page_or_fragment

from . import bp, get_setting
from .models import SystemSetting
from .registry import SETTINGS


def _render(values, errors, status=200):
    return render_page_or_fragment("settings/edit.html", "settings/_form.html", status,
                                   settings=SETTINGS.values(), values=values, errors=errors,
                                   jobs=jobs_status())


@bp.get("/admin/settings")
@sysadmin_required
def edit():
    """Every runtime setting with its current value."""
    return _render({key: get_setting(key) for key in SETTINGS}, {})


@bp.post("/admin/settings")
@sysadmin_required
def save():
    """Validate all settings; save them together or not at all."""
    values, errors = {}, {}
    for key, definition in SETTINGS.items():
        values[key], message = definition.parse(request.form.get(key))
        if message:
            errors[key] = message
    if errors:
        return _render(values, errors, 422)
    changed = {}
    for key, value in values.items():
        if value != get_setting(key):
            changed[key] = [get_setting(key), value]
            row = db.session.get(SystemSetting, key) or SystemSetting(key=key)
            row.value = json.dumps(value)
            row.updated_by_id = current_user.id
            db.session.add(row)
    if changed:
        audit.record("settings.update", "system", **{SETTINGS[k].label: v for k, v in changed.items()})
    db.session.commit()
    flash("系统设置已保存。" if changed else "没有需要保存的修改。", "success")
    return redirect(url_for("settings.edit"))
