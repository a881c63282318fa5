"""Django settings. Every knob is an environment variable, documented in docs/settings.md."""

import os
import secrets
from pathlib import Path


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key(data_dir: Path) -> str:
    """The key from the environment, else one generated once and kept in the data directory."""
    if key := os.environ.get("WIREWATCH_SECRET_KEY"):
        return key
    path = data_dir / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DATA_DIR = Path(os.environ.get("WIREWATCH_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
WARC_DIR = DATA_DIR / "warc"

SECRET_KEY = _secret_key(DATA_DIR)
DEBUG = os.environ.get("WIREWATCH_DEBUG") == "1"
ALLOWED_HOSTS = _env_list("WIREWATCH_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "wirewatch.sources",
    "wirewatch.fetching",
    "wirewatch.archive",
    "wirewatch.search",
    "wirewatch.entities",
    "wirewatch.dedupe",
    "wirewatch.accounts",
    "wirewatch.web",
    "wirewatch.api",
    "wirewatch.feeds",
    "wirewatch.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Keeps anonymous pages to serve while the database is down (serving/faults.py, docs/operations.md).
    "wirewatch.serving.faults.remember_good_pages",
    "wirewatch.serving.http.cache_control",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wirewatch.accounts.middleware.token_authentication",
    "wirewatch.accounts.middleware.private_mode",
    "wirewatch.api.auth.rate_limit",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wirewatch.web.middleware.security_headers",
]

ROOT_URLCONF = "wirewatch.urls"
WSGI_APPLICATION = "wirewatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wirewatch.accounts.context.roles",
            ]
        },
    }
]

# SQLite in WAL mode: readers never block the one writer. IMMEDIATE transactions take the write lock at
# BEGIN, so two writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("WIREWATCH_DB_PATH") or str(DATA_DIR / "wirewatch.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON",
        },
        "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        # Keep each thread's connection: opening one (and its PRAGMAs) cost 30% of a cached page (docs/performance.md).
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }
}
# Scale-out (docs/deploy.md): DATABASE_URL=postgres://user:pass@host/name replaces SQLite. The test database
# is named after this run's data directory so that test sessions side by side never share one.
DATABASE_URL_SET = bool(os.environ.get("DATABASE_URL"))
if DATABASE_URL := os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES["default"] = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    _run = "".join(c if c.isalnum() else "_" for c in DATA_DIR.name.lower())[-30:]
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_run}"[:63]}
# A streaming replica serving the reads of web GET requests (scale/replica.py); the rest uses the primary.
# After a write, a client reads from the primary for WIREWATCH_REPLICA_PIN_SECONDS (read-your-writes).
REPLICA_PIN_SECONDS = int(os.environ.get("WIREWATCH_REPLICA_PIN_SECONDS", "10"))
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL"):
    import dj_database_url

    _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)  # a dead replica: fail fast
    DATABASES["replica"] = _replica
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary under this alias
    DATABASE_ROUTERS = ["wirewatch.scale.replica.ReplicaRouter"]
    MIDDLEWARE.insert(1, "wirewatch.scale.replica.read_from_replica")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
USE_I18N = False
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"

# --- Caches, single-machine mode (serving/cache.py, docs/performance.md). "default" is shared by every worker
# process (files under the data directory); "local" is each process's in-memory copy in front of it. Keys
# carry the content's markers, so neither needs invalidating. Scale-out mode replaces "default" with Redis.
CACHES = {
    "default": {
        "BACKEND": "wirewatch.serving.filecache.FileCache",  # Django's, culled every few writes
        "LOCATION": str(DATA_DIR / "cache"),
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
if os.environ.get("WIREWATCH_CACHE") == "off":  # every page rendered per request: for measuring, debugging
    CACHES = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in CACHES}
# Micro-cache (serving/microcache.py): each process keeps complete anonymous answers this many seconds, in at
# most this many bytes. Keep the seconds below 0.9 (microcache.MAX_AGE_SECONDS): freshness within 1 s. 0: off.
WIREWATCH_MICROCACHE_SECONDS = float(os.environ.get("WIREWATCH_MICROCACHE_SECONDS", "0.5"))
WIREWATCH_MICROCACHE_BYTES = int(os.environ.get("WIREWATCH_MICROCACHE_BYTES", str(32 * 1024 * 1024)))
if os.environ.get("WIREWATCH_CACHE") == "off":
    WIREWATCH_MICROCACHE_SECONDS = 0.0
# --- end of caches

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "wirewatch": {"handlers": ["console"], "level": os.environ.get("WIREWATCH_LOG_LEVEL", "INFO")}
    },
}

