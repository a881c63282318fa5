"""API tokens: made with ``secrets``, stored as SHA-256 only, looked up by digest.

A plain SHA-256 (not a slow password hash) is right here: tokens are 256 random bits, so there is nothing to
brute-force, and the lookup must be an indexed equality on every API request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from wirewatch.accounts.models import ApiToken

PREFIX = "ww_"
MAX_TOKEN_LENGTH = 200
# Writing last_used_at on every request would make each API read a write; once a minute tells enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(owner: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token for ``owner``: the row, and the secret to show once."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner, name=name.strip()[:100] or "token", digest=digest(raw), prefix=raw[:10]
    )
    return token, raw


def revoke(owner: AbstractBaseUser, token_id: int) -> bool:
    """Revoke one of ``owner``'s tokens; False when there is no such token of theirs."""
    return bool(
        ApiToken.objects.filter(owner=owner, pk=token_id, revoked_at=None).update(revoked_at=timezone.now())
    )


def user_for(raw: str) -> AbstractBaseUser | None:
    """The active owner of a live token, else None."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("owner")
        .filter(digest=digest(raw), revoked_at=None, owner__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.owner
