"""Production server settings: `gunicorn config.wsgi` from ticket_system/ reads this file."""

import os

bind = f"0.0.0.0:{os.environ.get('API_PORT') or '8000'}"
# One single-threaded worker process per CPU (at least two, so one slow request never stalls the
# API). The API spends its time in Python, so more processes than CPUs, or threads taking turns on
# one process's GIL, only added switching: in bench/, 2 workers x 4 threads served a list page at
# half the rate of 2 x 1, with latency swinging from run to run (bench/README.md, "Server").
# Single-threaded (sync) workers give a slow client a whole worker while it sends its request:
# on the open internet, put a buffering proxy (nginx, a cloud load balancer) in front.
workers = int(os.environ.get("GUNICORN_WORKERS") or max(2, len(os.sched_getaffinity(0))))
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = 60
# Load the app before forking so a configuration error (e.g. no DJANGO_SECRET) stops the server
# with its one-line message instead of workers failing to boot in a loop.
preload_app = True
accesslog = "-"
errorlog = "-"
