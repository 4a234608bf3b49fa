"""Attachments: the one way in for every uploaded file.

`store_upload()` checks the size, judges the type by the file's *content* (never by its
name alone), requires the name's extension to agree, computes the SHA-256 checksum,
runs the virus-scan hook, stores the file under its checksum and writes the audit record.
Everything that is refused raises `Invalid` with a stable code:

    empty, too_large, type_not_allowed, type_mismatch, infected, scan_failed

The virus scanner is ClamAV's daemon (clamd), spoken to over its unix socket with the
INSTREAM command (`ClamdSocket`); with no `CLAMD_SOCKET` configured the scan is skipped,
logged, and the attachment is marked "not scanned".
"""

import hashlib
import logging
import mmap
import os
import socket
import struct
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from . import audit
from .access import Acting, Person
from .activecontent import active_or_polyglot, whole_file
from .archives import check_zip
from .errors import Invalid
from .models import Attachment, ScanStatus

logger = logging.getLogger(__name__)

# A file object read as bytes with seek(): an upload, a stored file, a BytesIO. Django's
# upload classes are not `typing.IO` subtypes, so the kernel takes them as they come.
BinaryFile: TypeAlias = Any

CHUNK = 64 * 1024
MB = 1024 * 1024

# Kinds we accept: kind -> (content type, extensions a file of this kind may carry).
KINDS = {
    "pdf": ("application/pdf", {"pdf"}),
    "ofd": ("application/ofd", {"ofd"}),
    "doc": ("application/msword", {"doc", "wps"}),
    "wps": ("application/vnd.ms-works", {"wps"}),
    "xls": ("application/vnd.ms-excel", {"xls"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}),
    "jpg": ("image/jpeg", {"jpg", "jpeg"}),
    "png": ("image/png", {"png"}),
    "gif": ("image/gif", {"gif"}),
    "mp4": ("video/mp4", {"mp4"}),
    "zip": ("application/zip", {"zip"}),
}
# The allow-list, by extension (zip only when settings.ATTACHMENT_ALLOW_ZIP).
ALLOWED_EXTENSIONS = ("pdf", "ofd", "doc", "docx", "xls", "xlsx", "wps", "jpg", "png", "gif", "mp4")
# Served inline (the browser shows them); everything else is downloaded.
INLINE_EXTENSIONS = {"jpg", "png", "gif", "mp4"}

# Human names for what a refused file turned out to be.
KIND_NAMES = {
    "pdf": _("a PDF document"),
    "ofd": _("an OFD document"),
    "doc": _("a Word 97–2003 document"),
    "wps": _("a WPS document"),
    "xls": _("an Excel 97–2003 workbook"),
    "docx": _("a Word document"),
    "xlsx": _("an Excel workbook"),
    "jpg": _("a JPEG image"),
    "png": _("a PNG image"),
    "gif": _("a GIF image"),
    "mp4": _("an MP4 video"),
    "zip": _("a ZIP archive"),
    "executable": _("a program (executable file)"),
    "html": _("a web page (HTML)"),
    "svg": _("an SVG image, which can carry scripts"),
    "script": _("a script"),
    "macro": _("an Office document with macros"),
    "ole_other": _("an Office or other compound file of a type that is not accepted"),
    "office_other": _("an Office file of a type that is not accepted"),
    "pdf_active": _("a PDF that runs scripts, programs or embedded files"),
    "polyglot": _(
        "a file that is at the same time something else (an archive, a web page or a script)"
    ),
    "bomb": _("a file that would expand far beyond its size (a decompression bomb)"),
    "damaged": _("a damaged or unreadable file"),
    "unknown": _("a file of unknown type"),
}

# Kinds refused whatever the name and the field's allow-list.
NEVER_ACCEPTED = (
    "executable",
    "html",
    "svg",
    "script",
    "macro",
    "bomb",
    "pdf_active",
    "polyglot",
)

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Windows Installer packages are OLE2 files too: their root storage carries this CLSID.
MSI_CLSID = bytes.fromhex("84100C0000000000C000000000000046")


def allowed_extensions() -> list[str]:
    """The extensions accepted site-wide right now."""
    exts = list(ALLOWED_EXTENSIONS)
    if getattr(settings, "ATTACHMENT_ALLOW_ZIP", False):
        exts.append("zip")
    return exts


def safe_content_type(extension: str) -> str:
    return KINDS.get(extension, ("application/octet-stream", set()))[0]


# --- content detection ------------------------------------------------------------------


