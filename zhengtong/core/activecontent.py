"""Active content and polyglots: the part of the attachment path (core/attachments.py)
that refuses a PDF which runs something and a file which is two things at once.

A PDF that runs scripts or programs, or a file that is two things at once (a PDF or an
image that is also a ZIP archive or carries a web page or script), is refused: it can
act differently depending on what opens it (docs/security.md D5, D6).
"""

from __future__ import annotations

import contextlib
import mmap
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any, TypeAlias

# An open binary file (Django's File, an UploadedFile, or a plain file object).
BinaryFile: TypeAlias = Any

MB = 1024 * 1024


@contextlib.contextmanager
def whole_file(fileobj: BinaryFile) -> Iterator[bytes | mmap.mmap]:
    """The whole file as a bytes-like object: memory-mapped when it is on disk."""
    try:
        fileno = fileobj.fileno()
    except (AttributeError, OSError, ValueError):
        fileno = None
    if fileno is not None:
        try:
            data = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            data = None
        if data is not None:
            try:
                yield data
            finally:
                data.close()
            return
    fileobj.seek(0)
    try:
        yield fileobj.read()
    finally:
        fileobj.seek(0)


# --- active content and polyglots -------------------------------------------------------
#
# A PDF that runs scripts or programs, or a file that is two things at once (a PDF or an
# image that is also a ZIP archive or carries a web page or script), is refused: it can
# act differently depending on what opens it. Markup is looked for where browsers and
# sniffers find it: in the first kilobyte and after the format's end marker.

POLYGLOT_HEAD = 1024
# PDF names that run something: scripts, programs, actions on opening or on events,
# embedded files, forms that submit or import data, Flash/XFA content.
PDF_ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"Launch",
        b"AA",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"SubmitForm",
        b"ImportData",
        b"XFA",
    }
)
_PDF_DELIM = rb"\s/<>\[\]()%{}"
# Names of two letters turn up by chance in compressed stream data (about once in
# 40 MB): they are looked for outside stream bodies only. Every action that runs
# something also carries one of the longer names (/S /JavaScript, /S /Launch, ...),
# which are looked for everywhere.
PDF_SHORT_NAMES = frozenset({b"JS", b"AA"})


def _pdf_name_re(names: frozenset[bytes]) -> re.Pattern[bytes]:
    return re.compile(rb"/(?:" + b"|".join(sorted(names)) + rb")(?=[" + _PDF_DELIM + rb"]|\Z)")


_PDF_ACTIVE_RE = _pdf_name_re(PDF_ACTIVE_NAMES - PDF_SHORT_NAMES)
_PDF_SHORT_RE = _pdf_name_re(PDF_SHORT_NAMES)
# A name written with #xx escapes (/J#61vaScript is /JavaScript to a PDF reader).
_PDF_ESCAPED_NAME_RE = re.compile(
    rb"/([^" + _PDF_DELIM + rb"]*#[0-9A-Fa-f]{2}[^" + _PDF_DELIM + rb"]*)"
)
_PDF_HEX_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_OBJSTM_RE = re.compile(rb"/Type\s*/ObjStm")
_PDF_STREAM_RE = re.compile(rb"stream\r?\n")
# Compressed object streams are opened to look inside, within these bounds.
PDF_OBJSTM_MAX = 8 * MB
PDF_OBJSTM_BUDGET = 64 * MB

MARKUP_MARKERS = (
    b"<script",
    b"<html",
    b"<!doctype",
    b"<body",
    b"<head",
    b"<iframe",
    b"<svg",
    b"<object",
    b"<embed",
    b"<img",
    b"<meta",
    b"<?php",
    b"javascript:",
    b"onerror=",
    b"onload=",
)
SCRIPT_MARKERS = (b"alert(", b"eval(", b"document.", b"window.", b"function(")


def _has_markup(sample: bytes) -> bool:
    lower = bytes(sample).lower()
    return any(marker in lower for marker in MARKUP_MARKERS)


def _pdf_outside_streams(data: bytes | mmap.mmap) -> Iterator[bytes]:
    """The parts of a PDF that are not stream bodies (dictionaries, the trailer)."""
    pos = 0
    while True:
        start = data.find(b"stream", pos)
        while start >= 3 and data[start - 3 : start] == b"end":
            start = data.find(b"stream", start + 6)
        if start < 0:
            yield data[pos:]
            return
        yield data[pos:start]
        end = data.find(b"endstream", start)
        if end < 0:
            return
        pos = end + 9


