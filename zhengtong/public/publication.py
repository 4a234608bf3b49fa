"""Text the public wrote, prepared for publication on the website: published letters
and their replies, consultation comments (docs/conformance.md SEC-16, issue 5 "personal data
removed ... masked automatically, then checked by the reviewer").

`mask_for_publication` applies core.masking's functions in order: ID and mobile numbers,
the writer's own name and business name, the detailed part of addresses (the area down
to the town stays), other personal names (王某某), leaving the county's unit and place
names alone. The result is a proposal: the reviewer checks it (letters) or the unit
moderates it (comments).
"""

from collections.abc import Iterable

from zhengtong.core.masking import (
    mask_addresses,
    mask_name,
    mask_person_name,
    mask_person_names,
    mask_text,
)


def keep_words() -> list[str]:
    """Words the name masking leaves alone: the county's unit names, their short names
    and the place names they carry (城关镇人民政府 -> 城关镇). Longest first."""
    from zhengtong.org.models import Unit

    words: set[str] = set()
    for name, short_name in Unit.objects.values_list("name", "short_name"):
        for word in (name, short_name, (name or "").removesuffix("人民政府")):
            if word and len(word) >= 2:
                words.add(word)
    return sorted(words, key=len, reverse=True)


def mask_for_publication(
    text: str | None,
    *,
    names: Iterable[str | None] = (),
    organisations: Iterable[str | None] = (),
    keep: Iterable[str | None] | None = None,
) -> str:
    """`text` with personal data masked for publication.

    `names` are people known to be in the text (the writer, the commenter): replaced
    wherever they occur, even where the name recogniser would miss them;
    `organisations` (the writer's business) likewise. `keep` defaults to `keep_words()`;
    pass it when masking many texts at once."""
    text = mask_text(text or "")
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            text = text.replace(name, mask_person_name(name))
    for organisation in organisations:
        organisation = (organisation or "").strip()
        if len(organisation) >= 2:
            text = text.replace(organisation, mask_name(organisation))
    text = mask_addresses(text)
    return mask_person_names(text, keep=keep_words() if keep is None else keep)
