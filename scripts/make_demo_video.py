"""Regenerate zhengtong/demo/assets/hexi-landscape.mp4, the demo website's short
sample video (a drawn landscape; FICTIONAL county 禾溪县).

Not part of the project's requirements: run it with a throw-away venv, e.g.

    python3 -m venv /tmp/avenv && /tmp/avenv/bin/pip install av numpy pillow
    /tmp/avenv/bin/python scripts/make_demo_video.py

PyAV's wheels bundle ffmpeg with libx264, so no system ffmpeg is needed. The output is
H.264 (yuv420p, "faststart"), 320×180, 3 s at 15 fps, well under 300 KB.
"""

import math
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT, FPS, SECONDS = 320, 180, 15, 3
OUT = Path(__file__).resolve().parent.parent / "zhengtong/demo/assets/hexi-landscape.mp4"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def frame(t):
    """The landscape at time t (0..1): the sun rises, clouds drift, the river glints."""
    img = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(img)
    for y in range(HEIGHT):  # sky: deep blue to pale gold
        k = y / HEIGHT
        draw.line(
            [(0, y), (WIDTH, y)], fill=(int(60 + 170 * k), int(120 + 100 * k), int(200 - 40 * k))
        )
    sun_y = 95 - 40 * t
    draw.ellipse([230, sun_y - 16, 262, sun_y + 16], fill=(255, 214, 120))
    for i, (cx, cy) in enumerate([(40, 30), (150, 45), (260, 25)]):
        x = (cx + 60 * t + i * 7) % (WIDTH + 60) - 30
        for dx, r in ((0, 12), (14, 16), (30, 11)):
            draw.ellipse([x + dx - r, cy - r * 0.6, x + dx + r, cy + r * 0.6], fill=(245, 248, 252))
    for base, amp, colour, phase in (
        (110, 22, (86, 130, 110), 0.0),
        (125, 16, (62, 120, 78), 1.3),
        (142, 10, (48, 104, 60), 2.1),
    ):
        points = [(0, HEIGHT)]
        for x in range(0, WIDTH + 8, 8):
            points.append((x, base - amp * math.sin(x / 47 + phase) - amp * 0.4 * math.sin(x / 19)))
        points.append((WIDTH, HEIGHT))
        draw.polygon(points, fill=colour)
    river = [(0, 170), (80, 158), (160, 163), (240, 152), (320, 156), (320, 180), (0, 180)]
    draw.polygon(river, fill=(120, 170, 205))
    for i in range(12):  # glints
        x = (i * 29 + int(40 * t * (1 + i % 3))) % WIDTH
        draw.line([(x, 168 + i % 3 * 3), (x + 8, 168 + i % 3 * 3)], fill=(225, 240, 250))
    font = ImageFont.truetype(FONT, 15)
    text = "禾溪县 · 虚构演示视频"
    draw.rounded_rectangle(
        [8, 8, 8 + 12 + draw.textlength(text, font=font), 34], 5, fill=(0, 0, 0, 128)
    )
    draw.text((14, 10), text, font=font, fill=(255, 255, 255))
    return img


def main():
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(OUT), "w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"crf": "30", "preset": "slow", "profile": "baseline"}
        total = FPS * SECONDS
        for i in range(total):
            image = frame(i / (total - 1))
            video_frame = av.VideoFrame.from_ndarray(np.asarray(image), format="rgb24")
            for packet in stream.encode(video_frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