def _ole_stream_names(data: bytes | mmap.mmap) -> set[str]:
    """Names of the storages and streams of an OLE2 compound file, found by looking at
    directory entries (128 bytes each, always at a 128-byte boundary of the file)."""
    names: set[str] = set()
    wanted = [
        "WordDocument",
        "Workbook",
        "Book",
        "PowerPoint Document",
        "VBA",
        "Macros",
        "_VBA_PROJECT_CUR",
    ]
    for name in wanted:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        start = 0
        while True:
            pos = data.find(encoded, start)
            if pos < 0:
                break
            start = pos + 2
            if pos % 128 or pos + 68 > len(data):
                continue
            (length,) = struct.unpack_from("<H", data, pos + 64)
            kind = data[pos + 66]
            if length == len(encoded) and kind in (1, 2):
                names.add(name)
                break
    return names


def _ole_kind(data: bytes | mmap.mmap) -> str:
    # Root entry of the first directory sector: its CLSID tells installers apart.
    try:
        sector_shift = struct.unpack_from("<H", data, 30)[0]
        first_dir = struct.unpack_from("<I", data, 48)[0]
        root = (first_dir + 1) << sector_shift
        if data[root + 80 : root + 96] == MSI_CLSID:
            return "executable"
    except (struct.error, OverflowError):
        return "damaged"
    names = _ole_stream_names(data)
    if names & {"VBA", "Macros", "_VBA_PROJECT_CUR"}:
        return "macro"
    if "WordDocument" in names:
        return "doc"
    if names & {"Workbook", "Book"}:
        return "xls"
    if "PowerPoint Document" in names:
        return "ole_other"
    # Kingsoft WPS files of older versions use their own stream names: accepted only
    # under a .wps name (store_upload decides).
    return "ole_unknown"


def _is_zip(fileobj: BinaryFile) -> bool:
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    return head in (b"PK\x03\x04", b"PK\x05\x06")


def _zip_kind(fileobj: BinaryFile) -> str:
    # The directory only: a decompression bomb is refused before anything expands it.
    try:
        members = check_zip(fileobj)
    except Invalid as exc:
        return "bomb" if exc.code == "archive_bomb" else "damaged"
    names = [info.filename for info in members]
    lower = {n.lower() for n in names}
    top = {n.split("/", 1)[0].lower() for n in names}
    if "ofd.xml" in lower:
        return "ofd"
    if "[content_types].xml" in lower:
        if any(n.endswith("vbaproject.bin") for n in lower):
            return "macro"
        if "word" in top:
            return "docx"
        if "xl" in top:
            return "xlsx"
        return "office_other"
    return "zip"


def _text_kind(head: bytes) -> str | None:
    """HTML, SVG and scripts are refused under any name."""
    text = head[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if text.startswith(bom):
            text = text[len(bom) :]
    if b"\x00" in text[:200]:  # UTF-16 text: drop the zero bytes before looking
        text = text.replace(b"\x00", b"")
    sample = text.lstrip().lower()
    if sample.startswith(b"#!"):
        return "script"
    if b"<svg" in sample:
        return "svg"
    html_markers = (
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<script",
        b"<iframe",
        b"<meta",
        b"<title",
        b"<a href",
        b"<img",
        b"<div",
        b"<form",
    )
    if sample.startswith(b"<") and any(m in sample for m in html_markers):
        return "html"
    if any(m in sample for m in (b"<script", b"<html", b"<!doctype html")):
        return "html"
    return None


def detect_kind(fileobj: BinaryFile) -> str:
    """Judge a file by its content: one of KINDS, or a reason it is refused
    ('executable', 'html', 'svg', 'script', 'macro', 'bomb', 'pdf_active', 'polyglot',
    'damaged', 'unknown', ...)."""
    kind = _sniff(fileobj)
    if kind in ("pdf", "png", "gif", "jpg"):
        kind = active_or_polyglot(fileobj, kind)
        fileobj.seek(0)
    return kind


def _sniff(fileobj: BinaryFile) -> str:
    """The kind the file's signature announces."""
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if (
        head.startswith(b"\x7fELF")
        or head.startswith(b"MZ")
        or head[:4]
        in (
            b"\xfe\xed\xfa\xce",
            b"\xfe\xed\xfa\xcf",
            b"\xce\xfa\xed\xfe",
            b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        )
    ):
        return "executable"
    if head.startswith(OLE2_MAGIC):
        with whole_file(fileobj) as data:
            return _ole_kind(data)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        kind = _zip_kind(fileobj)
        fileobj.seek(0)
        return kind
    guess = filetype.guess(head)
    if guess is not None:
        ext = guess.extension
        if ext == "jpg" and head.startswith(b"\xff\xd8\xff"):
            return "jpg"
        if ext == "png" and head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if ext == "gif" and head[:6] in (b"GIF87a", b"GIF89a"):
            return "gif"
        if ext in ("mp4", "m4v") and head[4:8] == b"ftyp":
            return "mp4"
        if ext in ("exe", "elf", "dex", "swf", "crx", "deb", "rpm", "ar"):
            return "executable"
        if ext == "apng" and head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
    text = _text_kind(head)
    if text:
        return text
    return "unknown"


# --- virus scan -------------------------------------------------------------------------


class ScanError(Exception):
    """The scanner could not be reached or gave no usable answer."""


@dataclass
class ScanResult:
    clean: bool
    signature: str = ""


class ClamdSocket:
    """A minimal client for clamd's INSTREAM command over its unix socket.

    Protocol: send ``zINSTREAM\\0``, then the data in chunks, each preceded by its
    length as a 4-byte big-endian integer, then a zero-length chunk; clamd answers
    ``stream: OK``, ``stream: <signature> FOUND`` or ``... ERROR``, ended by ``\\0``.
    """

    def __init__(self, path: str, timeout: float = 60) -> None:
        self.path = path
        self.timeout = timeout

    def instream(self, chunks: Iterable[bytes]) -> ScanResult:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout)
                sock.connect(self.path)
                sock.sendall(b"zINSTREAM\0")
                for chunk in chunks:
                    if chunk:
                        sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    data = sock.recv(4096)
                    if not data:
                        break
                    reply += data
        except OSError as exc:
            raise ScanError(f"clamd at {self.path} unreachable: {exc}") from exc
        answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if answer.endswith("OK") and not answer.endswith("ERROR"):
            return ScanResult(clean=True)
        if answer.endswith("FOUND"):
            body = answer.split(":", 1)[1] if ":" in answer else answer
            return ScanResult(clean=False, signature=body[: -len("FOUND")].strip())
        raise ScanError(f"clamd answered {answer!r}")


