"""The website's operations, gathered from their modules (as core/services.py does):
review workflow (workflow.py), pre-publication checks (checks.py), the disclosure
catalogue and the hand-off from official documents (catalogue.py), investor enquiries
(enquiries.py)."""

from .catalogue import (  # noqa: E402,F401
    accept_disclosed_document,
    catalogue_page,
    file_disclosure_work_items,
)
from .checks import check_page  # noqa: E402,F401
from .cms_permissions import sync_all as sync_cms_permissions  # noqa: E402,F401
from .enquiries import answer_enquiry, submit_enquiry  # noqa: E402,F401
from .workflow import act_on_review, ensure_review_workflow, publish_approved  # noqa: E402,F401
