"""The kernel's printing (core/printing.py): the national page, fonts, Chinese dates, a
renderer that never reaches the network, and the seal, shared by every printed PDF."""

import datetime
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

from zhengtong.core import printing

FOLDER = Path(__file__).resolve().parent


def test_the_page_is_the_national_a4_with_its_text_block():
    # GB/T 9704-2012 §2.1: 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, 22 × 28 characters.
    assert (printing.PAGE_WIDTH, printing.PAGE_HEIGHT) == (210.0, 297.0)
    assert (printing.MARGIN_TOP, printing.MARGIN_LEFT) == (37.0, 28.0)
    assert (printing.MARGIN_RIGHT, printing.MARGIN_BOTTOM) == (26.0, 35.0)
    assert (printing.LINES_PER_PAGE, printing.CHARS_PER_LINE) == (22, 28)
    assert printing.LINE_PITCH * printing.LINES_PER_PAGE <= printing.BLOCK_HEIGHT
    assert (printing.BODY_PT, printing.TITLE_PT, printing.SMALL_PT) == (16.0, 22.0, 14.0)
    assert printing.PAGE_NUMBER_GAP == 7.0


def test_every_print_uses_the_same_page_and_helpers():
    from zhengtong.disclosure import pdf as reply_pdf
    from zhengtong.documents import layout
    from zhengtong.services import pdf as case_pdf

    assert layout.PAGE_WIDTH is printing.PAGE_WIDTH and layout.LINE_PITCH is printing.LINE_PITCH
    assert layout.fonts is printing.fonts and layout.chinese_date is printing.chinese_date
    assert case_pdf.draw_seal_image is printing.draw_seal_image
    assert reply_pdf.printing is printing


def test_a_date_is_written_in_arabic_numerals_without_leading_zeros():
    assert printing.chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert printing.chinese_date(datetime.date(2026, 12, 8)) == "2026年12月8日"


def test_fonts_come_from_settings_with_the_free_faces_as_fallback(settings):
    settings.DOCUMENT_FONTS = {"body": ["方正仿宋_GBK", "仿宋"], "display_bold": False}
    configured = printing.fonts()
    assert configured["body"] == ["方正仿宋_GBK", "仿宋", "Noto Serif CJK SC"]
    assert configured["title"] == ["Noto Serif CJK SC"]
    assert configured["display_bold"] is False


def test_a_font_name_cannot_end_the_css_declaration():
    css = printing.css_families(['Evil"; } body { x', "Noto Serif CJK SC"], "sans-serif")
    assert css == '"Evil  body  x", "Noto Serif CJK SC", sans-serif'


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"network access to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_the_fetcher_reads_only_its_folder_and_its_resources(no_network):
    fetcher = printing.local_url_fetcher(FOLDER, {"zt-seal:unit": (b"\x89PNG", "image/png")})
    for url in (
        "http://example.com/x.png",
        "file:///etc/passwd",
        "file://example.com/etc/passwd",
        "data:image/png;base64,AAAA",
        (FOLDER.parent / "printing.py").as_uri(),
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher(url)
    response = fetcher(Path(__file__).as_uri())
    assert b"core/printing.py" in response.read()
    response.close()
    seal = fetcher("zt-seal:unit")
    assert seal.read() == b"\x89PNG"
    assert no_network == []


def test_rendering_gives_a_pdf_with_the_resources_and_without_the_network(no_network):
    html = (
        '<p>答复书</p><img src="zt-seal:unit"><img src="http://example.com/x.png">'
        '<link rel="stylesheet" href="https://example.com/a.css">'
    )
    pdf = printing.render_pdf(
        html,
        root=FOLDER,
        resources={"zt-seal:unit": (printing.draw_seal_image("县局"), "image/png")},
    )
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" in pdf
    assert no_network == []


def test_a_unit_without_a_seal_image_gets_a_drawn_one():
    drawn = printing.draw_seal_image("禾溪县教育局")
    assert drawn.startswith(b"\x89PNG")
    assert printing.seal_image(SimpleNamespace(name="禾溪县教育局", seal_image=None)) == drawn


def test_a_stored_seal_image_is_used(tmp_path):
    stored = tmp_path / "seal.png"
    stored.write_bytes(b"\x89PNG stored")
    unit = SimpleNamespace(name="x", seal_image=stored)  # has .open(mode) like a FieldFile
    assert printing.seal_image(unit) == b"\x89PNG stored"
