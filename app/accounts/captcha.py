"""Login captcha: a server-generated image whose answer is used once and expires.

Tests learn the answer through `CAPTCHA_OBSERVER` (a callable in config, set only by tests).
"""
import io
import secrets
import unicodedata
from datetime import timedelta

import sqlalchemy as sa
from captcha.image import ImageCaptcha
from flask import current_app

from app.extensions import db
from app.timeutil import utcnow

from .models import Captcha

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: characters people mistake for each other.
ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
LENGTH = 4
# Live captchas kept per client address: reloading the login page forever cannot fill the table.
PER_ADDRESS = 20


def create(ip: str) -> str:
    """Store a new captcha for a client address and return its id."""
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    captcha_id = secrets.token_urlsafe(24)
    ttl = timedelta(seconds=current_app.config["CAPTCHA_TTL_SECONDS"])
    keep = sa.select(Captcha.id).where(Captcha.ip == ip).order_by(Captcha.expires_at.desc()).limit(PER_ADDRESS - 1)
    db.session.execute(sa.delete(Captcha).where(Captcha.ip == ip, Captcha.id.not_in(keep.scalar_subquery()))
                       .execution_options(synchronize_session=False))
    db.session.add(Captcha(id=captcha_id, answer=answer, ip=ip, expires_at=utcnow() + ttl))
    observer = current_app.config.get("CAPTCHA_OBSERVER")
    if observer:
        observer(captcha_id, answer)
    return captcha_id


def image_png(captcha_id: str) -> bytes | None:
    """The PNG for a live captcha, or None when it is unknown, used or expired."""
    row = db.session.get(Captcha, captcha_id)
    if row is None or row.expires_at < utcnow():
        return None
    buffer = io.BytesIO()
    ImageCaptcha(width=128, height=44, font_sizes=(30, 34, 36)).generate_image(row.answer).save(buffer, "PNG")
    return buffer.getvalue()


def normalise_answer(answer: str | None) -> str:
    """What a person typed, as the captcha's letters: full-width forms folded (NFKC), upper case."""
    return unicodedata.normalize("NFKC", answer or "").strip().upper()


def consume(captcha_id: str, answer: str) -> bool:
    """Check an answer (case- and width-insensitive) and delete the captcha, right or wrong."""
    if not captcha_id:
        return False
    row = db.session.execute(
        sa.delete(Captcha).where(Captcha.id == captcha_id).returning(Captcha.answer, Captcha.expires_at)
    ).first()
    if row is None or row.expires_at < utcnow():
        return False
    return secrets.compare_digest(row.answer.encode(), normalise_answer(answer).encode())


def purge_expired() -> int:
    return db.session.execute(sa.delete(Captcha).where(Captcha.expires_at < utcnow())).rowcount
