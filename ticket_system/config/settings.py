"""Settings for the ticket system, read from the environment and ticket_system/.env.

Every variable is documented in ticket_system/.env.example.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# Variables already in the environment win over the file, so deployments can override it.
load_dotenv(os.environ.get("TICKET_SYSTEM_ENV_FILE", BASE_DIR / ".env"), override=False)


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def env_number(name: str, default: float, minimum: float, maximum: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        sys.exit(f"{name}={raw!r} is not a number: set it between {minimum:g} and {maximum:g}.")
    if not minimum <= value <= maximum:
        sys.exit(f"{name}={raw!r} is out of range: set it between {minimum:g} and {maximum:g}.")
    return value


SECRET_KEY = os.environ.get("DJANGO_SECRET", "")
if not SECRET_KEY.strip():
    # sys.exit prints one line and no traceback, for manage.py and gunicorn (preload_app) alike.
    sys.exit(
        "DJANGO_SECRET is not set: add DJANGO_SECRET=<a long random string> to ticket_system/.env "
        "or the environment (`make run` creates the file for you)."
    )

DEBUG = env_flag("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "ticket-system", "ticket_system"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tickets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tickets.middleware.RequestSizeLimitMiddleware",
    "tickets.middleware.ChaosMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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


def database_from_environment() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("TICKETS_SQLITE_PATH") or BASE_DIR / "db.sqlite3",
        # Each server thread keeps its connection: opening one costs the PRAGMAs below and SQLite
        # parsing the schema (tables, indexes, FTS table, triggers) again, on every request.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # Writers queue for the lock at BEGIN instead of failing mid-transaction, and WAL lets
            # readers work while one writer writes.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve the admin's and Swagger UI's files straight from the installed apps, so no collectstatic
# step is needed for `make run` or the tests.
WHITENOISE_USE_FINDERS = True

# Requests larger than this are refused with 413 before any parsing.
MAX_REQUEST_BODY_BYTES = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["tickets.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "tickets.negotiation.PlainAcceptNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": ["tickets.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["tickets.authentication.HasApiToken"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "tickets.pagination.TicketPagination",
    "EXCEPTION_HANDLER": "tickets.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Ticket System API",
    "DESCRIPTION": (
        "Support tickets with a status workflow: OPEN -> RESOLVED or CLOSED, RESOLVED -> OPEN or "
        "CLOSED, CLOSED is final."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Optional bearer token for /api/tickets/ (health, docs and admin stay open).
TICKETS_API_TOKEN = os.environ.get("TICKETS_API_TOKEN", "").strip() or None
# Chaos mode for testing clients' retries: a share of /api/tickets/ calls fail with 503.
TICKETS_CHAOS_FAILURE_RATE = env_number("TICKETS_CHAOS_FAILURE_RATE", 0.0, 0.0, 1.0)
TICKETS_CHAOS_MAX_DELAY_MS = int(env_number("TICKETS_CHAOS_MAX_DELAY_MS", 0, 0, 60_000))
# Idempotency-Key records are honoured this long.
TICKETS_IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
