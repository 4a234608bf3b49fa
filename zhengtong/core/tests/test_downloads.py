"""The one download response (core/downloads.py): every file the platform serves says
what it is the same way, and a member of staff downloading personal data is audited."""

import io
from urllib.parse import quote

import pytest
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from zhengtong.conftest import audit_records
from zhengtong.core import downloads
from zhengtong.core.downloads import DOWNLOAD_CSP, content_disposition, file_download
from zhengtong.core.models import AuditRecord


def assert_safe_download(response, *, disposition="attachment", cache="private"):
    """The headers every download carries (used by the apps' download tests too).
    `cache`: "private" for `private, no-store`, "public" for a published file whose
    page cache policy applies (never `no-store` then)."""
    assert response["Content-Disposition"].startswith(f"{disposition};"), response[
        "Content-Disposition"
    ]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    if cache == "private":
        # never_cache on the view may add to it (max-age=0, no-cache, must-revalidate).
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, response["Cache-Control"]
        assert "public" not in directives
    else:
        assert "no-store" not in response.get("Cache-Control", "")


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# --- the headers ----------------------------------------------------------------------------


def test_bytes_are_an_attachment_with_every_safe_header():
    response = file_download(
        b"%PDF-1.4", filename="答复书.pdf", content_type="application/pdf", personal_data=False
    )
    assert isinstance(response, HttpResponse)
    assert response["Content-Type"] == "application/pdf"
    assert_safe_download(response)
    assert content(response) == b"%PDF-1.4"


def test_an_open_file_is_streamed_and_an_iterable_is_streamed():
    handle = io.BytesIO(b"abc")
    response = file_download(
        handle, filename="a.pdf", content_type="application/pdf", personal_data=False
    )
    assert isinstance(response, FileResponse)
    assert content(response) == b"abc"
    assert_safe_download(response)
    rows = file_download(
        (line for line in (b"a,b\n", b"1,2\n")),
        filename="x.csv",
        content_type="text/csv; charset=utf-8",
        personal_data=False,
    )
    assert isinstance(rows, StreamingHttpResponse)
    assert rows["Content-Type"] == "text/csv; charset=utf-8"
    assert content(rows) == b"a,b\n1,2\n"
    assert_safe_download(rows)


def test_the_name_follows_rfc_6266_with_an_ascii_fallback():
    name = '关于"春节";放假%.pdf'
    disposition = content_disposition("attachment", name)
    assert disposition.startswith('attachment; filename="')
    fallback = disposition.split('filename="')[1].split('"')[0]
    assert fallback.isascii() and not set(fallback) & set('"\\;%')
    assert disposition.endswith("filename*=UTF-8''" + quote(name, safe=""))
    assert 'filename="download"' in content_disposition("attachment", "")


def test_only_images_and_video_are_shown_inline():
    png = file_download(
        b"x", filename="a.png", content_type="image/png", inline=True, personal_data=False
    )
    assert png["Content-Disposition"].startswith("inline;")
    for kind in ("text/html", "image/svg+xml", "application/pdf", "application/xhtml+xml"):
        response = file_download(
            b"x", filename="a", content_type=kind, inline=True, personal_data=False
        )
        assert response["Content-Disposition"].startswith("attachment;"), kind


def test_a_content_type_that_could_split_the_header_becomes_binary():
    response = file_download(
        b"x", filename="a", content_type="text/plain\r\nSet-Cookie: x=1", personal_data=False
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert downloads.safe_type("") == "application/octet-stream"


def test_a_published_file_leaves_the_cache_rule_to_its_page():
    response = file_download(
        b"x", filename="a.pdf", content_type="application/pdf", personal_data=False, public=True
    )
    assert "Cache-Control" not in response
    assert_safe_download(response, cache="public")


def test_the_old_import_of_content_disposition_still_works():
    from zhengtong.core import views_attachments

    assert views_attachments.content_disposition is content_disposition


# --- the audit ------------------------------------------------------------------------------


def test_a_staff_download_of_personal_data_is_audited(clerk_a, county):
    before = AuditRecord.objects.count()
    file_download(
        b"x",
        filename="身份证.png",
        content_type="image/png",
        personal_data=True,
        actor=clerk_a,
        obj=county.a,
        unit=county.a,
        action="test.download",
    )
    [record] = audit_records("test.download")
    assert record.actor == clerk_a and record.unit == county.a
    assert record.object_id == str(county.a.pk)
    assert AuditRecord.objects.count() == before + 1


def test_a_download_without_personal_data_writes_no_audit(clerk_a):
    before = AuditRecord.objects.count()
    file_download(
        b"x", filename="a.pdf", content_type="application/pdf", personal_data=False, actor=clerk_a
    )
    assert AuditRecord.objects.count() == before


@pytest.mark.django_db
def test_personal_data_is_never_served_without_saying_who_downloads_it():
    with pytest.raises(ValueError):
        file_download(b"x", filename="a.pdf", content_type="application/pdf", personal_data=True)
    assert not AuditRecord.objects.exists()


# --- one response, no copies ----------------------------------------------------------------


def test_no_view_builds_a_download_by_hand():
    """Every file goes out through `file_download`: no other module sets the
    Content-Disposition header or makes a FileResponse itself."""
    from pathlib import Path

    package = Path(downloads.__file__).resolve().parent.parent
    offenders = []
    for path in package.rglob("*.py"):
        relative = path.relative_to(package).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in f"/{relative}":
            continue
        if relative == "core/downloads.py":
            continue
        text = path.read_text(encoding="utf-8")
        if '["Content-Disposition"]' in text or "FileResponse(" in text:
            offenders.append(relative)
    assert offenders == []