# Watching: how we behave towards the sources. Politeness is not optional: these sites ban fast pollers.
WIREWATCH = {
    "USER_AGENT": os.environ.get(
        "WIREWATCH_USER_AGENT", "Wirewatch/0.1 (+https://github.com/wirewatch; news monitoring)"
    ),
    "DEFAULT_DELAY": float(os.environ.get("WIREWATCH_DEFAULT_DELAY", "2")),
    "DEFAULT_POLL_INTERVAL": int(os.environ.get("WIREWATCH_POLL_INTERVAL", "900")),
    "TIMEOUT": float(os.environ.get("WIREWATCH_FETCH_TIMEOUT", "30")),
    "MAX_BODY_BYTES": int(os.environ.get("WIREWATCH_MAX_BODY_BYTES", str(10 * 1024 * 1024))),
    "MAX_REDIRECTS": int(os.environ.get("WIREWATCH_MAX_REDIRECTS", "5")),
    "MAX_RETRY_WAIT": float(os.environ.get("WIREWATCH_MAX_RETRY_WAIT", "30")),
    "WARC_MAX_BYTES": int(os.environ.get("WIREWATCH_WARC_MAX_BYTES", str(1024 * 1024 * 1024))),
    "MAX_ARTICLES_PER_POLL": int(os.environ.get("WIREWATCH_MAX_ARTICLES_PER_POLL", "5000")),
    "LISTING_MAX_PAGES": int(os.environ.get("WIREWATCH_LISTING_MAX_PAGES", "5")),
    # The record (docs/record.md): re-check each article after these many seconds (then the last, repeated);
    # removed at source only after this many failed checks in a row AND this many hours since the first.
    "RECHECK_SCHEDULE": [
        int(s) for s in _env_list("WIREWATCH_RECHECK_SCHEDULE", "3600,21600,86400,259200,604800,2592000")
    ],
    "RECHECK_BATCH": int(os.environ.get("WIREWATCH_RECHECK_BATCH", "200")),
    "REMOVAL_AFTER_FAILURES": int(os.environ.get("WIREWATCH_REMOVAL_AFTER_FAILURES", "3")),
    "REMOVAL_AFTER_HOURS": float(os.environ.get("WIREWATCH_REMOVAL_AFTER_HOURS", "48")),
}

# SSRF guard (fetching/guard.py, docs/security.md): the watcher connects to public addresses only, unless these
# networks ("127.0.0.1/32,10.0.0.0/8", or "all") are allowed. Tests and the demo opt in for loopback.
WIREWATCH_ALLOW_INTERNAL_SOURCES = _env_list("WIREWATCH_ALLOW_INTERNAL_SOURCES", "")

# Search (docs/search.md): relevance order ranks the best of the newest this-many matches (after filters), so a
# common word is not scored and sorted in full; a date range reaches older matches.
WIREWATCH_SEARCH_RELEVANCE_WINDOW = int(os.environ.get("WIREWATCH_SEARCH_RELEVANCE_WINDOW", "10000"))
# The Unix socket of this host's shared Korean analyser (`wirewatch analyser`, search/analyser.py); empty: each
# process that analyses Korean loads its own copy of kiwi (~300 MB).
WIREWATCH_KOREAN_ANALYSER = os.environ.get("WIREWATCH_KOREAN_ANALYSER", "")

