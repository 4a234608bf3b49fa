"""The guide check: the 8 key elements the website inspection looks for (docs/conformance.md
SRV-1, SRV-2) and the failure patterns of the national spot checks (vague catch-all
materials, steps without their requirements, missing time limit, fee or contact).

A missing key element blocks publication; a warning is shown but does not."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import ServiceItem

# The 8 key element classes of the 2015 普查 carried into the 2019 检查指标 (§5.2).
KEY_ELEMENTS = [
    ("name", _("item name (事项名称)")),
    ("legal_basis", _("legal basis (设定依据)")),
    ("conditions", _("conditions (申请条件)")),
    ("materials", _("materials (办理材料)")),
    ("place", _("place (办理地点)")),
    ("hours", _("hours (办理时间)")),
    ("phone", _("contact telephone (联系电话)")),
    ("steps", _("steps (办理流程)")),
]

# Catch-all material items banned by several provinces' guide-writing rules (§7.2).
VAGUE_MATERIAL = re.compile(
    r"其他(相关)?(的)?材料|其它(相关)?材料|等材料|相关材料|需要提交的(其他)?材料|"
    r"其他.{0,12}(规定|要求).{0,6}材料|有关材料"
)


@dataclass(frozen=True)
class Problem:
    """One finding: `missing` (a key element; blocks publication) or `warning`."""

    severity: str  # "missing" | "warning"
    element: str  # field name or "materials[2]" etc.
    message: "str | Promise"

    @property
    def blocks(self) -> bool:
        return self.severity == "missing"

    def __str__(self) -> str:
        return str(self.message)


def _blank(value: str | None) -> bool:
    return not (value or "").strip()


def _rows(item: "ServiceItem", name: str, prefetched: Mapping[str, Any] | None) -> list[Any]:
    """Rows of a relation: from `prefetched` (unsaved candidate values) or the database."""
    if prefetched is not None and name in prefetched:
        return prefetched[name]
    return list(getattr(item, name).all())


def guide_problems(item: "ServiceItem", *, rows: Mapping[str, Any] | None = None) -> list[Problem]:
    """The missing key elements and the warnings of a guide, key elements first.

    `rows` may hold candidate {"materials": [...], "steps": [...]} (objects or dicts
    with the model's field names) to check a change before it is saved."""
    materials = _rows(item, "materials", rows)
    steps = _rows(item, "steps", rows)
    present = {
        "name": not _blank(item.name),
        "legal_basis": not _blank(item.legal_basis),
        "conditions": not _blank(item.conditions),
        "materials": bool(materials),
        "place": not _blank(item.place),
        "hours": not _blank(item.hours),
        "phone": not _blank(item.phone),
        "steps": bool(steps),
    }
    problems = [
        Problem("missing", key, _("The guide has no %(element)s.") % {"element": label})
        for key, label in KEY_ELEMENTS
        if not present[key]
    ]

    def field(row, name):
        return row.get(name) if isinstance(row, dict) else getattr(row, name)

    for i, material in enumerate(materials, start=1):
        name = field(material, "name") or ""
        if VAGUE_MATERIAL.search(name):
            problems.append(
                Problem(
                    "warning",
                    f"materials[{i}]",
                    _(
                        "Material %(n)d “%(name)s” is a vague catch-all: name each material "
                        "the applicant must bring."
                    )
                    % {"n": i, "name": name},
                )
            )
    for i, step in enumerate(steps, start=1):
        if _blank(field(step, "description")):
            problems.append(
                Problem(
                    "warning",
                    f"steps[{i}]",
                    _("Step %(n)d “%(name)s” does not say what happens in it.")
                    % {"n": i, "name": field(step, "name")},
                )
            )
    if item.statutory_limit is None:
        problems.append(
            Problem("warning", "statutory_limit", _("The statutory time limit is not given."))
        )
    if item.promised_limit is None:
        problems.append(
            Problem("warning", "promised_limit", _("The promised time limit is not given."))
        )
    if item.fee_charged and (_blank(item.fees) or _blank(item.fee_basis)):
        problems.append(
            Problem("warning", "fees", _("A fee is charged: give the fees and their basis."))
        )
    if _blank(item.complaint_channel):
        problems.append(
            Problem("warning", "complaint_channel", _("The complaint channel is not given."))
        )
    if _blank(item.result_name):
        problems.append(Problem("warning", "result_name", _("The result is not named.")))
    return problems


def missing_elements(
    item: "ServiceItem", *, rows: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Only the missing key elements (what blocks publication)."""
    return [p for p in guide_problems(item, rows=rows) if p.blocks]
