from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "wirewatch.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from wirewatch.archive.signals import version_stored
        from wirewatch.search.receivers import index_stored_version

        version_stored.connect(index_stored_version, dispatch_uid="wirewatch.search.index")
