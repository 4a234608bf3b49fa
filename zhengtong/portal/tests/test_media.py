"""Wagtail's image files served by Django when no nginx stands in front: renditions and
originals only; never attachments or anything else under MEDIA_ROOT; no way out of
the image folders."""

import io
import os

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def image(media_root, db):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 120, 40)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title="河西镇全景", description="河西镇全景", file=ImageFile(buffer, name="hexi.png")
    )


@pytest.fixture
def secret(media_root):
    folder = media_root / "attachments" / "2026"
    folder.mkdir(parents=True)
    path = folder / "secret.pdf"
    path.write_bytes(b"%PDF-1.4 confidential")
    return path


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_rendition_is_served_with_safe_headers(client, image):
    rendition = image.get_rendition("fill-20x20")
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "public" in response["Cache-Control"]
    assert body(response).startswith(b"\x89PNG")


def test_the_original_image_is_served(client, image):
    assert image.file.url.startswith("/media/original_images/")
    response = client.get(image.file.url)
    assert response.status_code == 200 and body(response).startswith(b"\x89PNG")


def test_attachments_and_other_media_are_never_served_here(client, image, secret):
    assert client.get("/media/attachments/2026/secret.pdf").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/media/images/../attachments/2026/secret.pdf",
        "/media/images/%2e%2e/attachments/2026/secret.pdf",
        "/media/images/..%2fattachments/2026/secret.pdf",
        "/media/original_images/%2e%2e%2fattachments%2f2026%2fsecret.pdf",
        "/media/images/%2fetc/passwd",
        "/media/images/..\\attachments\\2026\\secret.pdf",
        "/media/images/./hexi.png",
        "/media/images/",
    ],
)
def test_paths_out_of_the_image_folders_are_refused(client, image, secret, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"confidential" not in body(response)


def test_only_image_types_are_served_even_inside_the_image_folders(client, media_root, image):
    (media_root / "images").mkdir(exist_ok=True)
    (media_root / "images" / "page.html").write_text("<script>alert(1)</script>")
    (media_root / "images" / "logo.svg").write_text("<svg onload='alert(1)'/>")
    assert client.get("/media/images/page.html").status_code == 404
    assert client.get("/media/images/logo.svg").status_code == 404


def test_a_link_out_of_the_image_folder_is_not_followed(client, media_root, image, secret):
    (media_root / "images").mkdir(exist_ok=True)
    os.symlink(secret, media_root / "images" / "leak.png")
    response = client.get("/media/images/leak.png")
    assert response.status_code == 404


def test_a_missing_file_is_not_found(client, image):
    assert client.get("/media/images/nothing-here.png").status_code == 404


def test_signed_in_staff_cannot_reach_attachments_through_the_image_path(
    client, image, secret, clerk_b, login
):
    login(clerk_b)
    assert client.get("/media/attachments/2026/secret.pdf").status_code == 404
    assert client.get("/media/images/%2e%2e/attachments/2026/secret.pdf").status_code == 404


def test_images_are_only_read(client, image):
    rendition = image.get_rendition("fill-20x20")
    assert client.post(rendition.url).status_code == 405
