"""Operations on online applications and their cases (办件), docs/conformance.md SRV-4–SRV-13.

The applicant (a public user, never a staff account) writes a draft, uploads one file
per material slot of the guide, and submits; the unit's staff take the case through
intake (accept, refuse, or one one-time notice 一次告知), the substantive check by two
different people, special steps that pause the clock, an extension once by the head,
the decision and the delivery of the result; the applicant rates the completed case
(好差评) and every bad rating opens a rectification for the unit.

Each staff operation takes the acting person first and checks its rule
(`services/rules.py`); applicant operations take the `PublicUser` first and refuse any
application that is not theirs as NotFound (nobody learns that it exists). Every
operation runs in one transaction with the application row locked
(select_for_update) and its state checked, so two staff doing the same step at the
same moment get one success and one Conflict; it writes the audit trail and the case
timeline, and keeps the case's work items in step with its state (`_sync_items`).
Deadlines are working days through `core.calendar` (行政许可法 Art. 82).

The operations live in `services/operations/`, one module per side (the online form,
the applicant, the handling, the ratings); this module re-exports them.
"""

from .operations.applicant import (
    APPLICANT_FIELDS,
    MATERIAL_TYPES,
    _applicant_errors,
    applications_of,
    find_for_progress,
    get_own,
    missing_materials,
    save_draft,
    submit,
    supply_after_notice,
    upload_material,
    withdraw,
)
from .operations.common import (
    INTAKE_DAYS,
    KIND_DECIDE,
    KIND_DELIVER,
    KIND_INTAKE,
    KIND_RECTIFY,
    KIND_REVIEW,
    KIND_SPECIAL,
    NOTE_MAX,
    REVIEWERS_NEEDED,
    STEP_KINDS,
    _site_language,
    _text,
    case_url,
)
from .operations.handling import (
    DEFAULT_DECISION_DAYS,
    DELIVERY_DAYS,
    EXTENSION_DAYS,
    MAX_SPECIAL_DAYS,
    REMEDY_NOTICE,
    accept,
    decide,
    deem_accepted,
    deliver,
    end_special_step,
    escalate_overdue,
    extend,
    refuse_at_intake,
    review,
    send_one_time_notice,
    start_special_step,
)
from .operations.online_form import (
    ADDRESS_MAX,
    KEY_RE,
    MAX_FIELDS,
    TABLE_MAX_ROWS,
    TEXT_MAX,
    TEXTAREA_MAX,
    FormErrors,
    clean_answers,
    clean_form_fields,
    online_form,
    save_form,
    visible,
)
from .operations.ratings import (
    RECTIFY_DAYS,
    rate,
    rating_statistics,
    record_rectification,
)

__all__ = [
    "ADDRESS_MAX",
    "APPLICANT_FIELDS",
    "DEFAULT_DECISION_DAYS",
    "DELIVERY_DAYS",
    "EXTENSION_DAYS",
    "FormErrors",
    "INTAKE_DAYS",
    "KEY_RE",
    "KIND_DECIDE",
    "KIND_DELIVER",
    "KIND_INTAKE",
    "KIND_RECTIFY",
    "KIND_REVIEW",
    "KIND_SPECIAL",
    "MATERIAL_TYPES",
    "MAX_FIELDS",
    "MAX_SPECIAL_DAYS",
    "NOTE_MAX",
    "RECTIFY_DAYS",
    "REMEDY_NOTICE",
    "REVIEWERS_NEEDED",
    "STEP_KINDS",
    "TABLE_MAX_ROWS",
    "TEXTAREA_MAX",
    "TEXT_MAX",
    "_applicant_errors",
    "_site_language",
    "_text",
    "accept",
    "applications_of",
    "case_url",
    "clean_answers",
    "clean_form_fields",
    "decide",
    "deem_accepted",
    "deliver",
    "end_special_step",
    "escalate_overdue",
    "extend",
    "find_for_progress",
    "get_own",
    "missing_materials",
    "online_form",
    "rate",
    "rating_statistics",
    "record_rectification",
    "refuse_at_intake",
    "review",
    "save_draft",
    "save_form",
    "send_one_time_notice",
    "start_special_step",
    "submit",
    "supply_after_notice",
    "upload_material",
    "visible",
    "withdraw",
]
