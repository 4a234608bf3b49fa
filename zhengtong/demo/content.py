"""The demo county's literal content, read from the TOML files in `zhengtong/demo/data/`
(docs/adr/0015-demo-data-files.md).

The loaders keep the logic (what is created, in which order, through which operation);
the files keep the words (titles, texts, names, guides). A loader reads its file once:

    _data = content.load("services")
    ITEMS = _data["items"]
"""

from __future__ import annotations

import functools
import string
import tomllib
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The parsed `data/<name>.toml` (cached: the files do not change while running)."""
    with (DATA_DIR / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


def rows(items: list[list[Any]]) -> list[tuple[Any, ...]]:
    """TOML has no tuples: rows written as arrays, read back as the tuples the code
    unpacks and compares."""
    return [tuple(item) for item in items]


def fill(template: str, **values: Any) -> str:
    """`template` with its `{name}` fields filled (str.format without attribute or index
    access, so a data file cannot reach into the objects it is given)."""
    out = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        out.append(literal)
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"demo text field {{{field}}} is not a plain name")
        out.append(str(values[field]))
    return "".join(out)
