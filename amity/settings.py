"""Configure Django from AMITY_* environment variables (see amity/config.py)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import dj_database_url

from amity import config
from amity.core import private_files

BASE_DIR = Path(__file__).resolve().parent
AMITY_HOME: Path = config.HOME.value()


def _secret_key() -> str:
    """Return AMITY_SECRET_KEY, or a key generated once and kept in AMITY_HOME."""
    configured: str = config.SECRET_KEY.value()
    return configured or private_files.secret_key(AMITY_HOME)


def _database() -> dict[str, object]:
    """Return the default database: AMITY_DATABASE_URL, else SQLite in AMITY_HOME."""
    url: str = config.DATABASE_URL.value()
    if url:
        db: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        private_files.private_home(AMITY_HOME)
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(AMITY_HOME / "amity.sqlite3")}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while an import writes; IMMEDIATE transactions plus a
        # busy timeout make concurrent writers wait instead of failing with "locked".
        db["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": config.SQLITE_BUSY_TIMEOUT.value(),
        }
    return db


SECRET_KEY = _secret_key()
DEBUG: bool = config.DEBUG.value()
ALLOWED_HOSTS: list[str] = config.ALLOWED_HOSTS.value()
CSRF_TRUSTED_ORIGINS: list[str] = config.CSRF_TRUSTED_ORIGINS.value()
_HTTPS: bool = config.HTTPS.value()
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = bool(config.SECURE_COOKIES.value()) or _HTTPS
if _HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    # For servers other than `amity serve` (which reads the header itself, and only
    # from AMITY_TRUSTED_PROXY): the proxy must set or strip X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS for subdomains and browsers' preload lists binds every site under the domain
# to HTTPS for good: a choice for the domain's owner, not for Amity.
# axes.W006 asks to lock by address too: Amity locks by user name alone, which no
# rotating of addresses, agents or cookies gets around, and which a proxy that hides
# client addresses cannot turn into one lock for everybody.
# models.W040: INCLUDE columns are for PostgreSQL's index-only scans; SQLite's indexes
# hold the rowid anyway and simply go without them (people.Interaction).
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021", "axes.W006", "models.W040"]
# Scripts only from Amity's own files (there are no inline ones), nothing framed.
# Inline style attributes stay allowed (a bar's width); <style> blocks do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "amity.accounts",
    "amity.people",
    "amity.relationships",
    "amity.importers",
    "amity.web",
    "amity.api",
    "amity.network",
    "amity.inbox",
    "amity.portability",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "amity.core",
    "amity.sync",
    "amity.reminders",
]

# Background work (syncs, later digests): django-tasks queued in the database, run by
# `amity worker` or the worker `amity serve` starts in-process (AMITY_SERVE_WORKER).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Digest mail (AMITY_EMAIL_URL, parsed into Django's EMAIL_* settings).
globals().update(config.EMAIL_URL.value())
DEFAULT_FROM_EMAIL: str = config.EMAIL_FROM.value()

# The API docs' Swagger UI comes from django-ninja's own templates and static files,
# never a CDN. They are added as folders rather than by installing the "ninja" app,
# whose import (pydantic and every schema) would cost every CLI verb ~0.15 s.
_NINJA = Path(importlib.util.find_spec("ninja").origin or "").parent  # type: ignore[union-attr]
STATICFILES_DIRS = [_NINJA / "static"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "amity.web.request_limits.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "amity.web.input_rules.InputRulesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "amity.web.headers.NoStoreWhenSignedInMiddleware",
    # Last, as django-axes asks: it turns a lockout into the page below.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "amity.urls"
WSGI_APPLICATION = "amity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [_NINJA / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in throttling (django-axes): see amity/accounts/throttling.py.
AUTHENTICATION_BACKENDS = [
    "amity.accounts.throttling.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT: int = config.LOGIN_FAILURES.value()
AXES_COOLOFF_TIME = dt.timedelta(minutes=config.LOGIN_LOCKOUT_MINUTES.value())
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "amity/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE: str = config.TIME_ZONE.value()
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = AMITY_HOME / "static"
# whitenoise warns on every start when STATIC_ROOT is missing; `collectstatic` is
# optional because WHITENOISE_USE_FINDERS serves straight from the app folders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders too, so `amity serve` works before collectstatic.
WHITENOISE_USE_FINDERS = True

# Uploads over 2 MB spool to a temporary file in AMITY_HOME, never a worker's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(AMITY_HOME / "uploads")
(AMITY_HOME / "uploads").mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