# Accounts (docs/accounts.md). Private: every page, feed and API call needs a login or a token.
WIREWATCH_PRIVATE = os.environ.get("WIREWATCH_PRIVATE") == "1"
WIREWATCH_API_RATE_LIMIT = int(os.environ.get("WIREWATCH_API_RATE_LIMIT", "600"))  # requests per minute
WIREWATCH_LOGIN_FAILURES = int(os.environ.get("WIREWATCH_LOGIN_FAILURES", "5"))
WIREWATCH_LOGIN_LOCK_SECONDS = int(os.environ.get("WIREWATCH_LOGIN_LOCK_SECONDS", "900"))
WIREWATCH_RESET_MIN_SECONDS = float(os.environ.get("WIREWATCH_RESET_MIN_SECONDS", "1.0"))
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:stream"
LOGOUT_REDIRECT_URL = "accounts:login"
HTTPS = os.environ.get("WIREWATCH_HTTPS") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
EMAIL_BACKEND = os.environ.get("WIREWATCH_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("WIREWATCH_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("WIREWATCH_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("WIREWATCH_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("WIREWATCH_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("WIREWATCH_EMAIL_TLS") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("WIREWATCH_EMAIL_FROM", "wirewatch@localhost")

# Saved searches and alerts (docs/alerts.md).
WIREWATCH_ALERTS = {
    "MAX_ATTEMPTS": int(os.environ.get("WIREWATCH_ALERTS_MAX_ATTEMPTS", "6")),
    "BACKOFF_SECONDS": float(os.environ.get("WIREWATCH_ALERTS_BACKOFF_SECONDS", "30")),
    "LEASE_SECONDS": float(os.environ.get("WIREWATCH_ALERTS_LEASE_SECONDS", "120")),
    "DIGEST_HOUR_UTC": int(os.environ.get("WIREWATCH_ALERTS_DIGEST_HOUR", "6")),
    "SILENT_FACTOR": float(os.environ.get("WIREWATCH_ALERTS_SILENT_FACTOR", "3")),
    "SEND_TIMEOUT": float(os.environ.get("WIREWATCH_ALERTS_SEND_TIMEOUT", "20")),
    # Links in e-mails and webhooks need an absolute address: where readers reach this server.
    "BASE_URL": os.environ.get("WIREWATCH_BASE_URL", "http://localhost:8000").rstrip("/"),
}

# Scale-out (docs/deploy.md): with REDIS_URL, the cache, the per-host politeness locks and the task queue of
# `wirewatch scheduler` / `wirewatch worker` are shared through Redis by every process on every host.
# WIREWATCH_REDIS_PREFIX names this deployment's keys and queues (the same on all its hosts; tests use their own).
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_PREFIX = os.environ.get("WIREWATCH_REDIS_PREFIX", "wirewatch")
# A Redis that hangs (host blackholed, network partition) must cost a bounded wait, never a stuck process: every
# client sets both a connect and a read timeout (older redis-py versions default to none: wait for ever).
# Workers, scheduler, politeness locks, doctor: every command we send is short (SET NX, GET, Dramatiq's small
# Lua scripts; no blocking command such as BLPOP: lock and queue waits poll from the client), so 5 s only rides
# out a stall (a lost SYN is resent after 1 s and 3 s; a fork for a background save). It is a third of the
# leases' 15 s TTL (scale/limiter.py): a renewal that hangs fails, and says so, before the lease runs out.
REDIS_TIMEOUT = float(os.environ.get("WIREWATCH_REDIS_TIMEOUT", "5"))
# The page cache, read during a reader's request: a cached page comes back in about a millisecond and a page
# renders in tens, so waiting longer than 1 s is worse than rendering. After a failure, serving/cache.py leaves
# Redis alone for a while (pages are rendered without it), so only the first requests of an outage wait.
REDIS_CACHE_TIMEOUT = float(os.environ.get("WIREWATCH_REDIS_CACHE_TIMEOUT", "1"))
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_PREFIX,
        "OPTIONS": {"socket_connect_timeout": REDIS_CACHE_TIMEOUT, "socket_timeout": REDIS_CACHE_TIMEOUT},
    }
# WARC files: the data directory by default; WIREWATCH_WARC_STORAGE=s3 also copies each closed file to an
# S3-compatible bucket (django-storages; AWS_* settings below), so that web hosts can read what workers wrote.
WARC_STORAGE = os.environ.get("WIREWATCH_WARC_STORAGE", "local")
if WARC_STORAGE == "s3":
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "warc": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ.get("WIREWATCH_S3_BUCKET", "wirewatch-warc"),
                "endpoint_url": os.environ.get("WIREWATCH_S3_ENDPOINT") or None,
                "region_name": os.environ.get("WIREWATCH_S3_REGION") or None,
                "access_key": os.environ.get("WIREWATCH_S3_ACCESS_KEY") or None,
                "secret_key": os.environ.get("WIREWATCH_S3_SECRET_KEY") or None,
                "location": os.environ.get("WIREWATCH_S3_PREFIX", "warc"),
                "file_overwrite": False,
            },
        },
    }
