"""Uploads in the website editor pass the kernel's attachment checks: an image is
really an image, a document is on the allow-list by its content, and a disguised
file is refused with a clear message."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Collection

from zhengtong.conftest import make_user
from zhengtong.core.attachments import ScanResult
from zhengtong.portal import uploads

Image = get_image_model()
Document = get_document_model()


def picture(fmt="PNG"):
    out = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode."
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def image_form(name, content):
    form_class = get_image_form(Image)
    return form_class(
        data={"title": "图片", "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(name, content)},
        user=None,
    )


def document_form(name, content):
    form_class = get_document_form(Document)
    return form_class(
        data={"title": "文件", "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(name, content)},
        user=None,
    )


def error_of(form):
    assert not form.is_valid()
    return " ".join(str(e) for e in form.errors["file"])


def test_the_settings_put_every_upload_through_the_checks(db):
    assert issubclass(get_image_form(Image), uploads.CheckedImageForm)
    assert issubclass(get_document_form(Document), uploads.CheckedDocumentForm)


@pytest.mark.parametrize("name, fmt", [("a.png", "PNG"), ("a.jpg", "JPEG"), ("a.gif", "GIF")])
def test_real_images_are_accepted(db, name, fmt):
    form = image_form(name, picture(fmt))
    assert form.is_valid(), form.errors


def test_html_renamed_jpg_is_refused(db, english):
    assert error_of(image_form("photo.jpg", HTML))


def test_an_image_that_is_really_a_program_is_refused(db):
    assert error_of(image_form("photo.png", EXE))


def test_the_image_check_itself_refuses_a_web_page_whatever_wagtail_says(db):
    upload = SimpleUploadedFile("photo.jpg", HTML)
    with pytest.raises(Exception) as caught:
        uploads.check_upload(
            upload, kinds=uploads.IMAGE_KINDS, permitted_extensions={"jpg"}, cap=10**6
        )
    assert "web page" in str(caught.value.messages[0])


@pytest.mark.parametrize(
    "name, content",
    [("a.pdf", PDF), ("a.docx", None), ("名单.csv", "姓名,电话\n张三,0731-1234567\n".encode())],
)
def test_allowed_documents_are_accepted(db, name, content):
    form = document_form(name, content if content is not None else docx())
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("通知.pdf", EXE, "program"),
        ("通知.pdf", HTML, "web page"),
        ("说明.txt", HTML, "web page"),
        ("报告.pdf", None, "Word"),  # a .docx named .pdf
        ("数据.csv", b"\x00\x01\x02\x03binary\xff\xfe", "unknown"),
        ("空.pdf", b"", "empty"),
    ],
)
def test_disguised_or_bad_documents_are_refused_with_a_clear_message(
    db, english, name, content, words
):
    from django.utils import translation

    with translation.override("en"):
        message = error_of(document_form(name, content if content is not None else docx()))
    assert words in message, message


def test_a_zip_is_refused_unless_the_site_allows_archives(db):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "x")
    assert error_of(document_form("材料.zip", archive.getvalue()))
    with override_settings(ATTACHMENT_ALLOW_ZIP=True):
        assert document_form("材料.zip", archive.getvalue()).is_valid()


def test_a_file_over_the_size_cap_is_refused(db, settings):
    settings.ATTACHMENT_MAX_BYTES = 20
    assert "MB" in error_of(document_form("a.pdf", PDF))


def test_an_infected_file_is_refused(db, monkeypatch, settings):
    settings.CLAMD_SOCKET = "/run/clamav/clamd.ctl"
    monkeypatch.setattr(
        "zhengtong.core.attachments.ClamdSocket.instream",
        lambda self, chunks: ScanResult(clean=False, signature="Eicar-Test-Signature"),
    )
    assert "Eicar-Test-Signature" in error_of(document_form("a.pdf", PDF))


def test_an_unreachable_scanner_refuses_rather_than_lets_through(db, settings):
    settings.CLAMD_SOCKET = "/nonexistent/clamd.sock"
    assert error_of(document_form("a.pdf", PDF))


# --- through the editor's own views ---------------------------------------------------------


@pytest.fixture
def webmaster(county):
    return make_user("webmaster", county.government, is_superuser=True, is_staff=True)


def test_the_editor_refuses_a_disguised_document_and_stores_nothing(client, login, webmaster):
    login(webmaster)
    response = client.post(
        "/cms/documents/add/",
        {
            "title": "伪装文件",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("通知.pdf", EXE),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Document.objects.filter(title="伪装文件").exists()


def test_the_editor_accepts_a_real_image(client, login, webmaster):
    login(webmaster)
    response = client.post(
        "/cms/images/add/",
        {
            "title": "县城风貌",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("city.png", picture("PNG")),
        },
    )
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["form"].errors
    )
    assert Image.objects.filter(title="县城风貌").exists()


def test_someone_without_editor_rights_cannot_upload(client, login, clerk_a):
    login(clerk_a)
    response = client.post(
        "/cms/documents/add/",
        {
            "title": "无权上传",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("a.pdf", PDF),
        },
    )
    assert response.status_code in (302, 403)
    assert not Document.objects.filter(title="无权上传").exists()
