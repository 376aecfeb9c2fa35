"""Django settings of the hub, read from the environment (see `docs/configuration.md`).

Importable with no environment at all: every value has a development default, so mypy's Django plugin
and pytest-django can load it. Production differs by environment variables, not by file.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from hub.env import (
    email_settings_from_url,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    load_config_file,
)

if os.environ.get("EFACTURA_CONFIG"):  # the one configuration file (docs/configuration.md)
    load_config_file(os.environ["EFACTURA_CONFIG"])

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("EFACTURA_DATA_DIR", "var")).resolve()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY", "dev-only-insecure-secret-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "ninja",  # serves the API docs' Swagger UI from our static files instead of a CDN
    "hub.core",
    "hub.accounts",
    "hub.notifications",
    "hub.integrations",
    "hub.integrations.ro_efactura",
    "hub.inbox",
    "hub.outbox",
    "hub.desk",
    "hub.webhooks",
    "hub.api",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hub.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "hub.urls"
ASGI_APPLICATION = "hub.asgi.application"
WSGI_APPLICATION = "hub.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hub.accounts.context_processors.organizations",
                "hub.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'hub.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server, workers and beat share one file (docs/deployment.md "One machine"): readers never wait for
    # the writer (WAL), a writer waits for the write lock instead of failing (busy timeout), and every
    # transaction takes the write lock when it begins (IMMEDIATE), so none can fail half-way, when a read
    # turns into a write while another process writes. In WAL mode, synchronous=NORMAL never corrupts the
    # file and loses nothing when a process dies; only a power cut may undo the last commits.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=env_int("EFACTURA_SQLITE_BUSY_TIMEOUT", 20),
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (django-axes): an account, and separately a client address, is locked out for a cool-off
# after too many wrong passwords; `efactura manage axes_reset_username NAME` unlocks early.
AUTHENTICATION_BACKENDS = [
    "hub.accounts.backends.ThrottledLogin",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("EFACTURA_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("EFACTURA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hub.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ADMIN = False
EFACTURA_INVITATION_DAYS = env_int("EFACTURA_INVITATION_DAYS", 7)  # invitation and e-mail confirmation links
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Content-Security-Policy (django-csp): scripts only from our static files (no inline script, no eval);
# inline style attributes stay allowed (they cannot run code). docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}
# The authorization popup must keep its `window.opener` across ANAF's pages to report back.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"
# Behind a TLS-terminating proxy: HTTPS_ONLY=1 turns on secure cookies, the redirect to https and HSTS.
HTTPS_ONLY = env_bool("HTTPS_ONLY", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS_ONLY)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS_ONLY else 0)
if env_bool("TRUST_X_FORWARDED_PROTO", HTTPS_ONLY):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Request bodies (docs/security.md): capped in front of Django (`hub.core.bodylimit`, 413) and inside it.
EFACTURA_MAX_REQUEST_BYTES = env_int("EFACTURA_MAX_REQUEST_BYTES", 1024 * 1024)
# ANAF accepts invoices up to 10 MB; the margin covers a multipart or JSON envelope around one.
EFACTURA_MAX_UPLOAD_BYTES = env_int("EFACTURA_MAX_UPLOAD_BYTES", 11 * 1024 * 1024)
EFACTURA_UPLOAD_PATHS = env_list("EFACTURA_UPLOAD_PATHS", "/api/v1/")
DATA_UPLOAD_MAX_MEMORY_SIZE = EFACTURA_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440  # larger files go to a private temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

LANGUAGE_CODE = "ro"
LANGUAGES = [("ro", "Română"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Bucharest")

STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT") or None  # only for `collectstatic`; whitenoise serves from the apps
WHITENOISE_USE_FINDERS = True  # serve straight from the packages: no collectstatic step needed
WHITENOISE_AUTOREFRESH = DEBUG

_email_url = env_str("EMAIL_URL")
if _email_url:
    globals().update(email_settings_from_url(_email_url))
elif env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "e-Factura Hub <efactura@localhost>")

# ANAF OAuth application (one per instance, registered at ANAF's "Editare profil Oauth").
ANAF_CLIENT_ID = env_str("ANAF_CLIENT_ID")
ANAF_CLIENT_SECRET = env_secret("ANAF_CLIENT_SECRET")
ANAF_REDIRECT_URI = env_str("ANAF_REDIRECT_URI", f"{SITE_URL}/integrations/ro-efactura/oauth/callback/")
ANAF_ENVIRONMENT = env_str("ANAF_ENVIRONMENT", "test")  # default for new integrations: prod|test|sandbox
EFACTURA_SANDBOX_URL = env_str("EFACTURA_SANDBOX_URL", "http://127.0.0.1:8900").rstrip("/")


def _default_encryption_key(secret: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"efactura-tokens:{secret}".encode()).digest()).decode()


# Fernet keys, comma-separated; the first encrypts, all decrypt (rotation: prepend a new key, then run
# `efactura manage rotate_encryption_keys`, then drop the old key).
EFACTURA_ENCRYPTION_KEYS = [
    key.strip() for key in env_secret("EFACTURA_ENCRYPTION_KEYS").split(",") if key.strip()
] or [_default_encryption_key(SECRET_KEY)]
EFACTURA_RENEWAL_LEAD_DAYS = env_int("EFACTURA_RENEWAL_LEAD_DAYS", 10)
EFACTURA_MAX_GRANT_AGE_DAYS = env_int("EFACTURA_MAX_GRANT_AGE_DAYS", 730)
EFACTURA_REMINDER_DAYS = [int(day) for day in env_list("EFACTURA_REMINDER_DAYS", "30,14,7,3,1")]
EFACTURA_UNUSABLE_ALERT_HOURS = env_int("EFACTURA_UNUSABLE_ALERT_HOURS", 24)
EFACTURA_OAUTH_STATE_MINUTES = env_int("EFACTURA_OAUTH_STATE_MINUTES", 10)
# Only tests and the demo may move the hub's clock (`hub.core.clock`); production never does.
EFACTURA_ALLOW_TIME_TRAVEL = env_bool("EFACTURA_ALLOW_TIME_TRAVEL", False)

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{DATA_DIR / 'celery-broker.sqlite3'}")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A task is acknowledged when it ends, so a worker that dies mid-task leaves it for another
# (docs/operations.md "When a worker dies"): a pool child lost is requeued at once; Redis hands an
# unacknowledged task to another worker after the visibility timeout, RabbitMQ when the connection drops.
# The SQLite broker cannot: there the inbox's stale-run reaper (at worker start, every minute) resumes it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Must stay under the sync task's `expires` (25 min), or a redelivered sync would be discarded as expired.
EFACTURA_BROKER_VISIBILITY_TIMEOUT = env_int("EFACTURA_BROKER_VISIBILITY_TIMEOUT", 15 * 60)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "sentinel://", "sqs://")):
    # Only these transports know the option (the SQLAlchemy one hands options to `create_engine`).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": EFACTURA_BROKER_VISIBILITY_TIMEOUT}
# ANAF's call budgets (docs/anaf.md §3), shared by every process: on Redis when set, else in the database.
EFACTURA_REDIS_URL = env_secret(
    "EFACTURA_REDIS_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
EFACTURA_QUOTA_PER_MINUTE = env_int("EFACTURA_QUOTA_PER_MINUTE", 1000)  # ANAF's, for the whole application
EFACTURA_ANAF_TIMEOUT_SECONDS = env_int("EFACTURA_ANAF_TIMEOUT_SECONDS", 30)  # for one answer of ANAF
EFACTURA_QUOTA_MARGIN = float(env_str("EFACTURA_QUOTA_MARGIN", "2"))  # % of each minute's budget kept unused


def _cron(name: str, default: str) -> crontab:
    minute, hour, day_of_month, month, day_of_week = env_str(name, default).split()
    return crontab(minute, hour, day_of_week, day_of_month, month)


# Periodic tasks: one table, each cron overridable, each `expires` just under its period.
CELERY_BEAT_SCHEDULE = {
    "renew-due-authorizations": {
        "task": "hub.integrations.ro_efactura.tasks.authorizations_renew_due_task",
        "schedule": _cron("EFACTURA_RENEWAL_CRON", "*/15 * * * *"),
        "options": {"expires": 14 * 60},
    },
    "authorization-reminders": {
        "task": "hub.integrations.ro_efactura.tasks.authorizations_remind_task",
        "schedule": _cron("EFACTURA_REMINDER_CRON", "7 * * * *"),
        "options": {"expires": 55 * 60},
    },
    "notifications-dispatch-pending": {  # safety net only: each event enqueues its own dispatch
        "task": "hub.notifications.tasks.events_dispatch_pending_task",
        "schedule": _cron("EFACTURA_NOTIFY_PENDING_CRON", "*/10 * * * *"),
        "options": {"expires": 9 * 60},
    },
}

# Inbox: sync windows, and the periodic tasks of the inbox and webhooks.
EFACTURA_SYNC_OVERLAP_MINUTES = env_int("EFACTURA_SYNC_OVERLAP_MINUTES", 24 * 60)
EFACTURA_SYNC_SKEW_MARGIN_MINUTES = env_int("EFACTURA_SYNC_SKEW_MARGIN_MINUTES", 10)
EFACTURA_SYNC_LEASE_SECONDS = env_int("EFACTURA_SYNC_LEASE_SECONDS", 180)
# Downloads one company's sync keeps in flight at once (within the shared quota); 1 is one stream.
EFACTURA_SYNC_PARALLEL_DOWNLOADS = env_int("EFACTURA_SYNC_PARALLEL_DOWNLOADS", 8)
# Each company's interval follows its traffic within these bounds (the maximum is at most a day).
EFACTURA_SYNC_MIN_INTERVAL_MINUTES = env_int("EFACTURA_SYNC_MIN_INTERVAL_MINUTES", 5)
EFACTURA_SYNC_MAX_INTERVAL_MINUTES = env_int("EFACTURA_SYNC_MAX_INTERVAL_MINUTES", 24 * 60)
EFACTURA_SYNC_TRAFFIC_DAYS = env_int("EFACTURA_SYNC_TRAFFIC_DAYS", 7)
# Share of ANAF's minute budget the beat plans for scheduled syncs (the rest: "Sync now", the API, retries).
EFACTURA_SCHEDULE_BUDGET_SHARE = float(env_str("EFACTURA_SCHEDULE_BUDGET_SHARE", "0.8"))
# PDFs are rendered in the worker, in a child process under these ceilings (docs/configuration.md).
EFACTURA_PDF_MAX_LINES = env_int("EFACTURA_PDF_MAX_LINES", 5000)
EFACTURA_PDF_TIME_LIMIT = env_int("EFACTURA_PDF_TIME_LIMIT", 120)
EFACTURA_PDF_MEMORY_MB = env_int("EFACTURA_PDF_MEMORY_MB", 1536)
EFACTURA_OUTBOX_SETTLE_MINUTES = env_int("EFACTURA_OUTBOX_SETTLE_MINUTES", 20)
EFACTURA_OUTBOX_DEADLINE_WARN_DAYS = env_int("EFACTURA_OUTBOX_DEADLINE_WARN_DAYS", 1)
EFACTURA_WEBHOOKS_ALLOW_PRIVATE = env_bool("EFACTURA_WEBHOOKS_ALLOW_PRIVATE", False)
CELERY_BEAT_SCHEDULE.update(
    {
        "inbox-sync-due": {
            "task": "hub.inbox.tasks.inbox_sync_due_task",
            "schedule": _cron("EFACTURA_SYNC_CRON", "* * * * *"),
            "options": {"expires": 55},
        },
        "inbox-resume-interrupted": {  # the SQLite broker never redelivers a dead worker's task
            "task": "hub.inbox.tasks.inbox_resume_interrupted_task",
            "schedule": _cron("EFACTURA_RESUME_CRON", "* * * * *"),
            "options": {"expires": 55},
        },
        "inbox-sweep": {  # the whole 60 days at ANAF against the archive: a few listing calls a company
            "task": "hub.inbox.tasks.inbox_sweep_task",
            "schedule": _cron("EFACTURA_SWEEP_CRON", "40 3 * * *"),
            "options": {"expires": 23 * 3600},
        },
        "inbox-archive-verify": {  # every original re-hashed, every signature digest re-checked
            "task": "hub.inbox.tasks.inbox_archive_verify_task",
            "schedule": _cron("EFACTURA_ARCHIVE_VERIFY_CRON", "20 4 * * 0"),
            "options": {"expires": 6 * 24 * 3600},
        },
        "inbox-retention-guard": {
            "task": "hub.inbox.tasks.inbox_retention_guard_task",
            "schedule": _cron("EFACTURA_RETENTION_GUARD_CRON", "17 * * * *"),
            "options": {"expires": 55 * 60},
        },
        "inbox-digest": {
            "task": "hub.inbox.tasks.inbox_digest_task",
            "schedule": _cron("EFACTURA_DIGEST_CRON", "0 7 * * *"),
            "options": {"expires": 23 * 3600},
        },
        "outbox-due": {  # issued invoices: sends, checks of uncertain uploads and status polls that are due
            "task": "hub.outbox.tasks.outbox_due_task",
            "schedule": _cron("EFACTURA_OUTBOX_CRON", "* * * * *"),
            "options": {"expires": 55},
        },
        "outbox-deadlines": {  # issued invoices close to their legal deadline and not yet accepted
            "task": "hub.outbox.tasks.outbox_deadlines_task",
            "schedule": _cron("EFACTURA_OUTBOX_DEADLINE_CRON", "25 * * * *"),
            "options": {"expires": 55 * 60},
        },
        "desk-digest": {  # each reviewer: how many supplier invoices wait for them
            "task": "hub.desk.tasks.desk_digest_task",
            "schedule": _cron("EFACTURA_DESK_DIGEST_CRON", "30 7 * * 1-5"),
            "options": {"expires": 23 * 3600},
        },
        "webhooks-retry-due": {
            "task": "hub.webhooks.tasks.webhooks_retry_due_task",
            "schedule": _cron("EFACTURA_WEBHOOKS_RETRY_CRON", "* * * * *"),
            "options": {"expires": 55},
        },
        "webhooks-forward-events": {  # safety net only: each event enqueues its own fan-out when recorded
            "task": "hub.notifications.tasks.webhooks_forward_events_task",
            "schedule": _cron("EFACTURA_WEBHOOKS_FORWARD_CRON", "*/15 * * * *"),
            "options": {"expires": 14 * 60},
        },
    }
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
