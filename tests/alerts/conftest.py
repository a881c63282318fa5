import pytest

from tests.alerts.servers import SMTPServer, Webhook


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server.inbox
    server.stop()


@pytest.fixture
def webhook():
    receiver = Webhook().start()
    yield receiver
    receiver.stop()
