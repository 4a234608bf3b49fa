"""Indexing and searching, for every subsystem and for the public site.

    from zhengtong.search import engine
    engine.index("documents.document", doc.pk, title=..., text=..., url=..., unit=..., public=False)
    results = engine.search("一网通办 实施意见", person=request.user, object_type="documents.document")

Text is segmented with jieba (`cut_for_search`) plus the county's dictionary of
government terms (search/dict.txt), the query with jieba's precise mode; every query
word must occur. SQLite: an FTS5 table kept in step with the entries by triggers,
ranked with bm25. PostgreSQL: a GIN index on `to_tsvector('simple', tokens)`, ranked
with ts_rank. The public only ever finds entries marked public; staff find public
entries, their units' entries, and whatever the owning subsystem's visibility hook
lets them see.
"""

import datetime
import html
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

from django.conf import settings
from django.db import connection, transaction

from zhengtong.core.access import Person

from .models import SearchEntry

_jieba_lock = threading.Lock()
_jieba: Any = None  # jieba's tokenizer (untyped), loaded on first use
# A visibility hook: (person, entries of one type) -> ids of the entries the person may see.
VisibilityHook: TypeAlias = Callable[[Person, list[SearchEntry]], Iterable[int]]
_visibility: dict[str, VisibilityHook] = {}
WORD = re.compile(r"[\w\u4e00-\u9fff]+")


def _tokenizer() -> Any:
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at DEBUG
                cache_dir = Path(getattr(settings, "VAR_DIR", "/tmp")) / "jieba"
                cache_dir.mkdir(parents=True, exist_ok=True)
                tokenizer = jieba.Tokenizer()
                tokenizer.tmp_dir = str(cache_dir)
                tokenizer.load_userdict(str(Path(__file__).with_name("dict.txt")))
                _jieba = tokenizer
    return _jieba


def _clean(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        word = word.strip().lower()
        if word and WORD.fullmatch(word) and word not in out:
            out.append(word)
    return out


def segment(text: str | None) -> str:
    """Text as space-separated search words (fine-grained, for the index)."""
    return " ".join(_clean(_tokenizer().cut_for_search(text or "")))


def query_words(query: str | None) -> list[str]:
    """The words of a query (precise mode: each one also occurs in the index)."""
    return _clean(_tokenizer().cut(query or ""))[:12]


def register_visibility(object_type: str, func: VisibilityHook) -> None:
    """`func(person, entries) -> set of entry ids the person may see` for entries of
    `object_type` that are neither public nor of the person's units."""
    _visibility[object_type] = func


@transaction.atomic
def index(
    object_type: str,
    object_id: object,
    *,
    title: str,
    text: str | None = "",
    url: str,
    unit: Any = None,
    public: bool = False,
    date: datetime.date | None = None,
) -> SearchEntry:
    """Add or refresh one entry (idempotent)."""
    entry, _created = SearchEntry.objects.update_or_create(
        object_type=object_type,
        object_id=str(object_id),
        defaults={
            "title": title[:300],
            "text": (text or "")[:20000],
            "url": url,
            "unit": unit,
            "public": public,
            "date": date,
            "tokens": segment(f"{title}\n{text or ''}"),
        },
    )
    return entry


def remove(object_type: str, object_id: object) -> None:
    SearchEntry.objects.filter(object_type=object_type, object_id=str(object_id)).delete()


@dataclass
class Hit:
    entry: SearchEntry
    score: float
    snippet: str


def _candidate_ids(words: list[str], limit: int) -> list[tuple[int, float]]:
    if connection.vendor == "sqlite":
        match = " ".join('"' + w.replace('"', "") + '"' for w in words)
        sql = (
            "SELECT rowid, bm25(search_fts) FROM search_fts WHERE search_fts MATCH %s "
            "ORDER BY bm25(search_fts) LIMIT %s"
        )
        params: list[str | int] = [match, limit]
    else:
        tsquery = " & ".join(w.replace("'", "").replace("\\", "") for w in words)
        sql = (
            "SELECT id, ts_rank(to_tsvector('simple', tokens), to_tsquery('simple', %s)) AS r "
            "FROM search_searchentry WHERE to_tsvector('simple', tokens) @@ to_tsquery('simple', %s) "
            "ORDER BY r DESC LIMIT %s"
        )
        params = [tsquery, tsquery, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # bm25: lower is better; ts_rank: higher is better. Return (id, score-higher-better).
    return [(pk, -score if connection.vendor == "sqlite" else score) for pk, score in rows]


def _visible(entries: list[SearchEntry], person: Person, public_only: bool) -> set[int]:
    if public_only or person is None or not getattr(person, "is_authenticated", False):
        return {e.pk for e in entries if e.public}
    from zhengtong.org.permissions import unit_ids_of

    mine = unit_ids_of(person)
    visible = {e.pk for e in entries if e.public or (e.unit_id in mine)}
    rest = [e for e in entries if e.pk not in visible]
    by_type: dict[str, list[SearchEntry]] = {}
    for e in rest:
        by_type.setdefault(e.object_type, []).append(e)
    for object_type, group in by_type.items():
        hook = _visibility.get(object_type)
        if hook:
            visible |= set(hook(person, group))
    return visible


def snippet(text: str | None, words: list[str], width: int = 60) -> str:
    """A piece of `text` around the first query word, the words marked with <mark>."""
    text = text or ""
    lower = text.lower()
    first = min((lower.find(w) for w in words if lower.find(w) >= 0), default=0)
    start = max(0, first - width // 3)
    piece = text[start : start + width]
    escaped = html.escape(piece)
    for word in sorted(words, key=len, reverse=True):
        escaped = re.sub(
            re.escape(html.escape(word)),
            lambda m: f"<mark>{m.group(0)}</mark>",
            escaped,
            flags=re.IGNORECASE,
        )
    return ("…" if start else "") + escaped + ("…" if start + width < len(text) else "")


def search(
    query: str | None,
    *,
    person: Person = None,
    public_only: bool = False,
    object_type: str | Iterable[str] | None = None,
    unit: Any = None,
    year: int | str | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Ranked hits the reader may see, with highlighted snippets. `object_type`: one
    type ("portal.page") or several (a tuple)."""
    words = query_words(query)
    if not words:
        return []
    candidates = _candidate_ids(words, limit * 5)
    if not candidates:
        return []
    scores = dict(candidates)
    matching = SearchEntry.objects.filter(pk__in=scores)
    if isinstance(object_type, list | tuple | set | frozenset):
        matching = matching.filter(object_type__in=object_type)
    elif object_type:
        matching = matching.filter(object_type=object_type)
    if unit is not None:
        matching = matching.filter(unit=unit)
    if year:
        matching = matching.filter(date__year=year)
    entries = list(matching)
    allowed = _visible(entries, person, public_only)
    hits = [
        Hit(e, scores[e.pk], snippet(e.text or e.title, words)) for e in entries if e.pk in allowed
    ]
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[:limit]
