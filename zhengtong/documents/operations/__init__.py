"""The operations on official documents, one module per subject; `documents.services`
re-exports the public ones."""
