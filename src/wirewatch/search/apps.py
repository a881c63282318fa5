from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "wirewatch.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from wirewatch.archive import derived
        from wirewatch.archive.signals import versions_stored
        from wirewatch.search.receivers import DOCUMENT, index_stored_versions

        versions_stored.connect(index_stored_versions, dispatch_uid="wirewatch.search.index_batch")
        derived.register(DOCUMENT, "wirewatch.search.analysis:version_document")

        from wirewatch.api import exports
        from wirewatch.search import spec  # noqa: F401 - registers GET /api/v1/search in the OpenAPI spec
        from wirewatch.search.narrow import narrow

        exports.QUERY_FILTER = narrow  # exports' q= speaks the search language
