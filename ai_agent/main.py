"""Serve the agent over HTTP: `cd ai_agent && python main.py`.

Listens on 0.0.0.0:AGENT_PORT (default 8100). With AGENT_RELOAD=1 the server restarts when a file
under ai_agent/ changes (development only). A wrong setting stops start-up with one line on stderr
naming the variable, and exit code 1.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import uvicorn

from agent.settings import SettingsError, load_settings
from web.app import create_app

AGENT_DIR = Path(__file__).resolve().parent
HOST = "0.0.0.0"
SERVER_OPTIONS = {
    # GET /chat?message=... carries up to 8,000 characters in its request line, percent-encoded
    # (up to 12 bytes each): with h11's default 16 KiB limit a long message would get uvicorn's
    # plain-text 400 instead of the app's answer.
    "h11_max_incomplete_event_size": 128 * 1024,
    # On SIGTERM, open streams are closed (sse-starlette cancels them) and the runs stopped;
    # this bounds the wait for anything else still open.
    "timeout_graceful_shutdown": 5,
}


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"main.py: {error}", file=sys.stderr)
        return 1
    # uvicorn configures only its own loggers; this makes the agent's and the web app's visible too.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.reload:
        # The reloader runs the app in a child process, which needs an import string; the child
        # reads the settings again (they were just validated here).
        uvicorn.run("web.app:create_app", factory=True, host=HOST, port=settings.port,
                    reload=True, reload_dirs=[str(AGENT_DIR)], app_dir=str(AGENT_DIR), **SERVER_OPTIONS)
    else:
        uvicorn.run(create_app(settings), host=HOST, port=settings.port, **SERVER_OPTIONS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
