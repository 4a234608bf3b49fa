"""Attachments: type judged by content, allow-list, size cap, checksum, virus scan,
and the download's permission and headers."""

import hashlib
import io
import os
import shutil
import socket
import struct
import tempfile
import threading
import zipfile
import zlib
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhengtong.core import attachments
from zhengtong.core.attachments import ClamdSocket, store_upload
from zhengtong.core.errors import Invalid
from zhengtong.core.models import Attachment, AuditRecord, ScanStatus
from zhengtong.core.tests.test_downloads import assert_safe_download
from zhengtong.org import permissions
from zhengtong.org.models import Membership, Unit, UnitKind, User

pytestmark = pytest.mark.django_db


# --- files built in the test ----------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png():
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


PNG = make_png()
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 100
PE = b"MZ\x90\x00\x03" + b"\x00" * 120
HTML = b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
    b'width="10" height="10"><script>alert(1)</script></svg>'
)


def make_zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = make_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = make_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
OFD = make_zip({"OFD.xml": "<ofd:OFD/>", "Doc_0/Document.xml": "<ofd:Document/>"})
PLAIN_ZIP = make_zip({"readme.txt": "你好"})


def make_ole(stream_name, root_clsid=b"\x00" * 16):
    """A minimal OLE2 compound file: header, one directory sector with the root entry
    and one stream entry."""
    header = bytearray(512)
    header[0:8] = attachments.OLE2_MAGIC
    struct.pack_into("<H", header, 30, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 48, 0)  # first directory sector

    def entry(name, kind, clsid=b"\x00" * 16):
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<H", raw, 64, len(encoded))
        raw[66] = kind
        raw[80:96] = clsid
        return bytes(raw)

    directory = entry("Root Entry", 5, root_clsid) + entry(stream_name, 2) + b"\x00" * 256
    return bytes(header) + directory + b"\x00" * 1024


DOC = make_ole("WordDocument")
XLS = make_ole("Workbook")
MSI = make_ole("SummaryInformation", root_clsid=attachments.MSI_CLSID)


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- people ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings):
    root = tempfile.mkdtemp(prefix="zt-media-")
    settings.MEDIA_ROOT = root
    settings.CLAMD_SOCKET = ""
    settings.ATTACHMENT_ALLOW_ZIP = False
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def unit():
    return Unit.objects.create(kind=UnitKind.DEPARTMENT, name="县财政局")


@pytest.fixture
def other_unit():
    return Unit.objects.create(kind=UnitKind.TOWN, name="城关镇")


def make_user(username, unit):
    user = User.objects.create_user(
        username=username, password="x-Password-1", real_name=username, must_change_password=False
    )
    Membership.objects.create(user=user, unit=unit, is_primary=True)
    return user


@pytest.fixture
def uploader(unit):
    return make_user("uploader", unit)


@pytest.fixture
def colleague(unit):
    return make_user("colleague", unit)


@pytest.fixture
def outsider(other_unit):
    return make_user("outsider", other_unit)


def refused(actor, name, data, **kwargs):
    with pytest.raises(Invalid) as excinfo:
        store_upload(actor, upload(name, data), **kwargs)
    return excinfo.value


# --- accepted -------------------------------------------------------------------------


def test_a_real_pdf_is_accepted_and_stored_under_its_checksum(uploader, unit, media):
    att = store_upload(uploader, upload("通知.pdf", PDF), unit=unit)
    digest = hashlib.sha256(PDF).hexdigest()
    assert att.sha256 == digest
    assert att.size == len(PDF)
    assert att.extension == "pdf" and att.content_type == "application/pdf"
    assert att.original_name == "通知.pdf"
    assert att.file.name == f"attachments/{digest[:2]}/{digest}"
    with open(os.path.join(media, att.file.name), "rb") as fh:
        assert fh.read() == PDF
    assert att.uploaded_by == uploader and att.unit == unit


def test_a_real_png_is_accepted(uploader):
    att = store_upload(uploader, upload("photo.PNG", PNG))
    assert att.extension == "png" and att.content_type == "image/png"


