"""The picture CAPTCHA (验证码) of the public forms, drawn here with Pillow: no
third-party service sees the county's visitors.

A challenge is a row (CaptchaChallenge) with a random token and 5 characters from an
alphabet without look-alikes (no 0/O, 1/I/l). It is valid for 10 minutes and for one
answer only, right or wrong; the answer is compared case-insensitively.
"""

import datetime
import io
import random
import secrets

from django.db import transaction
from django.utils import timezone

from .models import CaptchaChallenge

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 5
VALID_FOR = datetime.timedelta(minutes=10)
WIDTH, HEIGHT = 150, 50


def new_challenge() -> str:
    """Create a challenge and return its token (the picture's name)."""
    token = secrets.token_urlsafe(24)
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    CaptchaChallenge.objects.create(token=token, answer=answer)
    return token


def _live(token):
    if not token or len(token) > 64:
        return None
    return CaptchaChallenge.objects.filter(
        token=token, created_at__gte=timezone.now() - VALID_FOR
    ).first()


def check(token, answer) -> bool:
    """True when `answer` matches the challenge's characters. The challenge is used up
    by this check whatever the answer (a wrong guess cannot be followed by another)."""
    answer = (answer or "").strip().upper()
    with transaction.atomic():
        challenge = _live(token)
        if challenge is None:
            return False
        # Only the request that deletes the row may use it (two at once: one wins).
        if CaptchaChallenge.objects.filter(pk=challenge.pk).delete()[0] != 1:
            return False
    return bool(answer) and secrets.compare_digest(answer, challenge.answer.upper())


def picture(token) -> bytes | None:
    """The PNG of a live challenge, or None."""
    challenge = _live(token)
    if challenge is None:
        return None
    return draw(challenge.answer)


def draw(text: str) -> bytes:
    """Draw `text` slightly rotated and shifted, with lines and dots as noise."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(secrets.randbits(64))
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    font = ImageFont.load_default(size=30)
    x = 8
    for char in text:
        glyph = Image.new("L", (34, 44), 0)
        ImageDraw.Draw(glyph).text((4, 2), char, font=font, fill=255)
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC, expand=False)
        y = rng.randint(0, 8)
        image.paste(rng.randint(0, 90), (x, y), glyph)
        x += rng.randint(24, 28)
    draw = ImageDraw.Draw(image)
    for _ in range(5):
        points = [(rng.randint(0, WIDTH), rng.randint(0, HEIGHT)) for _ in range(2)]
        draw.line(points, fill=rng.randint(60, 160), width=rng.randint(1, 2))
    for _ in range(250):
        draw.point(
            (rng.randint(0, WIDTH - 1), rng.randint(0, HEIGHT - 1)), fill=rng.randint(0, 200)
        )
    out = io.BytesIO()
    image.convert("P").save(out, "PNG", optimize=True)
    return out.getvalue()


def delete_expired(before=None):
    """Delete challenges older than their validity (the daily cleanup)."""
    before = before or timezone.now() - VALID_FOR
    return CaptchaChallenge.objects.filter(created_at__lt=before).delete()[0]
