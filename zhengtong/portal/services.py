"""The website's operations, gathered from their modules (as core/services.py does):
review workflow (workflow.py), pre-publication checks (checks.py), the disclosure
catalogue and the hand-off from official documents (catalogue.py), investor enquiries
(enquiries.py)."""