def test_a_jpeg_named_jpeg_is_stored_as_jpg(uploader):
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
    att = store_upload(uploader, upload("photo.jpeg", jpeg))
    assert att.extension == "jpg" and att.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "data", "ext"),
    [
        ("方案.docx", DOCX, "docx"),
        ("统计.xlsx", XLSX, "xlsx"),
        ("公文.ofd", OFD, "ofd"),
        ("旧文件.doc", DOC, "doc"),
        ("旧表格.xls", XLS, "xls"),
        ("金山.wps", DOC, "wps"),
    ],
)
def test_office_and_ofd_documents_are_recognised_by_their_content(uploader, name, data, ext):
    assert store_upload(uploader, upload(name, data)).extension == ext


def test_upload_is_audited(uploader, unit):
    att = store_upload(uploader, upload("通知.pdf", PDF), unit=unit)
    rec = AuditRecord.objects.get(action="attachment.upload")
    assert rec.actor_id == uploader.pk
    assert rec.unit_id == unit.pk
    assert rec.object_type == "core.attachment" and rec.object_id == str(att.pk)
    assert rec.changes["sha256"] == att.sha256
    assert rec.changes["scan"] == ScanStatus.NOT_SCANNED


def test_owner_is_recorded(uploader, unit):
    att = store_upload(uploader, upload("a.pdf", PDF), owner=unit)
    assert att.owner == unit


def test_the_same_content_uploaded_twice_shares_one_stored_file(uploader):
    first = store_upload(uploader, upload("a.pdf", PDF))
    second = store_upload(uploader, upload("b.pdf", PDF))
    assert first.pk != second.pk
    assert first.file.name == second.file.name


def test_path_parts_of_the_name_are_dropped(uploader):
    att = store_upload(uploader, upload("..\\..\\etc\\通知.pdf", PDF))
    assert att.original_name == "通知.pdf"


# --- refused --------------------------------------------------------------------------


def test_an_elf_program_renamed_pdf_is_refused(uploader):
    err = refused(uploader, "report.pdf", ELF)
    assert err.code == "type_not_allowed"
    assert "program" in str(err.message)
    assert not Attachment.objects.exists()


def test_a_windows_program_renamed_doc_is_refused(uploader):
    assert refused(uploader, "report.doc", PE).code == "type_not_allowed"


def test_an_installer_package_renamed_doc_is_refused(uploader):
    assert refused(uploader, "setup.doc", MSI).code == "type_not_allowed"


def test_an_html_file_named_doc_is_refused(uploader):
    err = refused(uploader, "notice.doc", HTML)
    assert err.code == "type_not_allowed"
    assert "HTML" in str(err.message)


@pytest.mark.parametrize("name", ["logo.svg", "logo.png", "logo.pdf"])
def test_an_svg_is_refused_under_any_name(uploader, name):
    err = refused(uploader, name, SVG)
    assert err.code == "type_not_allowed"
    assert "SVG" in str(err.message)


def test_a_png_named_pdf_is_refused_as_a_mismatch(uploader):
    err = refused(uploader, "scan.pdf", PNG)
    assert err.code == "type_mismatch"
    assert ".pdf" in str(err.message)


def test_a_docx_named_xlsx_is_refused_as_a_mismatch(uploader):
    assert refused(uploader, "table.xlsx", DOCX).code == "type_mismatch"


def test_a_word_97_file_named_xls_is_refused_as_a_mismatch(uploader):
    assert refused(uploader, "table.xls", DOC).code == "type_mismatch"


def test_a_file_without_extension_is_refused(uploader):
    assert refused(uploader, "report", PDF).code == "type_mismatch"


def test_an_office_file_with_macros_is_refused(uploader):
    docm = make_zip(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": "<w:document/>",
            "word/vbaProject.bin": "x",
        }
    )
    assert refused(uploader, "macro.docx", docm).code == "type_not_allowed"


def test_plain_text_is_refused(uploader):
    assert refused(uploader, "notes.txt", "就是一段文字".encode()).code == "type_not_allowed"


def test_an_empty_file_is_refused(uploader):
    assert refused(uploader, "empty.pdf", b"").code == "empty"


def test_an_oversized_file_is_refused_naming_the_cap_in_mb(uploader, settings):
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    err = refused(uploader, "big.pdf", PDF + b"0" * (2 * 1024 * 1024))
    assert err.code == "too_large"
    assert "2 MB" in str(err.message)