def _pdf_names_active(data: bytes | mmap.mmap, *, streams: bool = True) -> bool:
    """Whether the PDF text names something that runs; `streams`: `data` has stream
    bodies (a whole file) rather than being an object stream's decompressed content."""
    if _PDF_ACTIVE_RE.search(data):
        return True
    parts = _pdf_outside_streams(data) if streams else iter([bytes(data)])
    if any(_PDF_SHORT_RE.search(part) for part in parts):
        return True
    for match in _PDF_ESCAPED_NAME_RE.finditer(data):
        name = _PDF_HEX_RE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if name in PDF_ACTIVE_NAMES:
            return True
    return False


def _pdf_object_streams(data: bytes | mmap.mmap) -> Iterator[bytes]:
    """The decompressed content of the PDF's object streams (where dictionaries, and so
    actions, may hide); raises ValueError past the budget."""
    budget = PDF_OBJSTM_BUDGET
    for match in _PDF_OBJSTM_RE.finditer(data):
        found = _PDF_STREAM_RE.search(data, match.end(), match.end() + 4096)
        if found is None:
            continue
        decompressor = zlib.decompressobj()
        try:
            content = decompressor.decompress(
                data[found.end() : found.end() + PDF_OBJSTM_MAX], PDF_OBJSTM_MAX
            )
        except zlib.error:
            continue  # not Flate-compressed (or encrypted): nothing to read here
        if decompressor.unconsumed_tail:
            raise ValueError("object stream expands too far")
        budget -= len(content)
        if budget < 0:
            raise ValueError("object streams expand too far")
        yield content


def _pdf_verdict(data: bytes | mmap.mmap) -> str:
    if _pdf_names_active(data):
        return "pdf_active"
    try:
        for content in _pdf_object_streams(data):
            if _pdf_names_active(content, streams=False):
                return "pdf_active"
    except ValueError:
        return "bomb"
    end = data.rfind(b"%%EOF")
    if end >= 0 and _has_markup(data[end + 5 :]):
        return "polyglot"
    return "pdf"


def _png_end(data: bytes | mmap.mmap) -> int | None:
    pos = 8
    while pos + 12 <= len(data):
        length: int = struct.unpack_from(">I", data, pos)[0]
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos
    return None


def _gif_skip_blocks(data: bytes | mmap.mmap, pos: int) -> int:
    while True:
        size = data[pos]
        pos += 1
        if size == 0:
            return pos
        pos += size


def _gif_end(data: bytes | mmap.mmap) -> int | None:
    try:
        flags = data[10]
        pos = 13 + (3 * (2 ** ((flags & 7) + 1)) if flags & 0x80 else 0)
        while True:
            block = data[pos]
            if block == 0x3B:
                return pos + 1
            if block == 0x21:
                pos = _gif_skip_blocks(data, pos + 2)
            elif block == 0x2C:
                flags = data[pos + 9]
                pos += 10 + (3 * (2 ** ((flags & 7) + 1)) if flags & 0x80 else 0)
                pos = _gif_skip_blocks(data, pos + 1)
            else:
                return None
    except IndexError:
        return None


def _image_end(data: bytes | mmap.mmap, kind: str) -> int | None:
    if kind == "png":
        return _png_end(data)
    if kind == "gif":
        return _gif_end(data)
    end = data.rfind(b"\xff\xd9")
    return int(end) + 2 if end >= 0 else None


def active_or_polyglot(fileobj: BinaryFile, kind: str) -> str:
    """`kind` when the file is only that; 'pdf_active' for a PDF that runs something;
    'polyglot' for a file that is also an archive, a web page or a script."""
    try:
        if zipfile.is_zipfile(fileobj):
            return "polyglot"
    except (OSError, ValueError):
        pass
    fileobj.seek(0)
    with whole_file(fileobj) as data:
        if _has_markup(data[:POLYGLOT_HEAD]):
            return "polyglot"
        if kind == "pdf":
            return _pdf_verdict(data)
        if kind == "gif":
            # GIF89a/*...*/=alert(1)// : a GIF whose header opens a script comment.
            if data[6:8] == b"/*" or any(m in data[:POLYGLOT_HEAD] for m in SCRIPT_MARKERS):
                return "polyglot"
        end = _image_end(data, kind)
        # Without a readable end marker the whole file is looked at.
        if _has_markup(data[end if end is not None else 0 :]):
            return "polyglot"
    return kind
