from django.urls import re_path

from wirewatch.api import exports, history, openapi, views

app_name = "api"

# Paths are documented without a trailing slash; one is accepted too. Anything else under /api/v1/ gets a JSON
# 404 rather than the HTML page.
urlpatterns = [
    re_path(r"^articles/?$", views.articles, name="articles"),
    re_path(r"^articles/(?P<pk>[^/]+)/?$", views.article, name="article"),
    re_path(r"^articles/(?P<pk>[^/]+)/versions/?$", history.versions, name="article-versions"),
    re_path(r"^articles/(?P<pk>[^/]+)/diff/?$", history.diff, name="article-diff"),
    re_path(
        r"^articles/(?P<pk>[^/]+)/versions/(?P<number>[^/]+)/capture/?$", history.capture, name="capture"
    ),
    re_path(r"^sources/?$", views.sources, name="sources"),
    re_path(r"^openapi\.json$", openapi.openapi_json, name="openapi"),
    re_path(r"^export\.csv$", exports.export_csv, name="export-csv"),
    re_path(r"^export\.jsonl$", exports.export_jsonl, name="export-jsonl"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
