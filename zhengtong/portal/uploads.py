"""Every image and document uploaded in the website editor (/cms/) passes the
kernel's attachment checks (core/attachments.py) before Wagtail stores it: size cap,
type judged by the content and matched against the name, allow-list, virus scan.

Wagtail keeps the file itself (its own storage, renditions, document serving); these
form bases (settings WAGTAILIMAGES_IMAGE_FORM_BASE and WAGTAILDOCS_DOCUMENT_FORM_BASE)
only refuse what must not get in, so nothing is stored twice. They serve every upload
path of the editor: the add and edit views, the multiple uploader and the choosers.
"""

import os

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from zhengtong.core import attachments
from zhengtong.core.errors import Invalid

# Kinds (as core.attachments.detect_kind names them, plus those judged here) and the
# extensions a file of that kind may carry.
IMAGE_KINDS = {"jpg": {"jpg", "jpeg"}, "png": {"png"}, "gif": {"gif"}, "webp": {"webp"}}
DOCUMENT_KINDS = {
    "pdf": {"pdf"},
    "ofd": {"ofd"},
    "doc": {"doc"},
    "xls": {"xls"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "mp4": {"mp4"},
    "text": {"txt", "csv"},
    "zip": {"zip"},
}
KIND_NAMES = {
    **attachments.KIND_NAMES,
    "webp": _("a WebP image"),
    "text": _("a plain text file"),
}
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
TEXT_SAMPLE = 1024 * 1024


def _extension(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _is_webp(head):
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_plain_text(fileobj):
    """Readable text in one of the usual encodings, with no control characters but
    line breaks and tabs (csv and txt have no signature to recognise them by)."""
    fileobj.seek(0)
    data = fileobj.read(TEXT_SAMPLE + 1)
    fileobj.seek(0)
    truncated = len(data) > TEXT_SAMPLE
    data = data[:TEXT_SAMPLE]
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            # The sample may end inside a character.
            if not (truncated and exc.start >= len(data) - 4):
                continue
            text = data[: exc.start].decode(encoding, errors="replace")
        if not any(ord(ch) < 32 and ch not in "\r\n\t\f" for ch in text):
            return True
    return False


def kind_of(fileobj, ext):
    """What the file really is: detect_kind's answer, with the kinds it does not know
    (WebP images, plain text) judged here."""
    fileobj.seek(0)
    head = fileobj.read(64)
    fileobj.seek(0)
    if _is_webp(head):
        return "webp"
    kind = attachments.detect_kind(fileobj)
    if kind == "unknown" and ext in DOCUMENT_KINDS["text"] and _is_plain_text(fileobj):
        return "text"
    if kind == "ole_unknown":
        return "ole_other"
    return kind


def check_upload(uploaded, *, kinds, permitted_extensions, cap):
    """Raise forms.ValidationError unless `uploaded` is one of `kinds`, carries a name
    that agrees with its content, is within `cap` bytes and passes the virus scan."""
    name = attachments.clean_filename(getattr(uploaded, "name", ""))
    ext = _extension(name)
    size = getattr(uploaded, "size", None)
    if not size:
        raise forms.ValidationError(_("The file is empty."), code="empty")
    if size > cap:
        raise forms.ValidationError(
            _("The file is larger than the limit of %(mb)s MB.")
            % {"mb": attachments._format_mb(cap)},
            code="too_large",
        )
    accepted = ", ".join(sorted(permitted_extensions))
    kind = kind_of(uploaded, ext)
    if kind not in kinds:
        what = KIND_NAMES.get(kind, KIND_NAMES["unknown"])
        if kind in ("executable", "html", "svg", "script", "macro"):
            message = _(
                "This file is really %(what)s and is never accepted, whatever its name. "
                "Accepted types: %(types)s."
            )
        else:
            message = _("This file is %(what)s; only these types are accepted here: %(types)s.")
        raise forms.ValidationError(
            message % {"what": what, "types": accepted}, code="type_not_allowed"
        )
    if ext not in kinds[kind] or ext not in permitted_extensions:
        raise forms.ValidationError(
            _(
                "The file name ends in “.%(ext)s” but the file is really %(what)s. "
                "Please upload it with its proper name."
            )
            % {"ext": ext, "what": KIND_NAMES[kind]},
            code="type_mismatch",
        )
    try:
        attachments.scan(uploaded, name)
    except Invalid as exc:
        raise forms.ValidationError(str(exc.message), code=exc.code) from exc
    uploaded.seek(0)
    return kind


def _new_upload(form):
    value = form.cleaned_data.get("file")
    return value if isinstance(value, UploadedFile) else None


class CheckedImageForm(BaseImageForm):
    """Wagtail's image form: only real images (JPEG, PNG, GIF, WebP) get in."""

    def clean_file(self):
        uploaded = _new_upload(self)
        if uploaded is not None:
            permitted = {e.lower() for e in settings.WAGTAILIMAGES_EXTENSIONS}
            kinds = {k: v & permitted for k, v in IMAGE_KINDS.items() if v & permitted}
            cap = min(settings.ATTACHMENT_MAX_BYTES, settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE)
            check_upload(uploaded, kinds=kinds, permitted_extensions=permitted, cap=cap)
        return self.cleaned_data.get("file")


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document form: only the allow-list (PDF, OFD, Word, Excel, MP4, plain
    text and CSV; ZIP only where the site allows archives), each judged by content."""

    def clean_file(self):
        uploaded = _new_upload(self)
        if uploaded is not None:
            permitted = {e.lower() for e in settings.WAGTAILDOCS_EXTENSIONS}
            if not getattr(settings, "ATTACHMENT_ALLOW_ZIP", False):
                permitted.discard("zip")
            kinds = {k: v & permitted for k, v in DOCUMENT_KINDS.items() if v & permitted}
            check_upload(
                uploaded,
                kinds=kinds,
                permitted_extensions=permitted,
                cap=settings.ATTACHMENT_MAX_BYTES,
            )
        return self.cleaned_data.get("file")
