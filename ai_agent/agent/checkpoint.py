"""Where conversations are kept: the LangGraph checkpointer for the configured store.

- SQLite (default): one file, `<AGENT_DATA_DIR>/conversations.sqlite3`, so a thread survives a
  restart of the agent. Fine for one agent process.
- PostgreSQL (AGENT_CHECKPOINT_URL set): every agent process behind a load balancer reads and
  writes the same threads, so turn two may land on another process than turn one.

The checkpointer also makes confirmations possible: interrupt() needs one to pause a run and
resume it in a later request (perhaps in another process).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from agent.settings import AgentSettings

SQLITE_FILE = "conversations.sqlite3"
POOL_MAX_SIZE = 10


@asynccontextmanager
async def open_checkpointer(settings: AgentSettings) -> AsyncIterator[BaseCheckpointSaver]:
    """The configured checkpointer, ready to use (tables created) until the context exits."""
    if settings.checkpoint_url:
        async with _postgres(settings.checkpoint_url.get_secret_value()) as saver:
            yield saver
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        async with AsyncSqliteSaver.from_conn_string(str(settings.data_dir / SQLITE_FILE)) as saver:
            await saver.setup()
            yield saver


@asynccontextmanager
async def _postgres(url: str) -> AsyncIterator[AsyncPostgresSaver]:
    # The connection settings AsyncPostgresSaver.from_conn_string uses, on a pool instead of one
    # connection so concurrent requests do not queue: autocommit (the saver manages its own
    # transactions), dict rows (it reads columns by name), statements prepared at once.
    pool = AsyncConnectionPool(
        url,
        max_size=POOL_MAX_SIZE,
        kwargs={"autocommit": True, "row_factory": dict_row, "prepare_threshold": 0},
        open=False,
    )
    await pool.open(wait=True, timeout=15)
    try:
        saver = AsyncPostgresSaver(pool)
        await saver.setup()  # idempotent: creates or migrates the tables
        yield saver
    finally:
        await pool.close()
