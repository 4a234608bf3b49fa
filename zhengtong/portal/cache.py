"""Whole-page cache of the public site, with exact invalidation.

How it works
------------
* `PublicPageCacheMiddleware` is the first middleware. An anonymous GET/HEAD of a
  public page (no session cookie, no language other than the default, no query string
  but `?page=N`) is answered from the cache before any other code runs.
* On a miss the page is rendered normally while a *capture* records what it depends
  on: every page, unit, image, document, catalogue entry and settings object created
  during the request becomes a tag (`page.12`, `unit.3`, `image.5`, `doc.7`,
  `entry.9`, `settings`), and the served page adds `sub.<its tree path>` (anything
  published below it: lists), `kids.<home path>` (the navigation shows the home
  page's children) and a few by type (`interp.<policy>`, `units`, `catalogue`).
  Views and context code may add more with `depends_on(...)`.
* Only a Wagtail page's own 200 answer is stored, without Set-Cookie, without a CSRF
  token, without a CSP nonce, not private / no-store, and only if no view restriction
  was looked at while serving it.
* Publishing, unpublishing, moving or deleting a page, saving a unit, the website
  settings, an image, a document or a catalogue entry invalidates exactly the tags
  concerned (`tags_for_page`), once the transaction has committed. Scheduled pages
  go live through Wagtail's `publish_scheduled`, which sends `page_published` like
  any other publication.

Several processes (decision)
----------------------------
The embedded default runs gunicorn with two workers, plus a scheduler and a task
worker, and the local memory cache is per process. Each web process therefore keeps
the pages *it* rendered in its own memory (a hit costs a dictionary look-up: no
serialisation, no round trip), and what the processes share is an append-only
**invalidation journal**: one line of tags per invalidation.

* embedded (no REDIS_URL): a file, `<ZT_VAR_DIR>/portal-cache.journal`. Appends are
  single `O_APPEND` writes; a process notices new lines with one `stat()` (the size
  grows) and evicts what they name.
* at scale (REDIS_URL): a counter and one key per line in the shared cache, so every
  app server on every machine sees every invalidation.

A render that overlaps an invalidation of one of its tags is not stored (the journal
is read again, from where it stood when the request began, after storing).
"""

import os
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.http import HttpResponse, parse_cookie
from django.http.request import split_domain_port
from django.http.response import ResponseHeaders
from wagtail import hooks
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import static_pages

STEPLEN = 4  # treebeard's path step for Wagtail pages
NEVER_PREFIXES = (
    "/oa/",
    "/cms/",
    "/admin/",
    "/api/",
    "/files/",
    "/search/",
    "/static/",
    "/media/",
    "/wj/",
    "/i18n/",
    "/elderly/",
    "/documents/",
    "/_util/",
)

# --- The capture of what a response depends on ---------------------------------------


@dataclass
class Capture:
    tags: set = field(default_factory=set)
    page: object = None  # the Wagtail page served, set by the on_serve_page hook
    refused: bool = False  # something in the request made it unfit to store


_capture = ContextVar("zt_portal_cache_capture", default=None)


def depends_on(*tags):
    """Declare that the response being rendered shows what `tags` name (for views and
    context code that show something the automatic capture cannot see)."""
    capture = _capture.get()
    if capture is not None:
        capture.tags.update(tags)


def do_not_cache():
    """The response being rendered must not be stored (it depends on the visitor)."""
    capture = _capture.get()
    if capture is not None:
        capture.refused = True


def ancestor_paths(path):
    """Tree paths of the page's ancestors, nearest last, without the page itself."""
    return [path[:n] for n in range(STEPLEN, len(path), STEPLEN)]


def tags_for_page(page, parent_path=None):
    """What a change to `page` (published, unpublished, deleted, moved) invalidates: the
    page itself, its parent's list of children and every ancestor's subtree."""
    path = parent_path + "0" * STEPLEN if parent_path is not None else page.path
    parents = ancestor_paths(path)
    tags = {f"page.{page.pk}"}
    if parents:
        tags.add(f"kids.{parents[-1]}")
    tags.update(f"sub.{p}" for p in parents)
    policy_id = getattr(page, "policy_id", None)
    if policy_id:
        tags.add(f"interp.{policy_id}")
    return tags


def _served_page_tags(page):
    from . import models as m

    tags = {f"page.{page.pk}", f"sub.{page.path}", "site", "settings"}
    if page.depth >= 2:
        tags.add(f"kids.{page.path[: 2 * STEPLEN]}")
    if isinstance(page, m.PolicyPage):
        tags.add(f"interp.{page.pk}")
    if isinstance(page, m.UnitDirectoryPage):
        tags.add("units")
    if isinstance(page, m.DisclosureIndexPage):
        tags.add("catalogue")
    return tags


