"""The scoped query helpers: the only way to enterprise (and authority) data."""
import pytest
from flask_login import login_user
from werkzeug.exceptions import NotFound

from app.accounts.access import authority_select, enterprise_select, get_for_enterprise_or_404
from app.accounts.models import User
from app.extensions import db


def _as(app, user_id):
    ctx = app.test_request_context("/")
    ctx.push()
    login_user(db.session.get(User, user_id))
    return ctx


def test_an_enterprise_user_reaches_only_own_rows(app, cast):
    ctx = _as(app, cast.admin_b)
    try:
        assert get_for_enterprise_or_404(User, cast.clerk_b).username == "clerk_b"
        with pytest.raises(NotFound):
            get_for_enterprise_or_404(User, cast.clerk_a)
        names = {u.username for u in db.session.scalars(enterprise_select(User))}
        assert names == {"admin_b", "clerk_b"}
    finally:
        ctx.pop()


@pytest.mark.parametrize("who", ["officer", "sysadmin"])
def test_users_without_an_enterprise_get_nothing_instead_of_everything_unowned(app, cast, who):
    ctx = _as(app, getattr(cast, who))
    try:
        with pytest.raises(NotFound):
            get_for_enterprise_or_404(User, getattr(cast, who))
    finally:
        ctx.pop()


def test_only_an_officer_has_an_authority_scope(app, cast):
    ctx = _as(app, cast.clerk_a)
    try:
        with pytest.raises(NotFound):
            authority_select(User)
    finally:
        ctx.pop()
    ctx = _as(app, cast.officer)
    try:
        where = str(authority_select(User).whereclause.compile(compile_kwargs={"literal_binds": True}))
        assert "authority_code = '3100'" in where
    finally:
        ctx.pop()
