"""Sending one alert (or one digest of several) by e-mail or webhook. Raises SendError on failure.

E-mail goes through Django's mail backend (settings EMAIL_*, see docs/accounts.md), with a plain-text and an
HTML part; the HTML is built from escaped values and the snippet, which the search app escapes itself
(search/snippets.py) — only its <mark> tags are markup. The Message-ID is made from the idempotency key.

Webhooks are a JSON POST signed with HMAC-SHA256 over the exact body bytes with the subscription's secret
(``X-Wirewatch-Signature: sha256=<hex>``, the GitHub convention), with ``X-Wirewatch-Idempotency-Key``.
The address is written by an analyst and resolved by us: the POST goes through the sources' SSRF guard
(fetching/guard.py, ``WIREWATCH_ALLOW_INTERNAL_SOURCES``), which checks the address the socket connects to, so a
name that resolves (or re-resolves) to 169.254.169.254 or our own admin is refused. Redirects are not followed:
a 3xx is a failed delivery, so no hop can lead elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlsplit

import httpx
import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from wirewatch.alerts.models import Delivery, Subscription
from wirewatch.fetching.guard import InternalAddressRefused, guarded_transport

SIGNATURE_HEADER = "X-Wirewatch-Signature"
KEY_HEADER = "X-Wirewatch-Idempotency-Key"


class SendError(Exception):
    pass


def group_key(rows: list[Delivery]) -> str:
    """One alert: its own key. A digest: the keys' range, so re-sending the same claimed set gives the same key."""
    if len(rows) == 1:
        return rows[0].idempotency_key
    return f"wirewatch-{rows[0].subscription_id}-digest-{rows[0].pk}-{rows[-1].pk}"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _absolute(path: str) -> str:
    return settings.WIREWATCH_ALERTS["BASE_URL"] + path


def _alert(row: Delivery) -> dict:
    return {**row.payload, "event": row.event, "url": _absolute(row.payload.get("path", "/"))}


def _alerts(rows: list[Delivery]) -> list[dict]:
    return [_alert(row) for row in rows]


def _alerts_html(rows: list[Delivery]) -> list[dict]:
    # The snippet was escaped when made; cleaning it again to <mark> alone costs little and means a payload
    # row is never trusted as HTML.
    return [
        {**alert, "snippet": nh3.clean(alert.get("snippet", ""), tags={"mark"})} for alert in _alerts(rows)
    ]


def webhook_body(subscription: Subscription, rows: list[Delivery], key: str) -> bytes:
    document = {
        "idempotency_key": key,
        "subscription": {"id": subscription.pk, "name": subscription.name, "kind": subscription.kind,
                         "query": subscription.query},
        "alerts": _alerts(rows),
    }  # fmt: skip
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


def send_webhook(subscription: Subscription, rows: list[Delivery]) -> None:
    key = group_key(rows)
    body = webhook_body(subscription, rows, key)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(subscription.webhook_secret, body),
        KEY_HEADER: key,
        "User-Agent": "Wirewatch alerts",
    }
    if urlsplit(subscription.webhook_url).scheme not in ("http", "https"):
        raise SendError("The webhook address must be http or https.")
    timeout = settings.WIREWATCH_ALERTS["SEND_TIMEOUT"]
    transport = guarded_transport(httpx.Limits(max_keepalive_connections=0))
    try:
        with httpx.Client(transport=transport, timeout=timeout, follow_redirects=False) as client:
            response = client.post(subscription.webhook_url, content=body, headers=headers)
    except InternalAddressRefused as refused:
        raise SendError(f"webhook refused: {refused}") from None
    except httpx.HTTPError as exc:
        raise SendError(f"webhook: {type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise SendError(f"webhook answered HTTP {response.status_code}")


def _subject(subscription: Subscription, rows: list[Delivery]) -> str:
    if len(rows) > 1:
        return f"[Wirewatch] {subscription.name}: {len(rows)} alerts"
    row = rows[0]
    return f"[Wirewatch] {subscription.name}: {row.event} — {row.payload.get('title', '')}"[:250]


def email_message(subscription: Subscription, rows: list[Delivery]) -> EmailMultiAlternatives:
    recipient = subscription.email or subscription.owner.email
    if not recipient:
        raise SendError("No e-mail address: set one on the alert or on your account.")
    base = {"subscription": subscription, "digest": len(rows) > 1, "base_url": _absolute("")}
    message = EmailMultiAlternatives(
        subject=" ".join(_subject(subscription, rows).split()),
        body=render_to_string("alerts/email.txt", base | {"alerts": _alerts(rows)}),
        to=[recipient],
        headers={"Message-ID": f"<{group_key(rows)}@wirewatch>"},
    )
    message.attach_alternative(
        render_to_string("alerts/email.html", base | {"alerts": _alerts_html(rows)}), "text/html"
    )
    return message


def send_email(subscription: Subscription, rows: list[Delivery]) -> None:
    message = email_message(subscription, rows)
    try:
        connection = get_connection(timeout=settings.WIREWATCH_ALERTS["SEND_TIMEOUT"])
    except TypeError:  # backends without a timeout option (console, locmem)
        connection = get_connection()
    try:
        message.connection = connection
        message.send()
    except (OSError, ValueError) as exc:  # smtplib errors are OSErrors
        raise SendError(f"e-mail: {type(exc).__name__}: {exc}") from None


def send(subscription: Subscription, rows: list[Delivery]) -> None:
    if subscription.channel == Subscription.Channel.WEBHOOK:
        send_webhook(subscription, rows)
    else:
        send_email(subscription, rows)
