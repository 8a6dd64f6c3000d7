"""Who may do what with the documents (django-rules), shared by the views, the templates (as
``can_*`` flags) and the services (re-checked under the row lock). Built from the core's
``coordinates_programme``; which documents a person may see at all is
``documents.selectors.documents_visible_to`` (an outsider gets a 404)."""

from __future__ import annotations

import rules

from curiouslab.accounts.rules import coordinates_programme, is_coordinator
from documents.enums import DocumentStatus


@rules.predicate
def document_ready(user, document) -> bool:
    return document is not None and document.status == DocumentStatus.READY


@rules.predicate
def document_failed(user, document) -> bool:
    return document is not None and document.status == DocumentStatus.FAILED


@rules.predicate
def document_live(user, document) -> bool:
    """Not revoked: a revoked document stays downloadable by its coordinators only."""
    return document is not None and document.revoked_at is None


rules.add_perm("documents.list_documents", is_coordinator)
# A cohort or a programme whose documents, templates and branding the user manages.
rules.add_perm("documents.manage_documents", coordinates_programme)
rules.add_perm(
    "documents.download_document", document_ready & (coordinates_programme | document_live)
)
rules.add_perm("documents.retry_document", coordinates_programme & document_failed & document_live)
rules.add_perm("documents.revoke_document", coordinates_programme & document_live)
