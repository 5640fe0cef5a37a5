"""Settings for the test suite: the real settings, isolated from a developer's .env and shell.

The database is SQLite unless TICKETS_TEST_DATABASE_URL names another one (the PostgreSQL run).
"""

import os

os.environ["TICKET_SYSTEM_ENV_FILE"] = os.devnull
from . import env  # noqa: E402  (reads the file named just above: none)

os.environ.setdefault("DJANGO_SECRET", "test-only-secret-not-for-production")
for variable in ("DATABASE_URL", "TICKETS_API_TOKEN", "TICKETS_CHAOS_FAILURE_RATE", "TICKETS_CHAOS_MAX_DELAY_MS",
                 "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS"):
    os.environ.pop(variable, None)
if test_database_url := env.text("TICKETS_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = test_database_url

from .settings import *  # noqa: E402,F403

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405  (Django's test client host)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests
if test_database_name := env.text("TICKETS_TEST_DATABASE_NAME"):
    # The PostgreSQL pass names its own test database, so runs sharing one server never collide.
    DATABASES["default"]["TEST"] = {"NAME": test_database_name}  # noqa: F405
