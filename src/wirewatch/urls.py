from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("wirewatch.api.urls")),
    path("", include("wirewatch.web.urls")),
]

handler404 = "wirewatch.web.views.errors.not_found"
handler400 = "wirewatch.web.views.errors.bad_request"
handler500 = "wirewatch.web.views.errors.server_error"
