"""Small helpers the API views share: the calling user's certificate by id, the audit note, today."""
from flask import abort
from flask_login import current_user

from app.accounts import audit
from app.accounts.access import get_for_enterprise_or_404
from app.certificates.models import Certificate
from app.web.params import db_int

from .auth import token_label


def path_id(value: str) -> int:
    """An id from the path, as `<int:…>` would take it (web/params.py), else 404.

    The API's routes take ids as text and read them here: a number beyond the column sent werkzeug's matcher on to
    the catch-all with a 405 or 404 of the app's HTML pages; this way every API answer stays JSON.
    """
    try:
        number = db_int(value)
    except ValueError:
        abort(404)
    if number < 0:
        abort(404)
    return number


def own_certificate(cert_id: str) -> Certificate:
    """The certificate with this id in the token's enterprise; 404 when missing or another enterprise's."""
    return get_for_enterprise_or_404(Certificate, path_id(cert_id))


def audited(action: str, cert, **detail) -> None:
    """An audit row for a change made through the API, naming the token (never its secret)."""
    audit.record_certificate(action, cert, **{"API令牌": token_label()}, **detail)


def user():
    return current_user._get_current_object()