def _chunks(fileobj: BinaryFile) -> Iterator[bytes]:
    fileobj.seek(0)
    while True:
        chunk = fileobj.read(CHUNK)
        if not chunk:
            break
        yield chunk
    fileobj.seek(0)


def scan(fileobj: BinaryFile, name: str = "") -> ScanStatus:
    """Run the virus-scan hook. Returns the scan status; raises Invalid when the file
    is infected or cannot be scanned."""
    path = getattr(settings, "CLAMD_SOCKET", "")
    if not path:
        logger.info("No virus scanner configured (CLAMD_SOCKET empty); %r not scanned", name)
        return ScanStatus.NOT_SCANNED
    timeout = getattr(settings, "CLAMD_TIMEOUT", 60)
    try:
        result = ClamdSocket(path, timeout=timeout).instream(_chunks(fileobj))
    except ScanError as exc:
        logger.error("Virus scan of %r failed: %s", name, exc)
        raise Invalid(
            _(
                "The file could not be scanned for viruses, so it was not accepted. "
                "Please try again later or tell the IT centre."
            ),
            code="scan_failed",
            field="file",
        ) from exc
    if not result.clean:
        logger.warning("Upload %r refused: virus scanner found %s", name, result.signature)
        raise Invalid(
            _("The virus scanner found %(signature)s in this file; it was not accepted.")
            % {"signature": result.signature},
            code="infected",
            field="file",
        )
    return ScanStatus.CLEAN


# --- the way in -------------------------------------------------------------------------