def _instance_tags(instance):
    from wagtail.models import Page, PageViewRestriction, Site

    from zhengtong.org.models import Unit

    from . import models as m

    if isinstance(instance, Page):
        return (f"page.{instance.pk}",) if instance.pk else ()
    if isinstance(instance, Unit):
        return (f"unit.{instance.pk}",)
    if isinstance(instance, m.SiteSettings):
        return ("settings",)
    if isinstance(instance, m.CatalogueEntry):
        return (f"entry.{instance.pk}",)
    if isinstance(instance, PageViewRestriction):
        return None  # refuse
    if isinstance(instance, Site):
        return ("site",)
    model = instance._meta.label_lower
    if model.endswith("rendition"):
        return (f"image.{instance.image_id}",)
    if model.endswith("image"):
        return (f"image.{instance.pk}",)
    if model.endswith("document"):
        return (f"doc.{instance.pk}",)
    return ()


def _on_init(sender, instance, **kwargs):
    capture = _capture.get()
    if capture is None:
        return
    tags = _instance_tags(instance)
    if tags is None:
        capture.refused = True
    else:
        capture.tags.update(tags)


@hooks.register("on_serve_page")
def _mark_served_page(callback):
    def inner(page, request, serve_args, serve_kwargs):
        capture = _capture.get()
        if capture is not None:
            capture.page = page
            capture.tags.update(_served_page_tags(page))
        return callback(page, request, serve_args, serve_kwargs)

    return inner


# --- The shared invalidation journal -------------------------------------------------


