"""Decompression bombs: every uploaded archive (DOCX, XLSX, OFD, ZIP) is judged from its
directory, before anything expands it (core/archives.py)."""

import functools
import io
import os
import shutil
import tempfile
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengtong.core import archives
from zhengtong.core.archives import check_zip, read_member
from zhengtong.core.attachments import detect_kind, store_upload
from zhengtong.core.errors import Invalid
from zhengtong.core.models import Attachment
from zhengtong.org.models import User

MB = 1024 * 1024


def office_zip(kind, payload_mb=0, members=None):
    """A DOCX ("word") or XLSX ("xl") whose main XML part holds `payload_mb` MB of
    spaces, written in 1 MB pieces so the test never holds the expanded text."""
    buffer = io.BytesIO()
    part = "word/document.xml" if kind == "word" else "xl/workbook.xml"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(part, "w") as member:
            member.write(b"<root>")
            piece = b" " * MB
            for _ in range(payload_mb):
                member.write(piece)
            member.write(b"</root>")
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@functools.cache
def docx_bomb():
    """About 200 KB on disk, 200 MB once expanded (the attack the issue describes)."""
    return office_zip("word", payload_mb=200)


@functools.cache
def xlsx_bomb():
    return office_zip("xl", payload_mb=200)


def many_members(count):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(count):
            archive.writestr(f"word/m{i}.xml", "")
    return buffer.getvalue()


def _no_expanding(*args, **kwargs):
    raise AssertionError("an archive member was expanded before the bomb was refused")


def test_a_docx_expanding_to_200_mb_is_refused_from_its_directory_without_expanding():
    data = docx_bomb()
    assert len(data) < 2 * MB
    with mock.patch.object(zipfile.ZipFile, "open", _no_expanding):
        with pytest.raises(Invalid) as caught:
            check_zip(io.BytesIO(data))
    assert caught.value.code == "archive_bomb"
    assert "decompression bomb" in str(caught.value.message)


def test_a_member_compressed_beyond_the_ratio_is_refused_even_under_the_total(settings):
    settings.ARCHIVE_MAX_MB = 500
    with pytest.raises(Invalid) as caught:
        check_zip(io.BytesIO(office_zip("word", payload_mb=5)))
    assert caught.value.code == "archive_bomb"
    assert "to 1" in str(caught.value.message)


def test_contents_over_the_total_limit_are_refused_whatever_the_ratio(settings):
    settings.ARCHIVE_MAX_MB = 1
    incompressible = os.urandom(MB // 2)
    data = office_zip("word", members={"a.bin": incompressible, "b.bin": incompressible + b"x"})
    with pytest.raises(Invalid) as caught:
        check_zip(io.BytesIO(data))
    assert caught.value.code == "archive_bomb"


def test_too_many_members_are_refused_before_the_directory_is_parsed(settings):
    settings.ARCHIVE_MAX_MEMBERS = 50
    data = many_members(60)
    with mock.patch.object(zipfile, "ZipFile", side_effect=AssertionError("parsed")):
        with pytest.raises(Invalid) as caught:
            check_zip(io.BytesIO(data))
    assert caught.value.code == "archive_bomb"
    assert "61" in str(caught.value.message)


def test_an_ordinary_office_file_passes_and_its_members_are_listed():
    members = check_zip(io.BytesIO(office_zip("word")))
    assert {m.filename for m in members} == {"[Content_Types].xml", "word/document.xml"}


def test_something_that_is_not_a_zip_is_refused_as_unreadable():
    with pytest.raises(Invalid) as caught:
        check_zip(io.BytesIO(b"%PDF-1.4 not an archive"))
    assert caught.value.code == "bad_archive"


def test_the_bounded_read_refuses_a_member_larger_than_allowed():
    with zipfile.ZipFile(io.BytesIO(office_zip("word", payload_mb=2))) as archive:
        with pytest.raises(Invalid) as caught:
            read_member(archive, "word/document.xml", limit=MB)
        assert caught.value.code == "archive_bomb"
        assert read_member(archive, "[Content_Types].xml", limit=MB) == b"<Types/>"


def test_the_attachment_sniffer_names_a_bomb_as_such():
    assert detect_kind(io.BytesIO(xlsx_bomb())) == "bomb"
    assert detect_kind(io.BytesIO(office_zip("xl"))) == "xlsx"


def test_the_limits_come_from_settings(settings):
    settings.ARCHIVE_MAX_MB = 7
    settings.ARCHIVE_MAX_RATIO = 30
    settings.ARCHIVE_MAX_MEMBERS = 9
    assert archives.limits() == archives.Limits(7 * MB, 30.0, 9)


# --- at the attachment path -------------------------------------------------------------


@pytest.fixture
def media(settings):
    root = tempfile.mkdtemp(prefix="zt-media-")
    settings.MEDIA_ROOT = root
    settings.CLAMD_SOCKET = ""
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def uploader(db):
    return User.objects.create_user(username="up", password="x-Password-1", real_name="up")


@pytest.mark.parametrize(
    "name,bomb", [("台账.xlsx", xlsx_bomb), ("通知.docx", docx_bomb)], ids=["xlsx", "docx"]
)
def test_an_office_bomb_upload_is_refused_and_nothing_is_stored(uploader, media, name, bomb):
    with pytest.raises(Invalid) as caught:
        store_upload(uploader, SimpleUploadedFile(name, bomb()))
    assert caught.value.code == "archive_bomb"
    assert not Attachment.objects.exists()
    assert not any(files for _, _, files in os.walk(media))


def test_a_zip_bomb_is_refused_even_where_archives_are_allowed(uploader, media, settings):
    settings.ATTACHMENT_ALLOW_ZIP = True
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("readme.txt", "w") as member:
            for _ in range(120):
                member.write(b"\0" * MB)
    with pytest.raises(Invalid) as caught:
        store_upload(uploader, SimpleUploadedFile("材料.zip", buffer.getvalue()))
    assert caught.value.code == "archive_bomb"