def test_a_file_over_a_tiny_cap_is_refused(uploader, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    assert len(PDF) > 100
    err = refused(uploader, "small.pdf", PDF)
    assert err.code == "too_large"
    assert "MB" in str(err.message)


def test_the_size_cap_holds_even_when_the_declared_size_lies(uploader, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    lying = upload("small.pdf", PDF)
    lying.size = 10
    with pytest.raises(Invalid) as excinfo:
        store_upload(uploader, lying)
    assert excinfo.value.code == "too_large"


def test_zip_is_refused_by_default(uploader):
    assert refused(uploader, "bundle.zip", PLAIN_ZIP).code == "type_not_allowed"


def test_zip_is_accepted_when_allowed(uploader, settings):
    settings.ATTACHMENT_ALLOW_ZIP = True
    att = store_upload(uploader, upload("bundle.zip", PLAIN_ZIP))
    assert att.extension == "zip" and att.content_type == "application/zip"


def test_a_field_may_narrow_the_allow_list(uploader):
    assert refused(uploader, "a.pdf", PDF, allowed={"jpg", "png"}).code == "type_not_allowed"
    assert store_upload(uploader, upload("a.png", PNG), allowed={"jpg", "png"}).extension == "png"


def test_when_the_database_write_fails_the_stored_file_is_removed(uploader, media):
    with mock.patch.object(attachments.audit, "record", side_effect=RuntimeError("db down")):
        with pytest.raises(RuntimeError):
            store_upload(uploader, upload("a.pdf", PDF))
    assert not Attachment.objects.exists()
    stored = [files for _root, _dirs, files in os.walk(media) if files]
    assert stored == []


# --- virus scan -----------------------------------------------------------------------


class FakeClamd:
    """A unix-socket server speaking enough of clamd's INSTREAM protocol."""

    def __init__(self, reply):
        self.reply = reply
        self.dir = tempfile.mkdtemp(prefix="zt-clamd-", dir="/tmp")
        self.path = os.path.join(self.dir, "clamd.sock")
        self.received = b""
        self.command = b""
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(1)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError
            data += chunk
        return data

    def _serve(self):
        conn, _addr = self.server.accept()
        with conn:
            while not self.command.endswith(b"\0"):
                self.command += self._read(conn, 1)
            while True:
                (length,) = struct.unpack("!L", self._read(conn, 4))
                if length == 0:
                    break
                self.received += self._read(conn, length)
            conn.sendall(self.reply(self.received) if callable(self.reply) else self.reply)

    def close(self):
        self.thread.join(timeout=5)
        self.server.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def clamd_ok():
    server = FakeClamd(b"stream: OK\0")
    yield server
    server.close()


@pytest.fixture
def clamd_infected():
    server = FakeClamd(b"stream: Eicar-Test-Signature FOUND\0")
    yield server
    server.close()


def test_clamd_adapter_sends_the_file_by_instream_and_reads_ok(clamd_ok):
    result = ClamdSocket(clamd_ok.path, timeout=5).instream([PDF[:10], PDF[10:]])
    assert result.clean
    assert clamd_ok.command == b"zINSTREAM\0"
    assert clamd_ok.received == PDF


def test_clamd_adapter_reports_the_signature_found(clamd_infected):
    result = ClamdSocket(clamd_infected.path, timeout=5).instream([PDF])
    assert not result.clean
    assert result.signature == "Eicar-Test-Signature"


def test_a_clean_scan_marks_the_attachment_clean(uploader, settings, clamd_ok):
    settings.CLAMD_SOCKET = clamd_ok.path
    att = store_upload(uploader, upload("a.pdf", PDF))
    assert att.scan_status == ScanStatus.CLEAN
    assert clamd_ok.received == PDF


def test_an_infected_file_is_refused_and_not_stored(uploader, settings, clamd_infected, media):
    settings.CLAMD_SOCKET = clamd_infected.path
    err = refused(uploader, "a.pdf", PDF)
    assert err.code == "infected"
    assert "Eicar-Test-Signature" in str(err.message)
    assert not Attachment.objects.exists()
    assert [f for _r, _d, f in os.walk(media) if f] == []


def test_an_unreachable_scanner_refuses_the_file_as_not_scanned(uploader, settings, caplog):
    settings.CLAMD_SOCKET = "/tmp/zt-no-such-clamd.sock"
    err = refused(uploader, "a.pdf", PDF)
    assert err.code == "scan_failed"
    assert "could not be scanned" in str(err.message)
    assert "unreachable" in caplog.text
    assert not Attachment.objects.exists()


def test_without_a_scanner_the_attachment_is_marked_not_scanned(uploader, caplog):
    caplog.set_level("INFO", logger="zhengtong.core.attachments")
    att = store_upload(uploader, upload("a.pdf", PDF))
    assert att.scan_status == ScanStatus.NOT_SCANNED
    assert "not scanned" in caplog.text


# The EICAR anti-virus test file: harmless, and every scanner reports it.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def eicar_detector(received):
    """What clamd answers: the EICAR signature when the stream carries the test file."""
    return b"stream: Eicar-Test-Signature FOUND\0" if EICAR in received else b"stream: OK\0"


def eicar_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("eicar.com", EICAR)
    return buffer.getvalue()


@pytest.fixture
def clamd_eicar():
    server = FakeClamd(eicar_detector)
    yield server
    server.close()


def test_when_clamd_is_configured_every_upload_is_streamed_to_it_and_eicar_refused(
    uploader, settings, clamd_eicar, media
):
    settings.CLAMD_SOCKET = clamd_eicar.path
    settings.ATTACHMENT_ALLOW_ZIP = True
    err = refused(uploader, "材料.zip", eicar_zip())
    assert err.code == "infected"
    assert "Eicar-Test-Signature" in str(err.message)
    assert clamd_eicar.command == b"zINSTREAM\0"
    assert EICAR in clamd_eicar.received
    assert not Attachment.objects.exists()
    assert [f for _r, _d, f in os.walk(media) if f] == []


def test_a_clean_file_passes_the_eicar_aware_scanner(uploader, settings, clamd_eicar):
    settings.CLAMD_SOCKET = clamd_eicar.path
    assert store_upload(uploader, upload("a.pdf", PDF)).scan_status == ScanStatus.CLEAN


def test_a_scanner_error_answer_refuses_the_file_rather_than_accepting_it(uploader, settings):
    server = FakeClamd(b"INSTREAM size limit exceeded. ERROR\0")
    try:
        settings.CLAMD_SOCKET = server.path
        err = refused(uploader, "a.pdf", PDF)
    finally:
        server.close()
    assert err.code == "scan_failed"
    assert not Attachment.objects.exists()


def _real_clamd_socket():
    candidates = [
        os.environ.get("CLAMD_TEST_SOCKET", ""),
        "/run/clamav/clamd.ctl",
        "/var/run/clamav/clamd.ctl",
        "/run/clamd.scan/clamd.sock",
        "/var/run/clamd.scan/clamd.sock",
    ]
    for path in filter(None, candidates):
        if os.path.exists(path):
            return path
    return None


@pytest.mark.skipif(_real_clamd_socket() is None, reason="no clamd running on this machine")
def test_a_real_clamd_finds_eicar_and_passes_a_clean_pdf(uploader, settings):
    settings.CLAMD_SOCKET = _real_clamd_socket()
    settings.ATTACHMENT_ALLOW_ZIP = True
    assert not ClamdSocket(settings.CLAMD_SOCKET, timeout=30).instream([EICAR]).clean
    err = refused(uploader, "材料.zip", eicar_zip())
    assert err.code == "infected"
    assert store_upload(uploader, upload("a.pdf", PDF)).scan_status == ScanStatus.CLEAN


# --- download -------------------------------------------------------------------------


def download_url(pk):
    return reverse("attachments:download", args=[pk])


def body(response):
    return b"".join(response.streaming_content)


def test_a_pdf_is_downloaded_as_attachment_with_nosniff(client, uploader, colleague, unit):
    att = store_upload(uploader, upload("report.pdf", PDF), unit=unit)
    client.force_login(colleague)
    response = client.get(download_url(att.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert_safe_download(response)
    assert body(response) == PDF


def test_a_chinese_file_name_is_sent_rfc5987_encoded(client, uploader, unit):
    att = store_upload(uploader, upload("关于春节放假的通知.pdf", PDF), unit=unit)
    client.force_login(uploader)
    disposition = client.get(download_url(att.pk))["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('关于春节放假的通知.pdf')}" in disposition
    assert disposition.startswith("attachment;")


def test_a_png_is_shown_inline_with_its_own_type(client, uploader, unit):
    att = store_upload(uploader, upload("photo.png", PNG), unit=unit)
    client.force_login(uploader)
    response = client.get(download_url(att.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert_safe_download(response, disposition="inline")


def test_the_uploader_may_download_without_a_unit(client, uploader):
    att = store_upload(uploader, upload("a.pdf", PDF))
    client.force_login(uploader)
    assert client.get(download_url(att.pk)).status_code == 200


def test_a_person_of_another_unit_gets_403(client, uploader, outsider, unit):
    att = store_upload(uploader, upload("a.pdf", PDF), unit=unit)
    client.force_login(outsider)
    assert client.get(download_url(att.pk)).status_code == 403


def test_a_missing_attachment_gets_404(client, uploader):
    client.force_login(uploader)
    assert client.get(download_url(999999)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, uploader, unit):
    att = store_upload(uploader, upload("a.pdf", PDF), unit=unit)
    response = client.get(download_url(att.pk))
    assert response.status_code == 302
    assert reverse("org:login") in response["Location"]


def test_the_owner_objects_view_rule_decides_for_others(client, uploader, outsider, monkeypatch):
    # An attachment owned by a staff record, for a rule "org.user.view" that lets a
    # person view their own record only.
    monkeypatch.setitem(permissions._RULES, "org.user.view", lambda p, obj, u: obj.pk == p.pk)
    about_outsider = store_upload(uploader, upload("a.pdf", PDF), owner=outsider)
    about_uploader = store_upload(uploader, upload("b.pdf", PDF), owner=uploader)
    client.force_login(outsider)
    assert client.get(download_url(about_outsider.pk)).status_code == 200
    assert client.get(download_url(about_uploader.pk)).status_code == 403


def test_downloading_personal_data_is_audited(client, uploader, colleague, unit):
    att = store_upload(uploader, upload("身份证.png", PNG), unit=unit, contains_personal_data=True)
    plain = store_upload(uploader, upload("plain.pdf", PDF), unit=unit)
    client.force_login(colleague)
    body(client.get(download_url(att.pk)))
    body(client.get(download_url(plain.pk)))
    downloads = AuditRecord.objects.filter(action="attachment.download")
    assert [(r.actor_id, r.object_id) for r in downloads] == [(colleague.pk, str(att.pk))]


# --- PDFs that run something, and polyglots (issue 15) ----------------------------------


def pdf_with(extra):
    """The small PDF with `extra` (an object or dictionary entry) before its trailer."""
    body, trailer = PDF.split(b"trailer")
    return body + extra + b"\ntrailer" + trailer


def pdf_with_object_stream(hidden):
    compressed = zlib.compress(hidden)
    return pdf_with(
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(compressed)
        + compressed
        + b"\nendstream\nendobj\n"
    )


def pillow_image(fmt):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def weasyprint_pdf():
    from weasyprint import HTML as WeasyHTML

    return WeasyHTML(
        string="<h1>关于做好防汛工作的通知</h1><p><a href='https://example.gov.cn'>链接</a></p>"
    ).write_pdf()


GIF = pillow_image("GIF")
JPEG = pillow_image("JPEG")
SCRIPT = b"<script>alert(document.cookie)</script>"

ACTIVE_PDFS = {
    "javascript_on_open": pdf_with(
        b"3 0 obj\n<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>\nendobj\n"
        b"4 0 obj\n<< /OpenAction 3 0 R >>\nendobj\n"
    ),
    "js_name_only": pdf_with(b"3 0 obj\n<< /S /JavaScript /JS 9 0 R >>\nendobj\n"),
    "js_key_alone": pdf_with(b"3 0 obj\n<< /JS (app.alert(1)) >>\nendobj\n"),
    "launch": pdf_with(b"3 0 obj\n<< /OpenAction << /S /Launch /F (cmd.exe) >> >>\nendobj\n"),
    "additional_actions": pdf_with(b"3 0 obj\n<< /Type /Page /AA << /O 7 0 R >> >>\nendobj\n"),
    "embedded_file": pdf_with(b"3 0 obj\n<< /Names << /EmbeddedFiles 8 0 R >> >>\nendobj\n"),
    "embedded_file_stream": pdf_with(b"3 0 obj\n<< /Type /EmbeddedFile >>\nendobj\n"),
    "hex_escaped_name": pdf_with(b"3 0 obj\n<< /S /J#61vaScript /J#53 (app.alert(1)) >>\nendobj\n"),
    "inside_an_object_stream": pdf_with_object_stream(b"6 0 << /S /JavaScript /JS (x) >>"),
}

POLYGLOTS = {
    "pdf_that_is_a_zip": ("文件.pdf", PDF + make_zip({"index.html": "<html></html>"})),
    "pdf_with_html_after_its_end": ("文件.pdf", PDF + b"<html><body>" + SCRIPT + b"</body></html>"),
    "pdf_with_html_in_its_first_kb": ("文件.pdf", b"%PDF-1.4\n%" + SCRIPT + b"\n" + PDF[9:]),
    "png_with_html_after_iend": ("图片.png", PNG + b"<html>" + SCRIPT),
    "png_that_is_a_zip": ("图片.png", PNG + make_zip({"a.txt": "x"})),
    "png_with_html_in_a_text_chunk": (
        "图片.png",
        PNG[:33] + _png_chunk(b"tEXt", b"Comment\0" + SCRIPT) + PNG[33:],
    ),
    "gif_that_is_javascript": (
        "动图.gif",
        b"GIF89a/*\x01\x00\x80\x00\x00\xff\xff\xff*/=alert(1);//;",
    ),
    "gif_with_script_after_its_trailer": ("动图.gif", GIF + SCRIPT),
    "jpeg_with_html_after_its_end": ("照片.jpg", JPEG + b"<!DOCTYPE html>" + SCRIPT),
    "jpeg_that_is_a_zip": ("照片.jpg", JPEG + make_zip({"a.txt": "x"})),
}


@pytest.mark.parametrize("data", ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_a_pdf_that_runs_scripts_programs_or_embedded_files_is_refused(uploader, media, data):
    error = refused(uploader, "通知.pdf", data)
    assert error.code == "type_not_allowed"
    assert "scripts" in str(error.message)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("name", "data"), POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_a_polyglot_file_is_refused(uploader, media, name, data):
    error = refused(uploader, name, data)
    assert error.code == "type_not_allowed"
    assert "at the same time" in str(error.message)
    assert not Attachment.objects.exists()


def test_a_pdf_whose_object_streams_expand_too_far_is_refused(uploader, monkeypatch):
    from zhengtong.core import activecontent

    monkeypatch.setattr(activecontent, "PDF_OBJSTM_MAX", 1000)
    error = refused(uploader, "通知.pdf", pdf_with_object_stream(b" " * 5000))
    assert "decompression bomb" in str(error.message)


def pdf_with_binary_stream(payload):
    return pdf_with(
        b"5 0 obj\n<< /Type /XObject /Subtype /Image /Length %d >>\nstream\n" % len(payload)
        + payload
        + b"\nendstream\nendobj\n"
    )


@pytest.mark.parametrize(
    ("name", "data", "ext"),
    [
        ("通知.pdf", PDF, "pdf"),
        ("扫描件.pdf", pdf_with_binary_stream(b"\x8a/AA \x01/JS\n\xff" * 10), "pdf"),
        ("排版.pdf", weasyprint_pdf(), "pdf"),
        ("普通对象流.pdf", pdf_with_object_stream(b"6 0 << /Type /Font /URI (x) >>"), "pdf"),
        ("图片.png", PNG, "png"),
        ("动图.gif", GIF, "gif"),
        ("照片.jpg", JPEG, "jpg"),
        ("方案.docx", DOCX, "docx"),
    ],
)
def test_ordinary_pdfs_images_and_office_files_are_still_accepted(uploader, name, data, ext):
    assert store_upload(uploader, upload(name, data)).extension == ext


def test_the_website_editor_refuses_polyglots_too():
    """The CMS's upload forms use the same judgement (portal/uploads.py)."""
    from django import forms as django_forms

    from zhengtong.portal.uploads import IMAGE_KINDS, check_upload

    with pytest.raises(django_forms.ValidationError):
        check_upload(
            upload("图片.png", PNG + b"<html>" + SCRIPT),
            kinds=IMAGE_KINDS,
            permitted_extensions={"png"},
            cap=10 * 1024 * 1024,
        )
