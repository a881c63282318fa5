from django.urls import path

from wirewatch.web.views import articles, history, sources, stream

app_name = "web"

urlpatterns = [
    path("", stream.stream, name="stream"),
    path("articles/<int:pk>/", articles.article, name="article"),
    path("articles/<int:pk>/history/", history.history, name="history"),
    path("changes/", history.changes, name="changes"),
    path("changes/feed.atom", history.ChangeFeed(), name="changes-feed"),
    path("sources/", sources.source_list, name="source-list"),
    path("sources/<slug:slug>/", sources.source_detail, name="source"),
    path("sources/<slug:slug>/more/", sources.source_more, name="source-more"),
]
