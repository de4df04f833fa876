"""The document types of the records that exist today; each module registers its own."""

from kyodo.documents.types import payments, projects, proposals, registry, review, stats  # noqa: F401
