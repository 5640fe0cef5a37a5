#!/bin/sh
# Container start: pick the database, apply migrations, then run the command (gunicorn).
set -e

# Under `docker compose --profile postgres up` the `postgres` service exists on the network:
# use it unless DATABASE_URL was set explicitly.
if [ -z "$DATABASE_URL" ] && [ -n "$COMPOSE_POSTGRES_URL" ] && getent hosts postgres >/dev/null 2>&1; then
  export DATABASE_URL="$COMPOSE_POSTGRES_URL"
  echo "Using the postgres service (COMPOSE_POSTGRES_URL)."
fi

python manage.py migrate --noinput
exec "$@"
