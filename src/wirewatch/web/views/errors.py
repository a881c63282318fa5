"""Error pages: a clear message, never a stack trace.

They render a template that touches no database, so that they still work when the database is the problem.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wirewatch.web.paging import BadQuery


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {"title": "Not found", "message": "There is no such page here. It may have moved."}
    return render(request, "web/error.html", context, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Only our own messages are shown: Django's (e.g. a disallowed Host) may say more than a visitor needs.
    message = str(exception) if isinstance(exception, BadQuery) else "The request could not be understood."
    return render(request, "web/error.html", {"title": "Bad request", "message": message}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    context = {"title": "Error", "message": "Something went wrong on our side. Please try again later."}
    return render(request, "web/error.html", context, status=500)
