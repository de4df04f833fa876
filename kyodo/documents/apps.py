from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Every paper form of the programme as PDF and Word, from one context per document."""

    name = "kyodo.documents"
    label = "documents"
    verbose_name = "帳票（PDF・Word）"

    def ready(self) -> None:
        # The document types register themselves (kyodo.documents.registry).
        from kyodo.documents import types  # noqa: F401
