"""Production server settings: `gunicorn config.wsgi` from ticket_system/ reads this file."""

import os

bind = f"0.0.0.0:{os.environ.get('API_PORT') or '8000'}"
workers = int(os.environ.get("GUNICORN_WORKERS") or 2)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
timeout = 60
# Load the app before forking so a configuration error (e.g. no DJANGO_SECRET) stops the server
# with its one-line message instead of workers failing to boot in a loop.
preload_app = True
accesslog = "-"
errorlog = "-"
