"""Uploaded ZIP archives (DOCX, XLSX, OFD, ZIP) are judged before anything expands them.

`check_zip()` reads only the archive's directory: first the end record's member count
(so a directory of a million entries is never parsed), then each member's declared
sizes. It refuses, with `Invalid` (code ``archive_bomb``), an archive that

- has more members than `ARCHIVE_MAX_MEMBERS`,
- would expand to more than `ARCHIVE_MAX_MB` in total, or
- has a member larger than 1 MB that is compressed more than `ARCHIVE_MAX_RATIO` to 1
  (ordinary text compresses 5–20 to 1; 200 MB of spaces compresses about 1000 to 1).

Python's `zipfile` never gives out more than a member's declared size (it stops there
and reports a bad checksum), so the declared sizes checked here bound what any later
reader of the same file (python-docx, openpyxl) can expand. `read_member()` is the
bounded read for code that expands a member itself.
"""

import struct
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import Invalid

MB = 1024 * 1024
# Below this size a member's ratio is not judged: small files of repeated markup
# compress far, and cannot hurt.
RATIO_FLOOR = MB
EOCD = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_EOCD = b"PK\x06\x06"


@dataclass(frozen=True)
class Limits:
    max_total: int
    max_ratio: float
    max_members: int


def limits() -> Limits:
    """The limits configured in settings (ARCHIVE_MAX_MB, ARCHIVE_MAX_RATIO,
    ARCHIVE_MAX_MEMBERS)."""
    return Limits(
        max_total=int(getattr(settings, "ARCHIVE_MAX_MB", 100)) * MB,
        max_ratio=float(getattr(settings, "ARCHIVE_MAX_RATIO", 100)),
        max_members=int(getattr(settings, "ARCHIVE_MAX_MEMBERS", 2000)),
    )


def _bomb(reason: str) -> Invalid:
    return Invalid(
        _(
            "This archive (or Office document) would expand far beyond its size and is "
            "refused as a possible decompression bomb: %(reason)s"
        )
        % {"reason": reason},
        code="archive_bomb",
        field="file",
    )


def _damaged() -> Invalid:
    return Invalid(
        _("This file is a damaged or unreadable archive."), code="bad_archive", field="file"
    )


def declared_member_count(fileobj: Any) -> int | None:
    """The number of members the archive's end record declares, read without parsing
    the directory; None when no end record is found."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    tail_len = min(size, 22 + 0xFFFF)
    fileobj.seek(size - tail_len)
    tail = fileobj.read(tail_len)
    fileobj.seek(0)
    pos = tail.rfind(EOCD)
    if pos < 0 or pos + 22 > len(tail):
        return None
    (count,) = struct.unpack_from("<H", tail, pos + 10)
    if count != 0xFFFF:
        return int(count)
    # ZIP64: the locator sits just before the end record and points at the ZIP64 record.
    loc = pos - 20
    if loc < 0 or tail[loc : loc + 4] != ZIP64_LOCATOR:
        return int(count)
    (offset,) = struct.unpack_from("<Q", tail, loc + 8)
    fileobj.seek(offset)
    record = fileobj.read(56)
    fileobj.seek(0)
    if len(record) < 40 or record[:4] != ZIP64_EOCD:
        return None
    (total,) = struct.unpack_from("<Q", record, 32)
    return int(total)


def check_zip(
    fileobj: Any,
    *,
    max_total: int | None = None,
    max_ratio: float | None = None,
    max_members: int | None = None,
) -> list[zipfile.ZipInfo]:
    """Refuse a decompression bomb before anything is expanded; return the members.

    Only the archive's directory is read. Raises `Invalid` with code ``archive_bomb``
    (limits exceeded) or ``bad_archive`` (not a readable ZIP)."""
    configured = limits()
    total_cap = configured.max_total if max_total is None else max_total
    ratio_cap = configured.max_ratio if max_ratio is None else max_ratio
    members_cap = configured.max_members if max_members is None else max_members

    try:
        count = declared_member_count(fileobj)
    except (OSError, ValueError, struct.error) as exc:
        raise _damaged() from exc
    if count is not None and count > members_cap:
        raise _bomb(
            _("it has %(count)d files inside (at most %(cap)d).")
            % {"count": count, "cap": members_cap}
        )
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged() from exc
    finally:
        fileobj.seek(0)
    if len(members) > members_cap:
        raise _bomb(
            _("it has %(count)d files inside (at most %(cap)d).")
            % {"count": len(members), "cap": members_cap}
        )
    total = 0
    for info in members:
        total += info.file_size
        if total > total_cap:
            raise _bomb(_("its contents come to more than %(mb)d MB.") % {"mb": total_cap // MB})
        if info.file_size > RATIO_FLOOR and info.file_size > ratio_cap * max(info.compress_size, 1):
            raise _bomb(
                _("“%(name)s” inside is compressed %(ratio)d to 1 (at most %(cap)d to 1).")
                % {
                    "name": info.filename[:80],
                    "ratio": info.file_size // max(info.compress_size, 1),
                    "cap": int(ratio_cap),
                }
            )
    return members


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's content, reading at most `limit` bytes: a member that turns out
    larger than that (whatever it declares) is refused."""
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise _bomb(_("“%(name)s” inside is larger than declared.") % {"name": name[:80]})
    return data
