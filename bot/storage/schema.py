"""Is the database's schema the one this release was written for?

``wuyebot serve`` migrates the embedded SQLite by itself. On PostgreSQL the schema belongs to the
operator (`wuyebot db upgrade`, once, before the new release's instances start: docs/deploy.md);
an instance started on an older schema would fail on its first message with a missing column, so
it refuses to start and says what to run. A schema newer than the release (an instance of the
previous release restarted during a rolling upgrade) is allowed: migrations only add.
"""

from __future__ import annotations

import asyncio
import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.storage.db import create_engine
from models.migrate import alembic_config

log = logging.getLogger(__name__)

CHECK_SECONDS = 15  # an unreachable database: serve starts anyway and /healthz reports it


def _current_heads(connection: Connection) -> tuple[str, ...]:
    return tuple(MigrationContext.configure(connection).get_current_heads())


async def missing_migrations(database_url: str) -> list[str] | None:
    """This release's migrations the database has not run, oldest first (empty: up to date or
    newer); None when the database could not be asked."""
    script = ScriptDirectory.from_config(alembic_config(database_url))
    engine = create_engine(database_url)
    try:
        async with asyncio.timeout(CHECK_SECONDS), engine.connect() as connection:
            current = await connection.run_sync(_current_heads)
    except Exception as error:  # whatever stops the check: serve starts, and /healthz tells
        log.warning("could not read the schema's revision (%s); starting anyway", type(error).__name__)
        return None
    finally:
        await engine.dispose()
    known = {revision.revision for revision in script.walk_revisions()}
    if any(head not in known for head in current):
        return []  # written by a newer release
    missing = [revision.revision for revision in script.iterate_revisions("heads", current or "base")
               if revision.revision not in current]
    return list(reversed(missing))
