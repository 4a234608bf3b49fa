"""Make the spoken clips of the audio captcha (zhengtong/public/captcha_audio/), one per
character of the captcha's alphabet: digits in Mandarin, letters by their English names
as the Mandarin voice reads Latin letters. Needs Debian's espeak-ng; run once when the
alphabet changes (the clips are committed, so the platform itself never needs espeak-ng):

    python3 scripts/make-captcha-audio.py
"""

import audioop  # only this offline script uses it (removed in Python 3.13)
import subprocess
import tempfile
import wave
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "zhengtong" / "public" / "captcha_audio"
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHINESE_DIGITS = dict(zip("23456789", "二三四五六七八九", strict=True))
RATE = 11025


def clip(char):
    text = CHINESE_DIGITS.get(char, char)
    with tempfile.NamedTemporaryFile(suffix=".wav") as raw:
        subprocess.run(["espeak-ng", "-v", "cmn", "-s", "120", "-w", raw.name, text], check=True)
        with wave.open(raw.name) as w:
            frames = w.readframes(w.getnframes())
            frames, _state = audioop.ratecv(frames, 2, 1, w.getframerate(), RATE, None)
    # Trim the silence espeak-ng puts around the word.
    samples = memoryview(frames).cast("h")
    loud = [i for i, s in enumerate(samples) if abs(s) > 300]
    start, end = (loud[0], loud[-1] + 1) if loud else (0, len(samples))
    return samples[start:end].tobytes()


def main():
    OUT.mkdir(exist_ok=True)
    for char in ALPHABET:
        with wave.open(str(OUT / f"{char}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(clip(char))


if __name__ == "__main__":
    main()
