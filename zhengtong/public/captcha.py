"""The picture CAPTCHA (验证码) of the public forms, drawn here with Pillow: no
third-party service sees the county's visitors.

A challenge is a row (CaptchaChallenge) with a random token and 5 characters from an
alphabet without look-alikes (no 0/O, 1/I/l). It is valid for 10 minutes and for one
answer only, right or wrong; the answer is compared case-insensitively.

The same characters can be heard instead of read (WCAG 1.1.1 asks for a second sensory
mode): `speak` strings together recorded clips, one per character (digits in Mandarin,
letters by their names; made once by scripts/make-captcha-audio.py), with random gaps,
loudness and a little noise, as a WAV file.
"""

import datetime
import functools
import io
import random
import secrets
import wave
from array import array
from pathlib import Path

from django.core.cache import cache
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


def _live(token: str | None) -> CaptchaChallenge | None:
    if not token or len(token) > 64:
        return None
    return CaptchaChallenge.objects.filter(
        token=token, created_at__gte=timezone.now() - VALID_FOR
    ).first()


def check(token: str | None, answer: str | None) -> bool:
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


def picture(token: str | None) -> bytes | None:
    """The PNG of a live challenge, or None."""
    challenge = _live(token)
    if challenge is None:
        return None
    return draw(challenge.answer)


def audio(token: str | None) -> bytes | None:
    """The WAV of a live challenge, spoken, or None. Made once per challenge and kept
    while it lives (speaking takes tens of milliseconds; asking again costs nothing)."""
    challenge = _live(token)
    if challenge is None:
        return None
    key = f"captcha-audio:{challenge.pk}"
    data: bytes | None = cache.get(key)
    if data is None:
        data = speak(challenge.answer)
        cache.set(key, data, int(VALID_FOR.total_seconds()))
    return data


AUDIO_DIR = Path(__file__).with_name("captcha_audio")


@functools.cache
def _clip(char: str) -> "tuple[array[int], int]":
    """(samples, rate) of the recorded clip of one character of the alphabet."""
    with wave.open(str(AUDIO_DIR / f"{char}.wav")) as clip:
        return array("h", clip.readframes(clip.getnframes())), clip.getframerate()


def _sample(value: float) -> int:
    return max(-32768, min(32767, int(value)))


def speak(text: str) -> bytes:
    """`text` spoken character by character, as a mono 16-bit WAV."""
    rng = random.Random(secrets.randbits(64))
    rate = _clip(ALPHABET[0])[1]
    samples = array("h", bytes(2 * int(rate * 0.5)))  # half a second before the first
    for char in text.upper():
        clip, _rate = _clip(char)
        gain = rng.uniform(0.7, 1.1)
        samples.extend(array("h", (_sample(s * gain) for s in clip)))
        samples.extend(array("h", bytes(2 * int(rate * rng.uniform(0.45, 0.85)))))
    # A little noise, so that no two answers repeat the clips byte for byte.
    noisy = array("h", (_sample(s + rng.randint(-200, 200)) for s in samples))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(noisy.tobytes())
    return out.getvalue()


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
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
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


def delete_expired(before: datetime.datetime | None = None) -> int:
    """Delete challenges older than their validity (the daily cleanup)."""
    before = before or timezone.now() - VALID_FOR
    return CaptchaChallenge.objects.filter(created_at__lt=before).delete()[0]
