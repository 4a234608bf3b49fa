"""Operations on official documents: draft, submit along a route, review, countersign,
office review, sign-off, issue (number + distribute), sign for, withdraw, incoming
documents, archive, Word import.

Each takes the acting person first, checks permission through `org.permissions`,
changes state in one transaction, writes the audit trail and the document's own trail,
and opens or closes work items through the kernel. Rules: docs/conformance.md DOC (公文处理工作
条例) and DOC-2 (no classified material on this system).

The operations live in `documents/operations/` by subject (drafting, review, issue,
incoming, archive, word_import) and the reads in `documents/selectors.py`; this module
re-exports them so that `from zhengtong.documents import services` keeps working.
"""

from .models import Distribution, Document, IncomingRecord, Retention
from .operations.archive import archive_document, archive_incoming, export_archive, fonds_of
from .operations.common import (
    BODY_TAGS,
    CLASSIFIED_MARK,
    CLOSE_KIND,
    HANDLE_KIND,
    INSTRUCT_KIND,
    PROPOSE_KIND,
    READ_KIND,
    SIGN_FOR_KIND,
    WORK_ITEM_KIND,
    clean_body,
    document_url,
    take_number,
)
from .operations.drafting import EDITABLE, check_elements, create_draft, update_draft, version_diff
from .operations.incoming import (
    close_incoming,
    finish_task,
    incoming_url,
    instruct,
    pending_task_for,
    propose,
    register_external,
    return_to_sender,
)
from .operations.issue import issue, mark_disclosure_taken, sign_for, sign_for_days, withdraw
from .operations.review import (
    amend_signed,
    approve,
    pending_step_for,
    route_default_for,
    send_back,
    set_route_default,
    submit,
)
from .operations.word_import import HEADING_LEVELS, docx_to_html, import_docx
from .selectors import (
    get_document,
    get_incoming,
    pending_disclosures,
    unit_statistics,
    units_for_choice,
)

__all__ = [
    "BODY_TAGS",
    "CLASSIFIED_MARK",
    "CLOSE_KIND",
    "Distribution",
    "Document",
    "EDITABLE",
    "HANDLE_KIND",
    "HEADING_LEVELS",
    "INSTRUCT_KIND",
    "IncomingRecord",
    "PROPOSE_KIND",
    "READ_KIND",
    "Retention",
    "SIGN_FOR_KIND",
    "WORK_ITEM_KIND",
    "amend_signed",
    "approve",
    "archive_document",
    "archive_incoming",
    "check_elements",
    "clean_body",
    "close_incoming",
    "create_draft",
    "document_url",
    "docx_to_html",
    "export_archive",
    "finish_task",
    "fonds_of",
    "get_document",
    "get_incoming",
    "import_docx",
    "incoming_url",
    "instruct",
    "issue",
    "mark_disclosure_taken",
    "pending_disclosures",
    "pending_step_for",
    "pending_task_for",
    "propose",
    "register_external",
    "return_to_sender",
    "route_default_for",
    "send_back",
    "set_route_default",
    "sign_for",
    "sign_for_days",
    "submit",
    "take_number",
    "unit_statistics",
    "units_for_choice",
    "update_draft",
    "version_diff",
    "withdraw",
]
