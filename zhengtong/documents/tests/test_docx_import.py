"""Drafting in Word or WPS: a .docx becomes the draft's body, headings by their
numbering (一、 （一） 1. （1）), tables kept; the file is kept as an attachment."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.core.models import Attachment
from zhengtong.documents import services

from .conftest import draft, through_sign_off


def word_file(*paragraphs, table=None, name="通知.docx"):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def test_a_word_draft_becomes_the_body_with_its_heading_levels(office):
    document = draft(office)
    upload = word_file(
        "各乡镇：",
        "一、总体要求",
        "（一）明确责任。",
        "1.建立台账",
        "（1）每周更新",
        "请认真贯彻落实。",
        table=[["乡镇", "完成情况"], ["东湖镇", "已完成"]],
    )
    services.import_docx(office.drafter, document, upload)
    document.refresh_from_db()
    assert "<h2>一、总体要求</h2>" in document.body
    assert "<h3>（一）明确责任。</h3>" in document.body
    assert "<h4>1.建立台账</h4>" in document.body and "<h5>（1）每周更新</h5>" in document.body
    assert "<p>请认真贯彻落实。</p>" in document.body
    assert "<td>东湖镇</td>" in document.body
    assert Attachment.objects.filter(owner_id=str(document.pk), extension="docx").exists()
    assert document.versions.count() == 2


def test_a_file_that_is_not_a_word_document_is_refused(office):
    document = draft(office)
    fake = SimpleUploadedFile("通知.docx", b"%PDF-1.4 not a docx", content_type="application/pdf")
    with pytest.raises(Invalid):
        services.import_docx(office.drafter, document, fake)
    document.refresh_from_db()
    assert document.versions.count() == 1


def test_a_classified_word_file_is_refused(office):
    document = draft(office)
    with pytest.raises(Invalid) as caught:
        services.import_docx(office.drafter, document, word_file("机密★5年", "正文"))
    assert caught.value.code == "classified"


def test_only_a_draft_and_only_its_unit(office):
    document = draft(office)
    with pytest.raises(NotPermitted):
        services.import_docx(office.outsider, document, word_file("正文"))
    signed = through_sign_off(office, document)
    with pytest.raises(Conflict):
        services.import_docx(office.drafter, signed, word_file("正文"))


def test_the_edit_page_imports_a_word_file(client, login, office):
    document = draft(office)
    login(office.drafter)
    response = client.post(
        f"/oa/documents/{document.pk}/import-word/", {"file": word_file("一、总体要求")}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert "<h2>一、总体要求</h2>" in document.body
    login(office.outsider)
    response = client.post(f"/oa/documents/{document.pk}/import-word/", {"file": word_file("x")})
    assert response.status_code == 404


def test_a_word_decompression_bomb_is_refused_and_the_draft_kept(office):
    from zhengtong.core.tests.test_archives import docx_bomb

    document = draft(office)
    bomb = SimpleUploadedFile("通知.docx", docx_bomb())
    with pytest.raises(Invalid) as caught:
        services.import_docx(office.drafter, document, bomb)
    assert caught.value.code == "archive_bomb"
    document.refresh_from_db()
    assert document.versions.count() == 1


def test_the_word_reader_refuses_a_bomb_before_python_docx_opens_it(monkeypatch):
    from zhengtong.core.tests.test_archives import docx_bomb

    def never(*args, **kwargs):
        raise AssertionError("python-docx was given a decompression bomb")

    monkeypatch.setattr(docx, "Document", never)
    with pytest.raises(Invalid) as caught:
        services.docx_to_html(io.BytesIO(docx_bomb()))
    assert caught.value.code == "archive_bomb"
