"""Published pages written as files for nginx (deploy/nginx.conf).

When PORTAL_STATIC_DIR is set, every public page the cache stores (portal/cache.py) is
also written to

    <PORTAL_STATIC_DIR>/sites/<host>/<path>/index.html

and nginx answers anonymous GET requests from these files before asking the
application. Files are written atomically (a temporary file, then a rename), so nginx
never reads half a page.

Which files depend on what is kept next to them, in the file system, so that any
process (a web worker, the scheduler publishing a scheduled page, a task worker) can
remove exactly the files an invalidation concerns:

    <PORTAL_STATIC_DIR>/deps/<tag>/<hash of the file's relative path>

holds the relative path of one page file. Creating and removing such entries is atomic,
so processes never overwrite each other's records. Removing a file that another tag
also listed is harmless (the next visit writes it again); a file is never kept after
one of its tags was invalidated.
"""

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

PAGE_NAME = "index.html"
# Hosts and path segments we are willing to turn into directory names. Wagtail slugs
# are letters (any script), digits, "-" and "_"; anything else is not written.
_HOST_RE = re.compile(r"^[a-z0-9.-]{1,253}$")
_SEGMENT_RE = re.compile(r"^[\w-]{1,255}$")
_TAG_RE = re.compile(r"^[\w.-]{1,200}$")


def root():
    """The directory of the files, or None when writing is off."""
    value = getattr(settings, "PORTAL_STATIC_DIR", "")
    return Path(value) if value else None


def relative_path(host, path):
    """`sites/<host>/<path>/index.html` for a page URL path, or None if the host or
    the path cannot safely be a file name (the page is then simply not written)."""
    host = (host or "").lower()
    if not _HOST_RE.match(host) or host.startswith(".") or ".." in host:
        return None
    if not path.startswith("/") or not path.endswith("/"):
        return None
    segments = [segment for segment in path.split("/") if segment]
    for segment in segments:
        if not _SEGMENT_RE.match(segment) or segment.startswith("."):
            return None
    return "/".join(["sites", host, *segments, PAGE_NAME])


def _entry_name(relative):
    return hashlib.sha1(relative.encode()).hexdigest()[:24]


def _write_atomic(target, data, mode=0o644):
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def write(host, path, body, tags):
    """Write one page and record its tags. Returns the file's path, or None when
    writing is off or the URL cannot be a file name."""
    base = root()
    if base is None:
        return None
    relative = relative_path(host, path)
    if relative is None:
        return None
    tags = [tag for tag in tags if _TAG_RE.match(tag)]
    name = _entry_name(relative)
    # The dependency records first, then the file: an invalidation that runs in
    # between finds the record (and removes the file if it already exists); the
    # cache re-checks the journal after this call for the other order.
    for tag in tags:
        folder = base / "deps" / tag
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        entry = folder / name
        if not entry.exists():
            _write_atomic(entry, relative.encode(), mode=0o600)
    target = base / relative
    _write_atomic(target, body)
    return target


def remove(host, path):
    base = root()
    relative = relative_path(host, path) if base is not None else None
    if relative is None:
        return
    try:
        (base / relative).unlink()
    except FileNotFoundError:
        pass


def remove_tags(tags):
    """Remove every page file recorded under any of `tags`, and those records."""
    base = root()
    if base is None:
        return 0
    removed = 0
    for tag in tags:
        if tag == "*":
            clear()
            continue
        if not _TAG_RE.match(tag):
            continue
        folder = base / "deps" / tag
        try:
            entries = list(folder.iterdir())
        except FileNotFoundError:
            continue
        for entry in entries:
            try:
                relative = entry.read_text()
            except (FileNotFoundError, UnicodeDecodeError):
                continue
            if relative.startswith("sites/") and ".." not in relative:
                try:
                    (base / relative).unlink()
                    removed += 1
                except FileNotFoundError:
                    pass
            try:
                entry.unlink()
            except FileNotFoundError:
                pass
    return removed


def clear():
    """Remove every page file and every record (publish_static --clear)."""
    base = root()
    if base is None:
        return
    for name in ("sites", "deps"):
        shutil.rmtree(base / name, ignore_errors=True)


def files():
    """Relative paths of the page files written so far."""
    base = root()
    if base is None or not (base / "sites").exists():
        return []
    return sorted(
        str(path.relative_to(base)) for path in (base / "sites").rglob(PAGE_NAME) if path.is_file()
    )
