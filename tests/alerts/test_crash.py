"""kill -9 of the delivery process between claim and mark, then a restart: the alert is neither lost nor
duplicated. Run as a user runs it: ``wirewatch alerts deliver`` subprocesses on a data directory."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.alerts.servers import SMTPServer, Webhook, signature_ok

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
ROOT = Path(__file__).resolve().parents[2]
SETUP = """
from wirewatch.cli import setup; setup()
from tests.accounts.helpers import make_user
from tests.alerts.helpers import saved_search, store
from tests.factories import make_source
user = make_user("ana", "analyst", email="ana@example.org")
saved_search(user, "typhoon", channel="{channel}", webhook_url="{url}")
store(make_source(), "Typhoon warning", "A typhoon approaches the east coast.")
"""


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(data_dir), "WIREWATCH_ALERTS_LEASE_SECONDS": "1",
           "WIREWATCH_ALERTS_SEND_TIMEOUT": "60", "WIREWATCH_EMAIL_BACKEND": SMTP_BACKEND, **extra}  # fmt: skip
    env.pop("WIREWATCH_DB_PATH", None)
    return env


def prepare(data_dir: Path, channel: str, url: str = "") -> None:
    script = SETUP.format(channel=channel, url=url)
    subprocess.run([sys.executable, "-c", script], env=env_for(data_dir), cwd=ROOT, check=True, timeout=120)


def deliver(data_dir: Path, *args: str, **extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "wirewatch.cli", "alerts", "deliver", "--tick", "0.2", *args]
    return subprocess.Popen(command, env=env_for(data_dir, **extra), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def outbox(data_dir: Path) -> list[tuple]:
    with sqlite3.connect(data_dir / "wirewatch.sqlite3") as db:
        return db.execute("SELECT status, attempts, locked_until IS NOT NULL FROM alerts_delivery").fetchall()


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def kill_9(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_kill_9_after_the_webhook_was_sent_but_before_it_was_marked_gives_one_alert_by_its_key(tmp_path):
    hook = Webhook().start()
    try:
        prepare(tmp_path, "webhook", hook.url)
        hook.hang = 30.0  # the receiver has the request and has not answered: the sender is mid-send
        first = deliver(tmp_path)
        wait_until(lambda: len(hook.requests) == 1)
        kill_9(first)
        assert outbox(tmp_path) == [("pending", 1, 1)]  # claimed, never marked
        hook.hang = 0.0
        second = deliver(tmp_path)
        wait_until(lambda: outbox(tmp_path) == [("sent", 2, 0)])
        kill_9(second)
    finally:
        hook.stop()
    keys = [headers["X-Wirewatch-Idempotency-Key"] for headers, _ in hook.requests]
    assert len(keys) >= 2 and len(set(keys)) == 1  # the resend carries the same key...
    assert len(hook.processed) == 1  # ...so a receiver that dedupes acts once
    with sqlite3.connect(tmp_path / "wirewatch.sqlite3") as db:
        (secret,) = db.execute("SELECT webhook_secret FROM alerts_subscription").fetchone()
    assert all(signature_ok(secret, headers, body) for headers, body in hook.requests)


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_kill_9_after_claim_before_the_email_was_sent_then_a_restart_delivers_exactly_one(tmp_path):
    prepare(tmp_path, "email")
    silent = socket.socket()  # accepts connections and never greets: the sender hangs before sending
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    smtp = SMTPServer().start()
    try:
        first = deliver(
            tmp_path, WIREWATCH_EMAIL_HOST="127.0.0.1", WIREWATCH_EMAIL_PORT=str(silent.getsockname()[1])
        )
        wait_until(lambda: outbox(tmp_path) == [("pending", 1, 1)])
        time.sleep(0.3)
        kill_9(first)
        assert smtp.inbox.messages == []
        second = deliver(tmp_path, WIREWATCH_EMAIL_HOST="127.0.0.1", WIREWATCH_EMAIL_PORT=str(smtp.port))
        wait_until(lambda: outbox(tmp_path) == [("sent", 2, 0)])
        time.sleep(0.5)  # another round: nothing more may arrive
        kill_9(second)
    finally:
        smtp.stop()
        silent.close()
    (message,) = smtp.inbox.messages
    assert "Typhoon warning" in message["Subject"] and message["Message-ID"].startswith("<wirewatch-1-match.")
