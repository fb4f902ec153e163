"""Login captcha: a server-generated image whose answer is used once and expires.

Tests learn the answer through `CAPTCHA_OBSERVER` (a callable in config, set only by tests).
"""
import io
import secrets
import unicodedata
from datetime import timedelta

import sqlalchemy as sa
from captcha.image import ImageCaptcha
from PIL import Image, ImageDraw
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
    _READABLE.generate_image(row.answer, bg_color=_BACKGROUND, fg_color=_ink()).save(buffer, "PNG")
    return buffer.getvalue()


class ReadableCaptcha(ImageCaptcha):
    """Large glyphs, a little tilt and warp, a few dots and one thin line: enough to stop a script that reads
    plain text, not so much that a person misreads it (half of the answers were wrong with the defaults)."""

    character_rotate = (-12, 12)
    character_warp_dx = (0.05, 0.12)
    character_warp_dy = (0.05, 0.12)
    word_space_probability = 1.0  # no blank "characters" squeezing the letters together
    word_offset_dx = 0.1

    @staticmethod
    def create_noise_dots(image, color, width=3, number=12):
        return ImageCaptcha.create_noise_dots(image, color, width=width, number=number)

    def create_captcha_image(self, chars, color, background):
        """The glyphs side by side, each pasted through its own alpha (the library's mask comes from the glyph's
        brightness, which draws a dark ink faint)."""
        draw = ImageDraw.Draw(Image.new("RGB", (self._width, self._height), background))  # measures the glyphs
        glyphs = [self._draw_character(c, draw, color) for c in chars]
        text_width = sum(g.size[0] for g in glyphs)
        image = Image.new("RGB", (max(text_width, self._width), self._height), background)
        squeeze = int(self.word_offset_dx * text_width / len(chars))
        offset = max(0, (image.size[0] - text_width + squeeze * (len(chars) - 1)) // 2)
        for glyph in glyphs:
            width, height = glyph.size
            image.paste(glyph, (offset, (self._height - height) // 2), glyph.getchannel("A"))
            offset += width - secrets.randbelow(squeeze + 1)
        return image.resize((self._width, self._height)) if image.size[0] > self._width else image


# The picture is drawn at twice the size it is shown (the <img> is 160×56): sharp on high-DPI screens.
SHOWN = (160, 56)
_READABLE = ReadableCaptcha(width=SHOWN[0] * 2, height=SHOWN[1] * 2, font_sizes=(74, 80, 84))
_BACKGROUND = (250, 250, 246)


def _ink() -> tuple:
    """A dark colour (at least 7:1 against the background), a different one each time."""
    return (secrets.randbelow(70), secrets.randbelow(70), 60 + secrets.randbelow(90), 255)


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
