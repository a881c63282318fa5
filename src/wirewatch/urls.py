from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("wirewatch.search.urls")),
    path("", include("wirewatch.entities.urls")),
    path("", include("wirewatch.accounts.urls")),
    # Here rather than in accounts/urls.py: the admin needs its own top-level "admin" namespace.
    path("admin/", admin.site.urls),
    path("", include("wirewatch.feeds.urls")),
    path("", include("wirewatch.alerts.urls")),
    path("api/v1/", include("wirewatch.api.urls")),
    path("", include("wirewatch.web.urls")),
]

handler404 = "wirewatch.web.views.errors.not_found"
handler400 = "wirewatch.web.views.errors.bad_request"
# A database outage answers 503 (or the page's last good copy); any other error web's 500 page.
handler500 = "wirewatch.serving.faults.server_error"
