"""Published service guides in the platform's one search index (search/engine.py).

Only published guides are indexed, as public entries under the implementing unit, with
the guide's public address (/bsfw/sx/<implementation code>/); withdrawing removes the
entry, so neither the public nor the site search ever finds a draft or withdrawn guide.
"""

from typing import TYPE_CHECKING

from zhengtong.search import engine

if TYPE_CHECKING:
    from .models import ServiceItem

OBJECT_TYPE = "services.serviceitem"


def guide_text(item: "ServiceItem") -> str:
    """The searchable text of a guide, the most telling parts first (snippets start
    there): type, events, conditions, materials, steps, basis, place, FAQ."""
    parts = [
        item.get_item_type_display(),
        " ".join(e.name for e in item.events.all()),
        item.conditions,
        "\n".join(m.name for m in item.materials.all()),
        "\n".join(f"{s.name} {s.description}" for s in item.steps.all()),
        item.result_name,
        item.legal_basis,
        item.place,
        "\n".join(f"{f.question} {f.answer}" for f in item.faqs.all()),
        item.basic_code,
        item.implementation_code,
    ]
    return "\n".join(p for p in parts if p)


def index_item(item: "ServiceItem") -> object:
    """Index a published guide; take anything else out of the index."""
    if not item.is_public:
        engine.remove(OBJECT_TYPE, item.pk)
        return None
    return engine.index(
        OBJECT_TYPE,
        item.pk,
        title=item.name,
        text=guide_text(item),
        url=item.get_absolute_url(),
        unit=item.unit,
        public=True,
        date=item.published_at.date() if item.published_at else None,
    )


def matching_ids(query: str, *, limit: int = 1000) -> list[int]:
    """Ids of published items whose guide matches the query words."""
    hits = engine.search(query, public_only=True, object_type=OBJECT_TYPE, limit=limit)
    return [int(h.entry.object_id) for h in hits]
