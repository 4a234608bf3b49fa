"""The one search index of the platform (docs/architecture.md: `search`).

Every subsystem indexes what it wants found through `search.index()`; the text is kept
for snippets and, segmented by jieba, in `tokens`, which the database's full-text
engine indexes (SQLite FTS5 or PostgreSQL `to_tsvector('simple', ...)`, see
`search/engine.py`): those engines treat a run of Chinese characters as one word, so
only segmented text is searchable (STACK-NOTES.md).
"""

from django.db import models


class SearchEntry(models.Model):
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    tokens = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    public = models.BooleanField(default=False)
    date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id"], name="search_entry_unique")
        ]
        indexes = [models.Index(fields=["object_type", "date"], name="search_type_date")]

    def __str__(self) -> str:
        return self.title