class FileJournal:
    """Append-only file of invalidated tags, one invalidation per line."""

    def __init__(self, path):
        self.path = Path(path)

    def position(self):
        try:
            return os.stat(self.path).st_size
        except FileNotFoundError:
            return 0

    def append(self, tags):
        line = (" ".join(sorted(tags)) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def read_since(self, position):
        """(new position, tags invalidated since `position`); tags is None when the
        journal was removed or cut (then everything counts as invalidated)."""
        size = self.position()
        if size < position:
            return size, None
        if size == position:
            return position, set()
        with open(self.path, "rb") as handle:
            handle.seek(position)
            data = handle.read(size - position)
        end = data.rfind(b"\n") + 1  # a line being written is read next time
        tags = set(data[:end].decode("utf-8", "replace").split())
        return position + end, tags


class CacheJournal:
    """The same journal in a shared Django cache (Redis at scale)."""

    KEEP = 7 * 24 * 3600

    def __init__(self, cache, prefix="ztpc:journal"):
        self.cache, self.prefix = cache, prefix

    def position(self):
        return int(self.cache.get(f"{self.prefix}:n") or 0)

    def append(self, tags):
        self.cache.add(f"{self.prefix}:n", 0, timeout=None)
        number = self.cache.incr(f"{self.prefix}:n")
        self.cache.set(f"{self.prefix}:{number}", sorted(tags), timeout=self.KEEP)

    def read_since(self, position):
        last = self.position()
        if last < position:
            return last, None
        if last == position:
            return position, set()
        keys = [f"{self.prefix}:{n}" for n in range(position + 1, last + 1)]
        found = self.cache.get_many(keys)
        if len(found) < len(keys):
            return last, None  # lines expired: count everything as invalidated
        tags = set()
        for value in found.values():
            tags.update(value)
        return last, tags


def make_journal():
    if getattr(settings, "REDIS_URL", ""):
        from django.core.cache import caches

        return CacheJournal(caches["default"])
    path = getattr(settings, "PORTAL_CACHE_JOURNAL", "") or Path(settings.VAR_DIR) / (
        "portal-cache.journal"
    )
    return FileJournal(path)


# --- This process's pages ------------------------------------------------------------


@dataclass
class Entry:
    body: bytes
    headers: list
    tags: frozenset
    expires: float
    state: dict = field(default_factory=dict, repr=False)
    store: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        # The answer is prepared once; a hit copies it (see `_cached_response`).
        template = HttpResponse(self.body)
        for name, value in self.headers:
            template[name] = value
        template["X-Page-Cache"] = "hit"
        skip = {"headers", "_container", "cookies", "_resource_closers"}
        self.state = {k: v for k, v in template.__dict__.items() if k not in skip}
        self.store = dict(template.headers._store)
        # What `answer_before_django` hands to the WSGI server as it is.
        self.wsgi_headers = [*self.store.values(), ("Content-Length", str(len(self.body)))]


class PageStore:
    """The pages this process rendered, least recently used dropped first."""

    def __init__(self, journal, max_bytes):
        self.journal = journal
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.entries = OrderedDict()
        self.by_tag = {}
        self.size = 0
        self.position = journal.position()
        # What `remember` keeps: key -> (value, tags); a few dozen entries at most.
        self.memo = {}

    # Reading the journal
    def sync(self):
        """Apply invalidations other processes wrote; returns the journal position."""
        position = self.journal.position()
        if position == self.position:
            return position
        with self.lock:
            new_position, tags = self.journal.read_since(self.position)
            self.position = new_position
            if tags is None or "*" in tags:
                self._clear()
            else:
                self._evict_tags(tags)
            return new_position

    def invalidated_since(self, position, tags):
        """True if any of `tags` was invalidated after journal `position`."""
        _, since = self.journal.read_since(position)
        return since is None or "*" in since or not since.isdisjoint(tags)

    # The entries
    def get(self, key):
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry.expires < time.monotonic():
            with self.lock:
                self._drop(key)
            return None
        return entry

    def put(self, key, entry):
        with self.lock:
            self._drop(key)
            self.entries[key] = entry
            self.size += len(entry.body)
            for tag in entry.tags:
                self.by_tag.setdefault(tag, set()).add(key)
            while self.size > self.max_bytes and self.entries:
                self._drop(next(iter(self.entries)))

    def evict_tags(self, tags):
        with self.lock:
            self._evict_tags(tags)

    def clear(self):
        with self.lock:
            self._clear()

    def _evict_tags(self, tags):
        for tag in tags:
            for key in list(self.by_tag.get(tag, ())):
                self._drop(key)
        for key, (_value, kept_tags) in list(self.memo.items()):
            if not kept_tags.isdisjoint(tags):
                del self.memo[key]

    def _drop(self, key):
        entry = self.entries.pop(key, None)
        if entry is None:
            return
        self.size -= len(entry.body)
        for tag in entry.tags:
            keys = self.by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_tag[tag]

    def clear_pages(self):
        """Forget the pages but keep what `remember` holds (bench: an uncached render
        in a warm process)."""
        with self.lock:
            self.entries.clear()
            self.by_tag.clear()
            self.size = 0

    def _clear(self):
        self.entries.clear()
        self.by_tag.clear()
        self.size = 0
        self.memo.clear()


_store = None
_store_lock = threading.Lock()


def store():
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                _store = PageStore(
                    make_journal(), getattr(settings, "PORTAL_CACHE_BYTES", 64 << 20)
                )
    return _store


def reset():
    """Forget this process's pages and re-open the journal (tests, settings changes)."""
    global _store
    with _store_lock:
        _store = None


# --- Process memory for what every page shows ---------------------------------------


def remember(key, compute, tags=()):
    """`compute()`, kept in this process until something it shows is invalidated.

    For what nearly every public page shows and rarely changes (the site of a host
    name, its home page, the navigation, the site settings): an uncached render then
    starts from these instead of a query each. The value's tags are `tags` plus what
    the automatic capture sees while computing it (every page, unit, image … created),
    and they are added to the page being rendered, so a cached page that used a kept
    value is invalidated with it. The same journal drives both, so every process
    forgets a value when any one invalidates it. Only while the page cache is on (its
    journal is written only then); otherwise `compute()` runs every time.

    Values are shared between requests: never change one after it is returned."""
    if not enabled():
        return compute()
    kept_in = store()
    start = kept_in.sync()
    found = kept_in.memo.get(key)
    if found is not None:
        depends_on(*found[1])
        return found[0]
    inner = Capture()
    token = _capture.set(inner)
    try:
        value = compute()
    finally:
        _capture.reset(token)
    all_tags = frozenset(inner.tags | set(tags))
    depends_on(*all_tags)
    if inner.refused:  # it read a view restriction: neither kept nor stored
        do_not_cache()
        return value
    if not kept_in.invalidated_since(start, all_tags):
        with kept_in.lock:
            kept_in.memo[key] = (value, all_tags)
    return value


# --- Invalidation --------------------------------------------------------------------


def enabled():
    return getattr(settings, "PORTAL_CACHE", True)


def invalidate_now(tags):
    tags = {tag for tag in tags if tag and " " not in tag}
    if not tags:
        return
    if enabled():
        current = store()
        current.journal.append(tags)
        current.sync()
    static_pages.remove_tags(tags)


def invalidate(tags):
    """Invalidate `tags` once the current transaction commits (at once outside one)."""
    tags = set(tags)
    transaction.on_commit(lambda: invalidate_now(tags), robust=True)


def invalidate_all():
    invalidate_now({"*"})


def _page_changed(sender, instance, **kwargs):
    invalidate(tags_for_page(instance))


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.path:
        invalidate(tags_for_page(instance))


def _page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    tags = tags_for_page(instance, parent_path=parent_page_before.path)
    tags |= tags_for_page(instance, parent_path=parent_page_after.path)
    invalidate(tags)


def _unit_saved(sender, instance, **kwargs):
    invalidate({f"unit.{instance.pk}", "units"})


def _settings_saved(sender, instance, **kwargs):
    invalidate({"settings"})


def _site_saved(sender, instance, **kwargs):
    invalidate({"*"})


def _entry_saved(sender, instance, **kwargs):
    tags = {f"entry.{instance.pk}", "catalogue"}
    if instance.page_id:
        tags.add(f"page.{instance.page_id}")
    invalidate(tags)


def _restriction_saved(sender, instance, **kwargs):
    from wagtail.models import Page

    # "restrictions": what `remember` keeps about view restrictions (portal/routing.py).
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:
        invalidate({f"page.{instance.page_id}", "restrictions"})
    else:
        invalidate({f"sub.{page.path}", "restrictions"} | tags_for_page(page))


def _image_saved(sender, instance, **kwargs):
    invalidate({f"image.{instance.pk}"})


def _rendition_deleted(sender, instance, **kwargs):
    invalidate({f"image.{instance.image_id}"})


def _document_saved(sender, instance, **kwargs):
    invalidate({f"doc.{instance.pk}"})


def _settings_changed(setting, **kwargs):
    if setting.startswith("PORTAL_") or setting in ("REDIS_URL", "VAR_DIR"):
        reset()
    if setting == "ALLOWED_HOSTS":
        _hosts.clear()


def _connect():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site, get_page_models

    from zhengtong.org.models import Unit

    from . import models as m

    image_model = get_image_model()
    rendition_model = image_model.get_rendition_model()
    document_model = get_document_model()
    watched = {Page, *get_page_models(), Unit, m.SiteSettings, m.CatalogueEntry}
    watched |= {PageViewRestriction, Site, image_model, rendition_model, document_model}
    for model in watched:
        post_init.connect(_on_init, sender=model, weak=False, dispatch_uid=f"ztpc-init-{model}")
    page_published.connect(_page_changed, weak=False, dispatch_uid="ztpc-published")
    page_unpublished.connect(_page_changed, weak=False, dispatch_uid="ztpc-unpublished")
    post_page_move.connect(_page_moved, weak=False, dispatch_uid="ztpc-moved")
    post_delete.connect(_page_deleted, sender=Page, weak=False, dispatch_uid="ztpc-deleted")
    for sender, receiver in (
        (Unit, _unit_saved),
        (m.SiteSettings, _settings_saved),
        (Site, _site_saved),
        (m.CatalogueEntry, _entry_saved),
        (PageViewRestriction, _restriction_saved),
        (image_model, _image_saved),
        (document_model, _document_saved),
    ):
        uid = f"ztpc-{sender._meta.label_lower}"
        post_save.connect(receiver, sender=sender, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(receiver, sender=sender, weak=False, dispatch_uid=uid + "-delete")
    setting_changed.connect(_settings_changed, weak=False, dispatch_uid="ztpc-settings")
    post_delete.connect(
        _rendition_deleted, sender=rendition_model, weak=False, dispatch_uid="ztpc-rendition"
    )


_connect()

# --- The middleware ------------------------------------------------------------------

_STRIP_HEADERS = {"set-cookie", "content-length"}
_hosts: dict[str, Any] = {}  # Host headers already checked against ALLOWED_HOSTS


def _wsgi_path(meta):
    """The request's path as Django's `request.path` has it (WSGI strings are bytes
    decoded as Latin-1; the path itself is UTF-8)."""
    path = meta.get("SCRIPT_NAME", "") + meta.get("PATH_INFO", "/")
    try:
        return path.encode("latin-1").decode()
    except UnicodeEncodeError:  # already text (Django's test client)
        return path
    except UnicodeDecodeError:  # not UTF-8: Django answers it
        return None


def _is_secure(meta):
    """`request.is_secure()` read from the WSGI environment."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, secure_value = proxy
        value = meta.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return meta.get("wsgi.url_scheme") == "https"


def _request_key(meta, request=None):
    """The cache key of an eligible request (its WSGI environment), else None.

    Without `request` (before Django has built one), a Host header not yet checked
    against ALLOWED_HOSTS gives None: Django then checks it, and the middleware
    remembers the answer for the next request."""
    if meta.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    path = _wsgi_path(meta)
    if path is None or path.startswith(NEVER_PREFIXES) or "HTTP_AUTHORIZATION" in meta:
        return None
    query = meta.get("QUERY_STRING", "")
    if query and not (query.startswith("page=") and query[5:].isdigit() and len(query) < 10):
        return None
    if "HTTP_COOKIE" in meta:
        cookies = parse_cookie(meta["HTTP_COOKIE"])
        if settings.SESSION_COOKIE_NAME in cookies:
            return None
        language = cookies.get(settings.LANGUAGE_COOKIE_NAME)
        if language and language != settings.LANGUAGE_CODE:
            return None
    if settings.SECURE_SSL_REDIRECT and not _is_secure(meta):
        return None
    raw = meta.get("HTTP_HOST")
    host = _hosts.get(raw)
    if host is None:
        if request is None:
            return None
        try:
            host = request.get_host()  # checks ALLOWED_HOSTS
        except DisallowedHost:
            return None
        if raw and len(_hosts) < 100:
            _hosts[raw] = host
    return f"{host}{path}?{query}" if query else f"{host}{path}"


def _storable(request, response, capture):
    if capture.page is None or capture.refused or response.status_code != 200:
        return False
    if response.streaming or response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return False
    if "nonce-" in response.get("Content-Security-Policy", ""):
        return False
    return True


def _cached_response(entry):
    """A fresh HttpResponse for a hit, copied from the one prepared when the page was
    kept: setting each header again (Django checks and encodes every one) would cost
    more than the rest of the hit."""
    response = HttpResponse.__new__(HttpResponse)
    response.__dict__.update(entry.state)
    headers = ResponseHeaders.__new__(ResponseHeaders)
    headers._store = entry.store.copy()
    response.headers = headers
    response._container = [entry.body]
    response.cookies = SimpleCookie()
    response._resource_closers = []
    return response


def _preset_site(request):
    from .routing import preset_site

    preset_site(request)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        key = _request_key(request.META, request)
        if key is None:
            if not request.path.startswith(NEVER_PREFIXES):
                _preset_site(request)
            return self.get_response(request)
        pages = store()
        start = pages.sync()
        entry = pages.get(key)
        if entry is not None:
            return _cached_response(entry)
        capture = Capture()
        token = _capture.set(capture)
        try:
            _preset_site(request)  # the site and its home page from memory (routing.py)
            response = self.get_response(request)
        finally:
            _capture.reset(token)
        if request.method == "GET" and _storable(request, response, capture):
            self._store(pages, key, request, response, capture.tags, start)
        return response

    def _store(self, pages, key, request, response, tags, start):
        tags = frozenset(tags)
        if pages.invalidated_since(start, tags):
            return
        headers = [(k, v) for k, v in response.items() if k.lower() not in _STRIP_HEADERS]
        seconds = getattr(settings, "PORTAL_CACHE_SECONDS", 3600)
        pages.put(key, Entry(response.content, headers, tags, time.monotonic() + seconds))
        written = None
        if "?" not in key:
            host, _port = split_domain_port(request.get_host())
            written = static_pages.write(host, request.path, response.content, tags)
        # An invalidation may have run while we stored: check again, and undo.
        if pages.invalidated_since(start, tags):
            pages.evict_tags(tags)
            if written is not None:
                static_pages.remove(host, request.path)


def answer_before_django(application):
    """WSGI wrapper (zhengtong/wsgi.py): a page this process keeps is answered from
    the WSGI environment, before Django builds a request and sends its signals. A hit
    then costs a few microseconds instead of ~50 (the embedded server's rate is the
    issue's target); everything else, and every miss, goes to Django as before, where
    `PublicPageCacheMiddleware` applies the same rules."""

    def cached_pages_first(environ, start_response):
        if enabled():
            key = _request_key(environ)
            if key is not None:
                pages = store()
                pages.sync()
                entry = pages.get(key)
                if entry is not None:
                    start_response("200 OK", entry.wsgi_headers)
                    return [entry.body]
        return application(environ, start_response)

    return cached_pages_first