def clean_filename(name: object) -> str:
    """The name as shown to people: no folders, no control characters, ≤ 255 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext)] + ext
    return name


def _extension(name: str) -> str:
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    return "jpg" if ext == "jpeg" else ext


def _format_mb(nbytes: int) -> str:
    mb = nbytes / MB
    if mb >= 0.01:
        return f"{mb:.2f}".rstrip("0").rstrip(".")
    return f"{mb:.2g}"


def _too_large(cap: int) -> Invalid:
    return Invalid(
        _("The file is larger than the limit of %(mb)s MB.") % {"mb": _format_mb(cap)},
        code="too_large",
        field="file",
    )


def _checksum(fileobj: BinaryFile, cap: int) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in _chunks(fileobj):
        size += len(chunk)
        if size > cap:
            raise _too_large(cap)
        digest.update(chunk)
    return digest.hexdigest(), size


def _refuse_kind(kind: str, ext: str, permitted: list[str]) -> Invalid:
    what = KIND_NAMES.get(kind, KIND_NAMES["unknown"])
    listed = ", ".join(permitted)
    if kind in KINDS:
        message = _("This file is %(what)s; only these types are accepted here: %(types)s.")
    elif kind in NEVER_ACCEPTED:
        message = _(
            "This file is really %(what)s and is never accepted, whatever its name. "
            "Accepted types: %(types)s."
        )
    else:
        message = _("This file is %(what)s; only these types are accepted: %(types)s.")
    return Invalid(message % {"what": what, "types": listed}, code="type_not_allowed", field="file")


def _remove_orphan(storage: Storage, stored_name: str) -> None:
    try:
        still_used = Attachment.objects.filter(file=stored_name).exists()
    except Exception:  # the surrounding transaction may be unusable; keep the file then
        logger.exception("Could not check %s after a failed upload; file kept", stored_name)
        return
    if not still_used:
        try:
            storage.delete(stored_name)
        except OSError:
            logger.exception("Could not remove %s after a failed upload", stored_name)


def store_upload(
    actor: Person | Acting | None,
    uploaded_file: BinaryFile,
    *,
    unit: Any = None,
    owner: Model | None = None,
    allowed: Iterable[str] | None = None,
    contains_personal_data: bool = False,
) -> Attachment:
    """Accept one uploaded file, or raise `Invalid`.

    `actor` is the person uploading (an `Acting` is accepted); `unit` the unit it is
    filed under; `owner` the object it belongs to (any model instance); `allowed`
    narrows the site-wide allow-list for this field (e.g. ``{"jpg", "png"}``).
    """
    person = actor.person if isinstance(actor, Acting) else actor
    name = clean_filename(getattr(uploaded_file, "name", ""))
    cap = settings.ATTACHMENT_MAX_BYTES

    declared = getattr(uploaded_file, "size", None)
    if declared == 0:
        raise Invalid(_("The file is empty."), code="empty", field="file")
    if declared is not None and declared > cap:
        raise _too_large(cap)
    sha256, size = _checksum(uploaded_file, cap)
    if size == 0:
        raise Invalid(_("The file is empty."), code="empty", field="file")

    permitted = allowed_extensions()
    if allowed is not None:
        wanted = {
            "jpg" if e.lower().lstrip(".") == "jpeg" else e.lower().lstrip(".") for e in allowed
        }
        permitted = [e for e in permitted if e in wanted]

    kind = detect_kind(uploaded_file)
    ext = _extension(name)
    if kind == "ole_unknown":
        kind = "wps" if ext == "wps" else "ole_other"
    if kind == "bomb" and _is_zip(uploaded_file):
        check_zip(uploaded_file)  # raises the refusal that says which limit was passed
    if kind not in KINDS or not (KINDS[kind][1] & set(permitted)):
        raise _refuse_kind(kind, ext, permitted)
    if ext not in KINDS[kind][1]:
        if ext:
            message = _(
                "The file name ends in “.%(ext)s” but the file is really %(what)s. "
                "Please upload it with its proper name."
            )
        else:
            message = _(
                "The file name has no extension, but the file is %(what)s. "
                "Please upload it with its proper name."
            )
        raise Invalid(
            message % {"ext": ext, "what": KIND_NAMES[kind]}, code="type_mismatch", field="file"
        )
    if ext not in permitted:
        raise _refuse_kind(kind, ext, permitted)

    scan_status = scan(uploaded_file, name)

    attachment = Attachment(
        original_name=name,
        extension=ext,
        content_type=safe_content_type(ext),
        size=size,
        sha256=sha256,
        scan_status=scan_status,
        uploaded_by=person if getattr(person, "pk", None) else None,
        unit=unit,
        contains_personal_data=contains_personal_data,
    )
    if owner is not None:
        attachment.owner_type = ContentType.objects.get_for_model(owner)
        attachment.owner_id = str(owner.pk)

    field = Attachment._meta.get_field("file")
    storage = field.storage
    target = field.generate_filename(attachment, name)
    created = False
    if storage.exists(target):
        # Same checksum, same content: keep the one copy.
        stored_name = target
    else:
        uploaded_file.seek(0)
        stored_name = storage.save(target, uploaded_file)
        created = True
    attachment.file.name = stored_name
    owner_type = attachment.owner_type if attachment.owner_type_id else None
    try:
        with transaction.atomic():
            attachment.save()
            audit.record(
                actor,
                "attachment.upload",
                attachment,
                unit=unit,
                changes={
                    "name": name,
                    "type": ext,
                    "size": size,
                    "sha256": sha256,
                    "scan": str(scan_status),
                    "owner": f"{owner_type.app_label}.{owner_type.model}:{attachment.owner_id}"
                    if owner_type is not None
                    else "",
                },
            )
    except BaseException:
        if created:
            _remove_orphan(storage, stored_name)
        raise
    return attachment
