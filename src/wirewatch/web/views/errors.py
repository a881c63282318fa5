"""Error pages: a clear message, never a stack trace."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"title": "Not found", "message": "No such page."}, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception else "Bad request."
    return render(request, "web/error.html", {"title": "Bad request", "message": message}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/error.html", {"title": "Error", "message": "Something went wrong on our side."}, status=500
    )
