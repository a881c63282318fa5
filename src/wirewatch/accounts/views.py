"""Account pages: login/logout, password reset, API tokens; and the reader's actions (star, notes, read)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wirewatch.accounts import reader, tokens
from wirewatch.accounts.forms import NoteForm, ThrottledAuthenticationForm, TokenForm
from wirewatch.accounts.models import ApiToken, Note, Role
from wirewatch.accounts.roles import require_role, role_of
from wirewatch.archive.models import Article


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Same page and (at least) the same time whether or not the address belongs to an account.

    Django already answers alike for known and unknown addresses; the time it takes differs, because only a
    known one renders and sends a mail. Padding every answer to WIREWATCH_RESET_MIN_SECONDS hides that.
    """

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        started = time.monotonic()
        response = super().post(request, *args, **kwargs)
        remaining = settings.WIREWATCH_RESET_MIN_SECONDS - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own tokens. POST creates one, then redirects (a reload must not make another): the secret
    rides in the session to that one next page and is gone after."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session["new_token"] = tokens.create_token(request.user, form.cleaned_data["name"])[1]
        return redirect("accounts:tokens")
    created = request.session.pop("new_token", None)
    context = {"tokens": ApiToken.objects.filter(owner=request.user), "form": form, "created": created}
    response = render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # the page may show a secret
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not tokens.revoke(request.user, pk):
        return render(
            request, "web/error.html", {"title": "Not found", "message": "No such token."}, status=404
        )
    return redirect("accounts:tokens")


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = fallback
    return redirect(target)


@login_required
@require_POST
def star(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    starred = reader.toggle_star(request.user, article)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"id": pk, "starred": starred})
    return _back(request, reverse("web:article", args=[pk]))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    reader.mark_all_read(request.user)
    return _back(request, reverse("web:stream"))


@require_role(Role.ANALYST)
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        message = "A note needs text (at most 10,000 characters)."
        return render(request, "web/error.html", {"title": "Bad request", "message": message}, status=400)
    Note.objects.create(owner=request.user, article=article, text=form.cleaned_data["text"])
    return redirect(reverse("web:article", args=[pk]) + "#notes")


@require_role(Role.ANALYST)
@require_POST
def note_delete(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Note, pk=pk, owner=request.user)
    note.delete()
    return redirect(reverse("web:article", args=[note.article_id]) + "#notes")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", {"role": role_of(request.user)})
