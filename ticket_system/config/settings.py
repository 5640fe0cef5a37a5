"""Settings for the ticket system, read from the environment and ticket_system/.env.

Every variable is read through config/env.py (one strictness for all of them) and documented in
ticket_system/.env.example.
"""

from pathlib import Path

import dj_database_url

from . import env

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = env.required(
    "DJANGO_SECRET",
    "add DJANGO_SECRET=<a long random string> to ticket_system/.env or the environment "
    "(`make run` creates the file for you)",
)
DEBUG = env.flag("DJANGO_DEBUG")
ALLOWED_HOSTS = env.names("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "ticket-system", "ticket_system"])
CSRF_TRUSTED_ORIGINS = env.names("DJANGO_CSRF_TRUSTED_ORIGINS", [])

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


SQLITE_ENGINE = "django.db.backends.sqlite3"


def sqlite_database(name: str | Path, url_options: dict | None = None) -> dict:
    """A SQLite file set up for concurrent writers, however it was named (TICKETS_SQLITE_PATH or
    DATABASE_URL=sqlite:///...); options given in the URL win over these."""
    return {
        "ENGINE": SQLITE_ENGINE,
        "NAME": name,
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
            **(url_options or {}),
        },
    }


def database_from_environment() -> dict:
    url = env.text("DATABASE_URL")
    if url is None:
        return sqlite_database(env.text("TICKETS_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")))
    try:
        database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError:
        # The URL may hold a password: it never goes into the message.
        env.refuse("DATABASE_URL", "use postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite3")
    if database["ENGINE"] == SQLITE_ENGINE:
        return sqlite_database(database["NAME"], database.get("OPTIONS"))
    return database


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
    # The workflow itself is documented where its 422 is (tickets/openapi.py, from tickets/workflow.py).
    "DESCRIPTION": "Support tickets with a status workflow; a change it forbids is a 422 naming both statuses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Optional bearer token for /api/tickets/ (health, docs and admin stay open).
TICKETS_API_TOKEN = env.text("TICKETS_API_TOKEN")
# Chaos mode for testing clients' retries: a share of /api/tickets/ calls fail with 503.
TICKETS_CHAOS_FAILURE_RATE = env.number("TICKETS_CHAOS_FAILURE_RATE", 0.0, 0.0, 1.0)
TICKETS_CHAOS_MAX_DELAY_MS = env.whole_number("TICKETS_CHAOS_MAX_DELAY_MS", 0, 0, 60_000)
# Idempotency-Key records are honoured this long.
TICKETS_IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.choice("DJANGO_LOG_LEVEL", "INFO", LOG_LEVELS)},
    "loggers": {"django.request": {"level": "ERROR"}},
}
