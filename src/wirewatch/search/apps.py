from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "wirewatch.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from wirewatch.archive.signals import version_stored
        from wirewatch.search.receivers import index_stored_version

        version_stored.connect(index_stored_version, dispatch_uid="wirewatch.search.index")

        from wirewatch.api import exports
        from wirewatch.search.narrow import narrow

        exports.QUERY_FILTER = narrow  # exports' q= speaks the search language
