"""Settings for the test suite: the real settings, isolated from a developer's .env and shell.

The database is SQLite unless TICKETS_TEST_DATABASE_URL names another one (the PostgreSQL run).
"""

import os

os.environ["TICKET_SYSTEM_ENV_FILE"] = os.devnull
os.environ.setdefault("DJANGO_SECRET", "test-only-secret-not-for-production")
for variable in ("DATABASE_URL", "TICKETS_API_TOKEN", "TICKETS_CHAOS_FAILURE_RATE", "TICKETS_CHAOS_MAX_DELAY_MS",
                 "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS"):
    os.environ.pop(variable, None)
if os.environ.get("TICKETS_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TICKETS_TEST_DATABASE_URL"]

from .settings import *  # noqa: E402,F403

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405  (Django's test client host)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests
if os.environ.get("TICKETS_TEST_DATABASE_NAME"):
    # The PostgreSQL pass names its own test database, so runs sharing one server never collide.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TICKETS_TEST_DATABASE_NAME"]}  # noqa: F405
