"""Production server settings: `gunicorn config.wsgi` from ticket_system/ reads this file."""

import os

from config import env  # gunicorn puts ticket_system/ on sys.path before reading this file

bind = f"0.0.0.0:{env.whole_number('API_PORT', 8000, 1, 65535)}"
# One single-threaded worker process per CPU (at least two, so one slow request never stalls the
# API). The API spends its time in Python, so more processes than CPUs, or threads taking turns on
# one process's GIL, only added switching: in bench/, 2 workers x 4 threads served a list page at
# half the rate of 2 x 1, with latency swinging from run to run (bench/README.md, "Server").
# Single-threaded (sync) workers give a slow client a whole worker while it sends its request:
# on the open internet, put a buffering proxy (nginx, a cloud load balancer) in front.
workers = env.whole_number("GUNICORN_WORKERS", max(2, len(os.sched_getaffinity(0))), 1)
threads = env.whole_number("GUNICORN_THREADS", 1, 1)
timeout = 60
# Load the app before forking so a configuration error (e.g. no DJANGO_SECRET) stops the server
# with its one-line message instead of workers failing to boot in a loop.
preload_app = True
accesslog = "-"
errorlog = "-"
